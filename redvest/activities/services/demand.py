"""Activities that carry a demand part's handling time (`kind = demand`, left out of every list).

The demand app closes a part with each volunteer's minutes; the time enters the ledger the one way the
activities capability counts it: an ended 分散服务 activity for the part and one proxy attendance per
volunteer. This module writes those rows (with their audit rows); the caller (demand, which sits above
records) then posts each stay through `records.services.record_post_attendance` in the same transaction.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction

from redvest.activities.models import (
    Activity,
    ActivityKind,
    ActivityMode,
    ActivityStatus,
    Attendance,
    AttendanceMethod,
    AttendanceStatus,
)
from redvest.audit.services import audit_record

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.orgs.models import OrgNode
    from redvest.volunteers.models import Volunteer


@dataclass(frozen=True)
class ProxyStay:
    """One volunteer's handling time, ending when the part closed."""

    volunteer: Volunteer
    minutes: int


@dataclass(frozen=True)
class DemandService:
    """What the demand app knows of a closed part: the activity's fields and the part it stands for."""

    dispatch_id: int
    title: str
    org: OrgNode
    category: str
    place: str
    latitude: Decimal
    longitude: Decimal
    dispatched_at: datetime.datetime
    description: str
    skills_wanted: list[str] = field(default_factory=list)
    team_id: int | None = None


@transaction.atomic
def demand_service_record(
    *, actor: User, service: DemandService, stays: Sequence[ProxyStay], now: datetime.datetime, reason: str
) -> tuple[Activity, list[Attendance]]:
    """An ended 分散服务 activity (`kind = demand`) from the longest stay's start to `now`, the part's team
    on it, and one closed proxy attendance per stay (check-out `now`), each with its audit row. The caller
    has checked who may close the part and the minutes (positive, distinct volunteers), and posts each
    returned attendance to the ledger. `stays` must not be empty."""
    if not stays:
        raise ValueError("a demand service activity needs at least one stay")
    start = now - datetime.timedelta(minutes=max(s.minutes for s in stays))
    activity = Activity.objects.create(
        title=service.title[:100],
        org=service.org,
        category=service.category,
        mode=ActivityMode.DISPERSED,
        place=service.place[:200],
        latitude=service.latitude,
        longitude=service.longitude,
        start_at=start,
        end_at=now,
        recruit_start=service.dispatched_at,
        recruit_end=max(start, service.dispatched_at),
        quota=len(stays),
        requires_approval=False,
        skills_wanted=list(service.skills_wanted),
        description=service.description,
        status=ActivityStatus.ENDED,
        kind=ActivityKind.DEMAND,
        published_at=service.dispatched_at,
        checkin_secret=secrets.token_hex(32),
        created_by=actor,
    )
    if service.team_id is not None:
        activity.teams.add(service.team_id)
    audit_record(
        actor=actor,
        action="create",
        target=activity,
        org=activity.org,
        after={"demand_dispatch": service.dispatch_id, "mode": activity.mode},
    )
    attendances = []
    for stay in stays:
        attendance = Attendance.objects.create(
            activity=activity,
            volunteer=stay.volunteer,
            check_in_at=now - datetime.timedelta(minutes=stay.minutes),
            check_out_at=now,
            check_in_method=AttendanceMethod.PROXY,
            check_out_method=AttendanceMethod.PROXY,
            status=AttendanceStatus.CLOSED,
            proxy_by=actor,
            proxy_reason=reason,
            checkout_proxy_by=actor,
            checkout_proxy_reason=reason,
        )
        audit_record(
            actor=actor,
            action="create",
            target=attendance,
            org=activity.org,
            after={"volunteer": stay.volunteer.pk, "minutes": stay.minutes, "demand_dispatch": service.dispatch_id},
            reason=reason,
        )
        attendances.append(attendance)
    return activity, attendances
