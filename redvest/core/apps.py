from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "redvest.core"
    verbose_name = "基础"
