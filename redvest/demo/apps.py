from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "redvest.demo"
    verbose_name = "演示数据"
