from django.apps import AppConfig

from redvest.core import navigation


class EquipmentConfig(AppConfig):
    name = "redvest.equipment"
    label = "equipment"
    verbose_name = "服装装备"

    def ready(self) -> None:
        from redvest.equipment import access, nav  # the app's access rules and menu, read once apps are loaded

        access.register()
        navigation.register(nav.entries)
