from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "redvest.awards"
    label = "awards"
    verbose_name = "年度评选"

    def ready(self) -> None:
        from redvest.awards import todos  # the app's to-dos for the workbench, read once apps are loaded
        from redvest.core.workbench import register

        register(todos=todos.todos)
