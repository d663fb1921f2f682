from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "redvest.awards"
    label = "awards"
    verbose_name = "年度评选"
