from django.apps import AppConfig

from redvest.core import navigation
from redvest.core.workbench import register


class ActivitiesConfig(AppConfig):
    name = "redvest.activities"
    verbose_name = "活动与服务时长"

    def ready(self) -> None:
        from redvest.activities import nav, todos  # the app's menu and to-dos, read once apps are loaded

        register(todos=todos.todos)
        navigation.register(nav.entries)
