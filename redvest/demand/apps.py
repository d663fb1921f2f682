from django.apps import AppConfig

from redvest.accounts import phone_proof
from redvest.core import monitoring as core_monitoring
from redvest.core import navigation
from redvest.core.workbench import register


class DemandConfig(AppConfig):
    name = "redvest.demand"
    label = "demand"
    verbose_name = "需求对接"

    def ready(self) -> None:
        from redvest.demand import (  # the app's access rules, menu and to-dos, read once apps are loaded
            access,
            monitoring,
            nav,
            todos,
        )
        from redvest.demand.services import resident_link_user  # the services need the models loaded

        access.register()

        register(todos=todos.todos)
        phone_proof.register(resident_link_user)
        navigation.register(nav.entries)
        core_monitoring.register(monitoring.sla_figures)
