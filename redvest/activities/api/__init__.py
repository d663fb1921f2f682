"""The activities API, mounted at /api/v1/activities."""

from ninja import Router

from redvest.activities.api import activities, attendance, outcomes, safeguards, signups

router = Router()
router.add_router("", activities.router)
router.add_router("", signups.router)
router.add_router("", attendance.router)
router.add_router("", outcomes.router)
router.add_router("", safeguards.router)

__all__ = ["router"]
