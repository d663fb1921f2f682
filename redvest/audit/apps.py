from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "redvest.audit"
    verbose_name = "审计日志"
