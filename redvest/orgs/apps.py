from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "redvest.orgs"
    verbose_name = "组织网络"

    def ready(self) -> None:
        from redvest.core.workbench import register
        from redvest.orgs import todos  # the app's to-dos for the workbench, read once apps are loaded

        register(todos=todos.todos)
