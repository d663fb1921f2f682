from django.apps import AppConfig

from redvest.core import navigation


class AuditConfig(AppConfig):
    name = "redvest.audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        from redvest.audit import access, nav  # the app's access rules and menu, read once apps are loaded

        access.register()

        navigation.register(nav.entries)
