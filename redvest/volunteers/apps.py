from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "redvest.volunteers"
    verbose_name = "志愿者一本账"
