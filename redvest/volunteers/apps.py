from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "redvest.volunteers"
    verbose_name = "志愿者一本账"

    def ready(self) -> None:
        from redvest.core import navigation
        from redvest.core.workbench import register
        from redvest.volunteers import nav, todos  # the app's menu and to-dos, read once apps are loaded

        register(todos=todos.todos)
        navigation.register(nav.entries)
