from django.apps import AppConfig

from redvest.core import navigation
from redvest.core.workbench import register


class OrgsConfig(AppConfig):
    name = "redvest.orgs"
    verbose_name = "组织网络"

    def ready(self) -> None:
        from redvest.orgs import (  # the app's access rules, menu and to-dos, read once apps are loaded
            access,
            nav,
            todos,
        )

        access.register()

        register(todos=todos.todos)
        navigation.register(nav.entries)
