from django.apps import AppConfig

from redvest.core import navigation, sms


class AuditConfig(AppConfig):
    name = "redvest.audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        from redvest.audit import access, nav, services  # the app's access rules and menu, read once apps are loaded

        access.register()
        sms.delivery_failed.register(services.sms_failure_record)

        navigation.register(nav.entries)
