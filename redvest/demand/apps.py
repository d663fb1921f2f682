from django.apps import AppConfig


class DemandConfig(AppConfig):
    name = "redvest.demand"
    label = "demand"
    verbose_name = "需求对接"

    def ready(self) -> None:
        from redvest.core.workbench import register
        from redvest.demand import todos  # the app's to-dos for the workbench, read once apps are loaded

        register(todos=todos.todos)
