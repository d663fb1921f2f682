from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "redvest.reports"
    label = "reports"
    verbose_name = "季报与通报"
