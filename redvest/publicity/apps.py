from django.apps import AppConfig

from redvest.core import navigation


class PublicityConfig(AppConfig):
    name = "redvest.publicity"
    label = "publicity"
    verbose_name = "承诺、典型与培训"

    def ready(self) -> None:
        from redvest.publicity import access, nav  # the app's access rules and menu, read once apps are loaded

        access.register()

        navigation.register(nav.entries)
