"""Reads for care pairing: scoped lists, the overdue list, cadence and the visit statistics."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Case, Count, F, IntegerField, Min, Q, QuerySet, Value, When
from django.utils import timezone

from redvest.accounts import policy
from redvest.accounts.models import Role
from redvest.care.models import (
    DEFAULT_CADENCE_DAYS,
    FALLBACK_CADENCE_DAYS,
    CareCategory,
    CareConsent,
    CareHealthRecord,
    CarePairing,
    CareRecipient,
    CareVisit,
    PairingStatus,
    RecipientStatus,
    VisitCadence,
)
from redvest.core.errors import NotFound
from redvest.demand.selectors.menu import menu_grouped
from redvest.orgs.models import OrgKind, OrgNode
from redvest.orgs.selectors import in_subtree_q
from redvest.teams.models import Team
from redvest.volunteers.models import Volunteer, VolunteerStatus

if TYPE_CHECKING:
    from redvest.accounts.models import User


@dataclass(frozen=True)
class VisitStats:
    visits: int
    due: int
    on_time: int
    overdue_pairings: int


def visit_stats(
    path: str, start: datetime.date, end: datetime.date, *, today: datetime.date | None = None
) -> VisitStats:
    """Visit figures for the recipients registered in the subtree at `path`, period `start`..`end`
    (both inclusive, Shanghai dates).

    - `visits`: visits with `visited_on` in the period.
    - `due`: due dates of pairings that fell in the period and are decided: every due date a visit
      met (each visit stores the due date it met as `due_on`, early or late), plus the outstanding due
      dates of active pairings that have passed unvisited (`next_visit_due` in the period and before
      today). Due dates still ahead are not counted yet.
    - `on_time`: of those, the ones met by a visit on or before the due date.
    - `overdue_pairings`: active pairings whose outstanding due date has passed (before today) and is
      not after the period's end.
    """
    today = today or timezone.localdate()
    in_period = Q(visited_on__gte=start, visited_on__lte=end)
    met = Q(due_on__gte=start, due_on__lte=end)
    # One pass over the subtree's visits and one over its active pairings.
    seen = CareVisit.objects.filter(in_subtree_q("recipient__org__path", path), in_period | met).aggregate(
        visits=Count("id", filter=in_period),
        met=Count("id", filter=met),
        on_time=Count("id", filter=met & Q(visited_on__lte=F("due_on"))),
    )
    passed = Q(next_visit_due__lt=today)
    outstanding = CarePairing.objects.filter(
        in_subtree_q("recipient__org__path", path), passed, next_visit_due__lte=end, status=PairingStatus.ACTIVE
    ).aggregate(
        missed=Count("id", filter=Q(next_visit_due__gte=start)),
        overdue=Count("id"),
    )
    return VisitStats(
        visits=seen["visits"],
        due=seen["met"] + outstanding["missed"],
        on_time=seen["on_time"],
        overdue_pairings=outstanding["overdue"],
    )


# ------------------------------------------------------------------------------------- cadence


def cadence_table() -> dict[str, int]:
    """Days between visits per category as configured (one query); defaults fill any gap."""
    table = dict(DEFAULT_CADENCE_DAYS)
    table.update(dict(VisitCadence.objects.values_list("category", "days")))
    return table


def cadence_days_for(recipient: CareRecipient, *, table: dict[str, int] | None = None) -> int:
    """The recipient's own override, else the configured days for the primary category."""
    if recipient.cadence_days:
        return recipient.cadence_days
    table = table if table is not None else cadence_table()
    return table.get(recipient.category, FALLBACK_CADENCE_DAYS)


def cadence_rows() -> list[tuple[str, str, int, VisitCadence | None]]:
    """(category, label, days, row) for the settings page, every category once."""
    rows = {c.category: c for c in VisitCadence.objects.select_related("updated_by")}
    table = cadence_table()
    return [(value, str(label), table[value], rows.get(value)) for value, label in CareCategory.choices]


# ----------------------------------------------------------------------------------- recipients


@dataclass(frozen=True)
class RecipientFilters:
    category: str = ""
    org_id: int | None = None
    overdue: bool = False
    status: str = RecipientStatus.ACTIVE
    q: str = ""


def _overdue_pairings_q(today: datetime.date) -> Q:
    return Q(status=PairingStatus.ACTIVE, next_visit_due__lt=today)


