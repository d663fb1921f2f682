from django.apps import AppConfig

from redvest.core import navigation


class EquipmentConfig(AppConfig):
    name = "redvest.equipment"
    label = "equipment"
    verbose_name = "服装装备"

    def ready(self) -> None:
        from redvest.equipment import (  # the app's access rules, menu and page section, read once apps are loaded
            access,
            nav,
            volunteers_hooks,
        )

        access.register()
        volunteers_hooks.register()
        navigation.register(nav.entries)
