from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "redvest.dashboards"
    label = "dashboards"
    verbose_name = "数据看板"

    def ready(self) -> None:
        from redvest.core import navigation
        from redvest.dashboards import nav  # the app's menu entries, read once apps are loaded

        navigation.register(nav.entries)
