from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "redvest.care"
    label = "care"
    verbose_name = "结对帮扶"

    def ready(self) -> None:
        from redvest.care import todos  # the app's to-dos for the workbench, read once apps are loaded
        from redvest.core.workbench import register

        register(todos=todos.todos)
