from django.apps import AppConfig

from redvest.core import navigation
from redvest.core.workbench import register


class ReportsConfig(AppConfig):
    name = "redvest.reports"
    label = "reports"
    verbose_name = "季报与通报"

    def ready(self) -> None:
        from redvest.reports import (  # the app's access rules, metric, menu and to-dos, read once apps are loaded
            access,
            metrics,
            nav,
            todos,
        )

        access.register()
        metrics.register()
        register(todos=todos.todos)
        navigation.register(nav.entries)
