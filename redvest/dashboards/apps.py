from django.apps import AppConfig

from redvest.core import navigation
from redvest.core.exports import export_queue_register
from redvest.core.workbench import register


class DashboardsConfig(AppConfig):
    name = "redvest.dashboards"
    label = "dashboards"
    verbose_name = "数据看板"

    def ready(self) -> None:
        # Models and tasks can only be imported once the registry is ready.
        from redvest.core.jobs import JobKind, job_kind_register  # imports core's models: only once apps are loaded
        from redvest.dashboards.models import DataExport, ExportStatus
        from redvest.dashboards.services.exports import data_export_queue, data_export_recover, data_export_task

        job_kind_register(
            JobKind(model=DataExport, running=ExportStatus.RUNNING, task=data_export_task, recover=data_export_recover)
        )
        export_queue_register(data_export_queue)

        from redvest.dashboards import (  # the app's access rules, menu and figures, read once apps are loaded
            access,
            nav,
            todos,
        )

        access.register()
        register(figures=todos.figures)

        navigation.register(nav.entries)
