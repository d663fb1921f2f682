from django.apps import AppConfig

from redvest.core import navigation
from redvest.core.workbench import register


class CareConfig(AppConfig):
    name = "redvest.care"
    label = "care"
    verbose_name = "结对帮扶"

    def ready(self) -> None:
        from redvest.care import (  # the app's access rules, menu and to-dos, read once apps are loaded
            access,
            nav,
            todos,
        )

        access.register()

        register(todos=todos.todos)
        navigation.register(nav.entries)
