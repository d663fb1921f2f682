from django.apps import AppConfig

from redvest.core import navigation
from redvest.core.exports import export_kind_register
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
        from redvest.points.services.exports import PIONEER_RANKING_EXPORT

        access.register()
        export_kind_register(PIONEER_RANKING_EXPORT)
        records_hooks.register()

        register(todos=todos.todos, figures=todos.figures)
        navigation.register(nav.entries)
