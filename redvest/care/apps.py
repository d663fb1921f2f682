from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "redvest.care"
    label = "care"
    verbose_name = "结对帮扶"
