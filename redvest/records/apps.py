from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "redvest.records"
    verbose_name = "服务记录与证明"
