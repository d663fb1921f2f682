"""Background work on the "attendance" queue."""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from redvest.activities.services.attendance import attendance_auto_close


@task(queue_name="attendance")
def attendance_close_forgotten(activity_id: int) -> int:
    """Enqueued at publish for end + grace: close the activity's forgotten check-outs.

    If the activity was moved later since, nothing is due yet and the re-enqueued task does the work.
    """
    return attendance_auto_close(at=timezone.now(), activity_id=activity_id)
