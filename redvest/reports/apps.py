from django.apps import AppConfig

from redvest.core import navigation


class ReportsConfig(AppConfig):
    name = "redvest.reports"
    label = "reports"
    verbose_name = "季报与通报"

    def ready(self) -> None:
        from redvest.reports import access, metrics, nav  # the app's hooks, read once apps are loaded

        access.register()
        metrics.register()

        navigation.register(nav.entries)
