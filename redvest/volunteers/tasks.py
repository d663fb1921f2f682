from __future__ import annotations

from django.tasks import task

from redvest.volunteers.services import volunteer_import_process


@task(queue_name="imports")
def volunteer_import_run(import_id: int) -> None:
    """Background half of an Excel import (dry run or real); progress is written to the VolunteerImport row."""
    volunteer_import_process(import_id=import_id)