def recipient_list(
    *, user: User, filters: RecipientFilters, today: datetime.date | None = None
) -> QuerySet[CareRecipient]:
    """Recipients the user may see, newest first, with their area, the count of active pairings and
    their earliest outstanding due date (annotations: no query per row)."""
    today = today or timezone.localdate()
    qs = CareRecipient.objects.select_related("org").annotate(
        active_pairings=Count("pairings", filter=Q(pairings__status=PairingStatus.ACTIVE)),
        next_due=Min("pairings__next_visit_due", filter=Q(pairings__status=PairingStatus.ACTIVE)),
    )
    if filters.category:
        # JSON lists are stored as text everywhere; the quotes bound the element (the codes are ASCII).
        qs = qs.filter(Q(category=filters.category) | Q(other_categories__icontains=json.dumps(filters.category)))
    if filters.org_id:
        node = OrgNode.objects.filter(pk=filters.org_id).only("path").first()
        qs = qs.filter(in_subtree_q("org__path", node.path)) if node is not None else qs.none()
    if filters.status in RecipientStatus.values:
        qs = qs.filter(status=filters.status)
    if filters.q:
        qs = qs.filter(name__icontains=filters.q.strip()[:50])
    if filters.overdue:
        overdue = CarePairing.objects.filter(_overdue_pairings_q(today)).values("recipient_id")
        qs = qs.filter(pk__in=overdue)
    return policy.scope(user, "care_recipient", qs.order_by("-id"))


def recipient_get(*, user: User, pk: Any, action: policy.Action = "view") -> CareRecipient:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    qs = CareRecipient.objects.select_related("org", "resident", "created_by")
    recipient = policy.scope(user, "care_recipient", qs.filter(pk=pk), action).first()
    if recipient is None:
        raise NotFound("帮扶对象不存在或您无权查看")
    return recipient


def recipient_pairings(*, recipient: CareRecipient) -> QuerySet[CarePairing]:
    return (
        CarePairing.objects.filter(recipient=recipient)
        .select_related("volunteer", "team")
        .order_by("status", "next_visit_due", "-id")
    )


def recipient_visits(*, user: User, recipient: CareRecipient) -> QuerySet[CareVisit]:
    qs = (
        CareVisit.objects.filter(recipient=recipient)
        .select_related("pairing__volunteer", "pairing__team", "visitor", "request")
        .order_by("-visited_on", "-id")
    )
    return policy.scope(user, "care_visit", qs)


def recipient_consents(*, recipient: CareRecipient) -> QuerySet[CareConsent]:
    return CareConsent.objects.filter(recipient=recipient).select_related("recorded_by", "withdrawn_by")


def consent_get(*, user: User, pk: Any) -> CareConsent:
    consent = CareConsent.objects.select_related("recipient__org").filter(pk=pk).first()
    if consent is None or not policy.can(user, "view", consent.recipient):
        raise NotFound("同意记录不存在或您无权查看")
    return consent


def consent_in_force(*, recipient: CareRecipient) -> CareConsent | None:
    return CareConsent.objects.filter(recipient=recipient, withdrawn_at__isnull=True).first()


def has_health_record(*, recipient: CareRecipient) -> bool:
    return CareHealthRecord.objects.filter(recipient=recipient, consent__withdrawn_at__isnull=True).exists()


# ------------------------------------------------------------------------------------- pairings


def pairing_list(*, user: User, recipient_id: int | None = None, status: str = "") -> QuerySet[CarePairing]:
    qs = CarePairing.objects.select_related("recipient__org", "volunteer", "team").order_by("-id")
    if recipient_id is not None:
        qs = qs.filter(recipient_id=recipient_id)
    if status in PairingStatus.values:
        qs = qs.filter(status=status)
    return policy.scope(user, "care_pairing", qs)


def pairing_get(*, user: User, pk: Any, action: policy.Action = "view") -> CarePairing:
    qs = CarePairing.objects.select_related("recipient__org", "volunteer", "team").filter(pk=pk)
    pairing = policy.scope(user, "care_pairing", qs, action).first()
    if pairing is None:
        raise NotFound("结对关系不存在或您无权查看")
    return pairing


def my_pairings(*, user: User) -> QuerySet[CarePairing]:
    """The active pairings the user holds as volunteer, team leader or liaison, soonest due first."""
    volunteers = [g.volunteer_id for g in policy.grants_for(user) if g.role == Role.VOLUNTEER and g.volunteer_id]
    teams = [
        g.team_id
        for g in policy.grants_for(user)
        if g.role in {Role.TEAM_LEADER, Role.TEAM_LIAISON} and g.team_id is not None
    ]
    if not volunteers and not teams:
        return CarePairing.objects.none()
    return (
        CarePairing.objects.filter(
            Q(volunteer_id__in=volunteers) | Q(team_id__in=teams),
            status=PairingStatus.ACTIVE,
            recipient__status=RecipientStatus.ACTIVE,
        )
        .select_related("recipient__org", "volunteer", "team")
        .order_by("next_visit_due", "id")
    )


