from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "redvest.teams"
    verbose_name = "服务队"

    def ready(self) -> None:
        from redvest.core.workbench import register
        from redvest.teams import todos  # the app's to-dos for the workbench, read once apps are loaded

        register(todos=todos.todos)
