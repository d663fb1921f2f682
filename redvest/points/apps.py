from django.apps import AppConfig

from redvest.core import navigation
from redvest.core.workbench import register


class PointsConfig(AppConfig):
    name = "redvest.points"
    verbose_name = "积分银行与先锋指数"

    def ready(self) -> None:
        from redvest.points import (  # the app's access rules, menu and to-dos, read once apps are loaded
            access,
            nav,
            records_hooks,
            todos,
        )

        access.register()
        records_hooks.register()

        register(todos=todos.todos, figures=todos.figures)
        navigation.register(nav.entries)
