from django.apps import AppConfig

from redvest.core import navigation


class ReportsConfig(AppConfig):
    name = "redvest.reports"
    label = "reports"
    verbose_name = "季报与通报"

    def ready(self) -> None:
        from redvest.reports import access, nav  # the app's access rules and menu, read once apps are loaded

        access.register()

        navigation.register(nav.entries)
