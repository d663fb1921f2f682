from django.apps import AppConfig

from redvest.core import navigation
from redvest.core.workbench import register


class AwardsConfig(AppConfig):
    name = "redvest.awards"
    label = "awards"
    verbose_name = "年度评选"

    def ready(self) -> None:
        from redvest.awards import (  # the app's access rules, menu and to-dos, read once apps are loaded
            access,
            nav,
            todos,
        )

        access.register()

        register(todos=todos.todos)
        navigation.register(nav.entries)
