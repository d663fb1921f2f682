from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "redvest.activities"
    verbose_name = "活动与服务时长"

    def ready(self) -> None:
        from redvest.activities import todos  # the app's to-dos for the workbench, read once apps are loaded
        from redvest.core.workbench import register

        register(todos=todos.todos)
