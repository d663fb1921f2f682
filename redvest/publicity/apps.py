from django.apps import AppConfig

from redvest.core import navigation


class PublicityConfig(AppConfig):
    name = "redvest.publicity"
    label = "publicity"
    verbose_name = "承诺、典型与培训"

    def ready(self) -> None:
        from redvest.publicity import nav  # the app's menu entries, read once apps are loaded

        navigation.register(nav.entries)
