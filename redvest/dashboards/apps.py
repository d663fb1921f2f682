from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "redvest.dashboards"
    label = "dashboards"
    verbose_name = "数据看板"
