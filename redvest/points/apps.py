from django.apps import AppConfig


class PointsConfig(AppConfig):
    name = "redvest.points"
    verbose_name = "积分银行与先锋指数"

    def ready(self) -> None:
        from redvest.core.workbench import register
        from redvest.points import todos  # the app's to-dos for the workbench, read once apps are loaded

        register(todos=todos.todos, figures=todos.figures)
