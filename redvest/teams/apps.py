from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "redvest.teams"
    verbose_name = "服务队"
