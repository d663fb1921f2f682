from django.apps import AppConfig


class PublicityConfig(AppConfig):
    name = "redvest.publicity"
    label = "publicity"
    verbose_name = "承诺、典型与培训"