OVERDUE_SORTS = {"most": ("next_visit_due", "id"), "least": ("-next_visit_due", "-id")}


def overdue_pairings(
    *, user: User, today: datetime.date | None = None, org_id: int | None = None, sort: str = "most"
) -> QuerySet[CarePairing]:
    """Active pairings whose next visit is past due, in the user's scope (an admin's subtree), most
    overdue first (`sort="least"` for the reverse); `days_overdue` is annotated."""
    today = today or timezone.localdate()
    qs = CarePairing.objects.filter(_overdue_pairings_q(today), recipient__status=RecipientStatus.ACTIVE)
    if org_id:
        node = OrgNode.objects.filter(pk=org_id).only("path").first()
        qs = qs.filter(in_subtree_q("recipient__org__path", node.path)) if node is not None else qs.none()
    qs = qs.select_related("recipient__org", "volunteer", "team").order_by(
        *OVERDUE_SORTS.get(sort, OVERDUE_SORTS["most"])
    )
    return policy.scope(user, "care_pairing", qs)


def _administered(user: User, qs: QuerySet[Any]) -> QuerySet[Any]:
    """Rows whose org lies in a subtree the user administers (everything for system admins)."""
    grants = [g for g in policy.grants_for(user) if g.role in {Role.SYSTEM_ADMIN, Role.ORG_ADMIN}]
    if any(g.role == Role.SYSTEM_ADMIN for g in grants):
        return qs
    if not grants:
        return qs.none()
    within = Q()
    for grant in grants:
        within |= in_subtree_q("org__path", grant.path)
    return qs.filter(within)


def _near_first(qs: QuerySet[Any], recipient: CareRecipient) -> QuerySet[Any]:
    """Those of the person's own community first, then their town, then everyone else (在职党员进社区)."""
    path = recipient.org.path
    town = path[: -OrgNode.steplen] if len(path) > OrgNode.steplen else path
    nearness = Case(
        When(in_subtree_q("org__path", path), then=Value(0)),
        When(in_subtree_q("org__path", town), then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return qs.annotate(nearness=nearness).order_by("nearness", "org__path", "name")


def pairing_volunteer_choices(*, user: User, recipient: CareRecipient, q: str = "") -> QuerySet[Volunteer]:
    """Registered volunteers the user administers, nearest the person first; `q` a name or number."""
    qs = Volunteer.objects.filter(status=VolunteerStatus.REGISTERED).select_related("org")
    if q.strip():
        qs = qs.filter(Q(name__icontains=q.strip()[:50]) | Q(number=q.strip()[:20]))
    return _near_first(_administered(user, qs), recipient)


def pairing_team_choices(*, user: User, recipient: CareRecipient) -> QuerySet[Team]:
    """Active teams the user administers, nearest the person first."""
    return _near_first(_administered(user, Team.objects.filter(is_active=True).select_related("org")), recipient)


def recipient_org_options(*, user: User) -> QuerySet[OrgNode]:
    """The villages/communities (and grids) the user may register people at."""
    qs = OrgNode.objects.filter(kind__in=[OrgKind.COMMUNITY, OrgKind.GRID]).order_by("path").only("id", "name", "path")
    return policy.scope(user, "org", qs, "change")


def need_item_options() -> list[tuple[str, list[Any]]]:
    """The demand service menu grouped by category, for the 'turn into a request' picker."""

    return menu_grouped()


# --------------------------------------------------------------------------------------- visits


def visit_list(
    *, user: User, recipient_id: int | None = None, start: datetime.date | None = None, end: datetime.date | None = None
) -> QuerySet[CareVisit]:
    qs = CareVisit.objects.select_related(
        "recipient__org", "pairing__volunteer", "pairing__team", "visitor", "request"
    ).order_by("-visited_on", "-id")
    if recipient_id is not None:
        qs = qs.filter(recipient_id=recipient_id)
    if start is not None:
        qs = qs.filter(visited_on__gte=start)
    if end is not None:
        qs = qs.filter(visited_on__lte=end)
    return policy.scope(user, "care_visit", qs)
