from django.apps import AppConfig

from redvest.accounts import phone_proof
from redvest.core import navigation
from redvest.core.workbench import register


class DemandConfig(AppConfig):
    name = "redvest.demand"
    label = "demand"
    verbose_name = "需求对接"

    def ready(self) -> None:
        from redvest.demand import nav, todos  # the app's menu and to-dos, read once apps are loaded
        from redvest.demand.services import resident_link_user

        register(todos=todos.todos)
        phone_proof.register(resident_link_user)
        navigation.register(nav.entries)
