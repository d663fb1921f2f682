"""Background housekeeping of the points bank (queue "points"); `manage.py expire_points` runs the same."""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from redvest.core.periodic import periodic
from redvest.points.services import points_expire, redemptions_expire


@task(queue_name="points")
def reservations_expire_task() -> int:
    """Refund reservations past their hold time."""
    return redemptions_expire()


@task(queue_name="points")
def points_expire_task() -> int:
    """Expire points under an org's expiry policy (nothing when no org sets one)."""
    return points_expire(today=timezone.localdate())


@periodic("5 * * * *", queue_name="points", name="expire_points")
def expire_points_periodic() -> dict[str, int]:
    """Hourly: refund reservations past their hold time, then expire points under the orgs' policies."""
    return {"refunded": redemptions_expire(), "expired": points_expire(today=timezone.localdate())}
