"""Reads on 联户: every list narrowed by the policy's scope, relations fetched here."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone

from redvest.accounts import policy
from redvest.core.errors import NotFound
from redvest.core.roles import LEAD_ROLES, Role
from redvest.households.models import Household, HouseholdContact
from redvest.orgs.models import OrgKind, OrgNode
from redvest.orgs.selectors import in_subtree_q
from redvest.teams.models import Team
from redvest.volunteers.models import Volunteer

if TYPE_CHECKING:
    from redvest.accounts.models import User

HOUSEHOLD_ORG_KINDS = frozenset({OrgKind.COMMUNITY, OrgKind.GRID})
# Longest without contact first; never contacted before anything contacted.
HOUSEHOLD_ORDER = (F("last_contact_on").asc(nulls_first=True), "id")


@dataclass(frozen=True)
class HouseholdFilters:
    q: str = ""
    org_id: int | None = None
    overdue: bool = False


def contact_cutoff(today: datetime.date) -> datetime.date:
    """A household last contacted before this day is overdue (settings.HOUSEHOLD_CONTACT_DAYS)."""
    return today - datetime.timedelta(days=settings.HOUSEHOLD_CONTACT_DAYS)


def overdue_q(today: datetime.date) -> Q:
    """Not contacted within the interval; one never contacted is overdue once registered that long ago
    (the day boundary in Shanghai time)."""
    cutoff = contact_cutoff(today)
    start = timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time.min))
    return Q(last_contact_on__lt=cutoff) | Q(last_contact_on__isnull=True, created_at__lt=start)


def _base() -> QuerySet[Household]:
    """With `is_overdue` annotated (as of today in Shanghai), so lists mark late households in one query."""
    overdue = ExpressionWrapper(overdue_q(timezone.localdate()), output_field=BooleanField())
    return (
        Household.objects.select_related("org", "volunteer", "team")
        .annotate(is_overdue=overdue)
        .order_by(*HOUSEHOLD_ORDER)
    )


def household_list(*, user: User, filters: HouseholdFilters | None = None) -> QuerySet[Household]:
    """The households the user may see: an admin's subtree, a liaison's own (a team's for its leader)."""
    f = filters or HouseholdFilters()
    qs = _base()
    if f.q.strip():
        qs = qs.filter(Q(head_name__contains=f.q.strip()) | Q(address__contains=f.q.strip()))
    if f.org_id is not None:
        node = OrgNode.objects.filter(pk=f.org_id).only("path").first()
        qs = qs.filter(in_subtree_q("org__path", node.path)) if node else qs.none()
    if f.overdue:
        qs = qs.filter(overdue_q(timezone.localdate()))
    return policy.scope(user, "household", qs)


def my_households(*, user: User) -> QuerySet[Household]:
    """The households the user looks after as volunteer, or as leader or liaison of the linked team."""
    grants = policy.grants_for(user)
    volunteers = [g.volunteer_id for g in grants if g.role == Role.VOLUNTEER and g.volunteer_id]
    teams = [g.team_id for g in grants if g.role in LEAD_ROLES and g.team_id is not None]
    if not volunteers and not teams:
        return Household.objects.none()
    return _base().filter(Q(volunteer_id__in=volunteers) | Q(team_id__in=teams))


def my_overdue_households(*, user: User, today: datetime.date | None = None) -> QuerySet[Household]:
    return my_households(user=user).filter(overdue_q(today or timezone.localdate()))


def household_get(*, user: User, pk: int, action: policy.Action = "view") -> Household:
    """One household the user may see (or change); NotFound otherwise, so existence does not leak."""
    household = policy.scope(user, "household", _base(), action).filter(pk=pk).first()
    if household is None:
        raise NotFound("联系户不存在或您无权查看")
    return household


def household_contacts(*, user: User, household: Household) -> QuerySet[HouseholdContact]:
    """The contact log of one household, newest first, with who logged each entry."""
    qs = HouseholdContact.objects.filter(household=household).select_related("logged_by")
    return policy.scope(user, "household_contact", qs).order_by("-contacted_on", "-id")


def household_org_options(*, user: User) -> QuerySet[OrgNode]:
    """Villages/communities (and grids) where the user may register households."""
    qs = OrgNode.objects.filter(kind__in=HOUSEHOLD_ORG_KINDS).order_by("path")
    return policy.scope(user, "org", qs, "change")


def household_team_options(*, user: User) -> QuerySet[Team]:
    """Active teams the user administers, for the 联户服务队 picker."""
    qs = Team.objects.filter(is_active=True).select_related("org").order_by("org__path", "name")
    return policy.scope(user, "team", qs, "change")


def volunteer_id_by_number(*, number: str) -> int | None:
    """The volunteer a form names by number (the service checks it lies within the actor's reach); 0 for a
    number that matches nobody, so the service reports it on its field."""
    number = number.strip()
    if not number:
        return None
    return Volunteer.objects.filter(number=number).values_list("id", flat=True).first() or 0
