from django.apps import AppConfig

from redvest.core import navigation
from redvest.core.workbench import register


class OrgsConfig(AppConfig):
    name = "redvest.orgs"
    verbose_name = "组织网络"

    def ready(self) -> None:
        from redvest.orgs import nav, todos  # the app's menu and to-dos, read once apps are loaded

        register(todos=todos.todos)
        navigation.register(nav.entries)
