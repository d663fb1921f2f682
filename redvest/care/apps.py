from django.apps import AppConfig

from redvest.core import navigation
from redvest.core.workbench import register


class CareConfig(AppConfig):
    name = "redvest.care"
    label = "care"
    verbose_name = "结对帮扶"

    def ready(self) -> None:
        from redvest.care import nav, todos  # the app's menu and to-dos, read once apps are loaded

        register(todos=todos.todos)
        navigation.register(nav.entries)
