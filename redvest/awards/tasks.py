"""Periodic work of the awards app (`manage.py close_award_publicity` does the same by hand)."""

from __future__ import annotations

from django.utils import timezone

from redvest.awards.services import campaigns_finalize_due
from redvest.core.periodic import periodic


@periodic("10 * * * *", queue_name="oversight", name="close_award_publicity")
def close_award_publicity_periodic() -> int:
    """Hourly: campaigns whose 公示 ended with no open objection become final."""
    return campaigns_finalize_due(now=timezone.now())
