from django.apps import AppConfig

from redvest.core import navigation
from redvest.core.workbench import register


class ActivitiesConfig(AppConfig):
    name = "redvest.activities"
    verbose_name = "活动与服务时长"

    def ready(self) -> None:
        from redvest.activities import (  # the app's access rules, menu and to-dos, read once apps are loaded
            access,
            nav,
            todos,
        )

        access.register()

        register(todos=todos.todos)
        navigation.register(nav.entries)
