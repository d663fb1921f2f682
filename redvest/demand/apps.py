from django.apps import AppConfig

from redvest.core import navigation
from redvest.core.workbench import register


class DemandConfig(AppConfig):
    name = "redvest.demand"
    label = "demand"
    verbose_name = "需求对接"

    def ready(self) -> None:
        from redvest.demand import nav, todos  # the app's menu and to-dos, read once apps are loaded

        register(todos=todos.todos)
        navigation.register(nav.entries)
