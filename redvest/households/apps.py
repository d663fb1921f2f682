from django.apps import AppConfig

from redvest.core import navigation
from redvest.core.workbench import register


class HouseholdsConfig(AppConfig):
    name = "redvest.households"
    label = "households"
    verbose_name = "联户"

    def ready(self) -> None:
        from redvest.households import (  # the app's access rules, menu and to-dos, read once apps are loaded
            access,
            nav,
            todos,
        )

        access.register()
        register(todos=todos.todos)
        navigation.register(nav.entries)
