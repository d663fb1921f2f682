from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "redvest.orgs"
    verbose_name = "组织网络"
