from django.apps import AppConfig

from redvest.core import navigation
from redvest.core.workbench import register


class RecordsConfig(AppConfig):
    name = "redvest.records"
    verbose_name = "服务记录与证明"

    def ready(self) -> None:
        from redvest.records import (  # the app's access rules, menu, to-dos and hooks, read once apps are loaded
            access,
            activities_hooks,
            nav,
            todos,
        )

        access.register()
        activities_hooks.register()

        register(todos=todos.todos, figures=todos.figures)
        navigation.register(nav.entries)
