from django.apps import AppConfig


class DemandConfig(AppConfig):
    name = "redvest.demand"
    label = "demand"
    verbose_name = "需求对接"
