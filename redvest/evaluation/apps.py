from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "redvest.evaluation"
    label = "evaluation"
    verbose_name = "评议与考核"
