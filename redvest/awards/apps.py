from django.apps import AppConfig

from redvest.core import navigation
from redvest.core.workbench import register


class AwardsConfig(AppConfig):
    name = "redvest.awards"
    label = "awards"
    verbose_name = "年度评选"

    def ready(self) -> None:
        from redvest.awards import nav, todos  # the app's menu and to-dos, read once apps are loaded

        register(todos=todos.todos)
        navigation.register(nav.entries)
