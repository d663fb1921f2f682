from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "redvest.reports"
    label = "reports"
    verbose_name = "季报与通报"

    def ready(self) -> None:
        from redvest.core import navigation
        from redvest.reports import nav  # the app's menu entries, read once apps are loaded

        navigation.register(nav.entries)
