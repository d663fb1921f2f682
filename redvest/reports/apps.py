from django.apps import AppConfig

from redvest.core import navigation


class ReportsConfig(AppConfig):
    name = "redvest.reports"
    label = "reports"
    verbose_name = "季报与通报"

    def ready(self) -> None:
        from redvest.reports import nav  # the app's menu entries, read once apps are loaded

        navigation.register(nav.entries)
