from django.apps import AppConfig

from redvest.core import navigation


class AuditConfig(AppConfig):
    name = "redvest.audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        from redvest.audit import nav  # the app's menu entries, read once apps are loaded

        navigation.register(nav.entries)
