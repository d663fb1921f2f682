from django.apps import AppConfig

from redvest.core import navigation
from redvest.core.workbench import register


class TeamsConfig(AppConfig):
    name = "redvest.teams"
    verbose_name = "服务队"

    def ready(self) -> None:
        from redvest.teams import (  # the app's access rules, menu and to-dos, read once apps are loaded
            access,
            nav,
            orgs_hooks,
            todos,
            volunteers_hooks,
        )

        access.register()
        orgs_hooks.register()
        volunteers_hooks.register()

        register(todos=todos.todos)
        navigation.register(nav.entries)
