from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "redvest.records"
    verbose_name = "服务记录与证明"

    def ready(self) -> None:
        from redvest.core.workbench import register
        from redvest.records import todos  # the app's to-dos for the workbench, read once apps are loaded

        register(todos=todos.todos, figures=todos.figures)
