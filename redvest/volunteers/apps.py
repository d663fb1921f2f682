from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "redvest.volunteers"
    verbose_name = "志愿者一本账"

    def ready(self) -> None:
        from redvest.core.workbench import register
        from redvest.volunteers import todos  # the app's to-dos for the workbench, read once apps are loaded

        register(todos=todos.todos)
