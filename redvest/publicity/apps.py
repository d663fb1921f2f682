from django.apps import AppConfig

from redvest.core import navigation
from redvest.core.exports import export_kind_register


class PublicityConfig(AppConfig):
    name = "redvest.publicity"
    label = "publicity"
    verbose_name = "承诺、典型与培训"

    def ready(self) -> None:
        from redvest.publicity import access, nav  # the app's access rules and menu, read once apps are loaded
        from redvest.publicity.services import TRAINING_HOURS_EXPORT

        access.register()
        export_kind_register(TRAINING_HOURS_EXPORT)

        navigation.register(nav.entries)
