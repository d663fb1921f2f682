from django.apps import AppConfig

from redvest.core import navigation
from redvest.core.workbench import register


class DemandConfig(AppConfig):
    name = "redvest.demand"
    label = "demand"
    verbose_name = "需求对接"

    def ready(self) -> None:
        from redvest.demand import (  # the app's access rules, menu and to-dos, read once apps are loaded
            access,
            nav,
            todos,
        )

        access.register()

        register(todos=todos.todos)
        navigation.register(nav.entries)
