from django.apps import AppConfig

from redvest.core import navigation


class EvaluationConfig(AppConfig):
    name = "redvest.evaluation"
    label = "evaluation"
    verbose_name = "评议与考核"

    def ready(self) -> None:
        from redvest.evaluation import nav  # the app's menu entries, read once apps are loaded

        navigation.register(nav.entries)
