from django.apps import AppConfig

from redvest.core import navigation
from redvest.core.exports import export_kind_register
from redvest.core.workbench import register


class VolunteersConfig(AppConfig):
    name = "redvest.volunteers"
    verbose_name = "志愿者一本账"

    def ready(self) -> None:
        # Models and tasks can only be imported once the registry is ready.
        from redvest.core.jobs import JobKind, job_kind_register  # imports core's models: only once apps are loaded
        from redvest.volunteers.models import ImportStatus, VolunteerImport
        from redvest.volunteers.services import LEDGER_EXPORT, volunteer_import_recover
        from redvest.volunteers.tasks import volunteer_import_run

        job_kind_register(
            JobKind(
                model=VolunteerImport,
                running=ImportStatus.RUNNING,
                task=volunteer_import_run,
                recover=volunteer_import_recover,
            )
        )

        export_kind_register(LEDGER_EXPORT)

        from redvest.volunteers import (  # the app's access rules, menu and to-dos, read once apps are loaded
            access,
            nav,
            orgs_hooks,
            todos,
        )

        access.register()
        orgs_hooks.register()

        register(todos=todos.todos)
        navigation.register(nav.entries)
