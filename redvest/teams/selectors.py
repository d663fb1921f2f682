"""Reads of teams, rosters, join requests and brands, always narrowed by the policy."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import StartsWith
from django.utils import timezone

from redvest.accounts.policy import Action, can, grants_for, scope
from redvest.core.errors import NotFound
from redvest.core.pagination import Page, paginate
from redvest.core.roles import LEAD_ROLES
from redvest.orgs.models import DEFAULT_TEAM_MIN_SIZE, OrgNode
from redvest.orgs.selectors import subtree_ids
from redvest.teams.models import (
    AnnouncementRead,
    Backbone,
    BrandProject,
    JoinRequest,
    JoinRequestStatus,
    Membership,
    MembershipKind,
    Team,
    TeamAnnouncement,
    TeamDocument,
)
from redvest.volunteers.models import Volunteer

if TYPE_CHECKING:
    from redvest.accounts.models import User

M = TypeVar("M", bound=Model)

# Primary keys are 64-bit; anything outside cannot exist (and SQLite would overflow on it).
_MAX_PK = 2**63 - 1


def by_id(qs: QuerySet[M], pk: Any) -> M | None:
    """The row with this id in `qs`, or None for a missing, out-of-scope or malformed id."""
    try:
        value = int(pk)
    except (TypeError, ValueError):
        return None
    if not 0 < value <= _MAX_PK:
        return None
    return qs.filter(pk=value).first()


def clean_query(value: str | None) -> str:
    """Search text as typed, without characters no database column holds."""
    return (value or "").replace("\x00", "").strip()[:100]


# ---- Teams -------------------------------------------------------------------------------------


def team_min_size_expression() -> Coalesce:
    """The team's minimum size as SQL: the nearest org node up the tree with a setting, else the default.

    Same rule as `orgs.selectors.team_min_size_for`, evaluated inside the list query so a page of
    teams costs one query however many orgs it spans.
    """
    nearest = (
        OrgNode.objects.filter(team_min_size__isnull=False)
        .filter(StartsWith(OuterRef("org__path"), F("path")))
        .order_by("-depth")
        .values("team_min_size")[:1]
    )
    return Coalesce(Subquery(nearest, output_field=IntegerField()), Value(DEFAULT_TEAM_MIN_SIZE))


def _count_members(**extra: Any) -> Coalesce:
    """Current memberships of the outer team as a correlated subquery (index team+left_at, no GROUP BY)."""
    rows = (
        Membership.objects.filter(team=OuterRef("pk"), left_at__isnull=True, **extra)
        .order_by()
        .values("team")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def with_counts(qs: QuerySet[Team]) -> QuerySet[Team]:
    """Annotate member counts (organisational + activity, current only), min size and the below-min flag."""
    return qs.annotate(
        member_count=_count_members(),
        org_member_count=_count_members(kind=MembershipKind.ORGANISATIONAL),
        min_size=team_min_size_expression(),
    ).annotate(
        below_min_size=ExpressionWrapper(Q(member_count__lt=F("min_size")), output_field=BooleanField()),
    )


def team_list(
    *,
    user: User,
    q: str = "",
    kind: str = "",
    specialty: str = "",
    org_id: Any = None,
    below_min_size: bool | None = None,
    status: str = "active",
) -> QuerySet[Team]:
    """Teams the user may see, filtered, with member counts and the below-minimum flag."""
    qs = Team.objects.select_related("org", "parent", "leader", "liaison")
    if status == "active":
        qs = qs.filter(is_active=True)
    elif status == "inactive":
        qs = qs.filter(is_active=False)
    q = clean_query(q)
    if q:
        qs = qs.filter(name__icontains=q)
    kind, specialty = clean_query(kind), clean_query(specialty)
    if kind:
        qs = qs.filter(kind=kind)
    if specialty:
        qs = qs.filter(specialty=specialty)
    if org_id not in (None, ""):
        node = by_id(OrgNode.objects.all(), org_id)
        qs = qs.filter(org__in=subtree_ids(node)) if node is not None else qs.none()
    qs = with_counts(scope(user, "team", qs))
    if below_min_size is not None:
        qs = qs.filter(below_min_size=below_min_size)  # type: ignore[misc]  # an annotation the stubs cannot see
    return qs.order_by("org__path", "name", "id")


def teams_below_minimum_count(*, user: User) -> int:
    """Active teams the user runs or administers (may change) with fewer members than their minimum."""
    manageable = scope(user, "team", Team.objects.filter(is_active=True), "change").values("pk")
    return team_list(user=user, below_min_size=True).filter(pk__in=manageable).count()


def team_get(*, user: User, team_id: Any, action: str = "view", with_backbone: bool = False) -> Team:
    """One team the user may see (or change), with counts; NotFound otherwise."""
    qs = scope(user, "team", Team.objects.select_related("org", "parent", "leader", "liaison"), action)  # type: ignore[arg-type]  # action is checked by the policy
    if with_backbone:
        qs = qs.prefetch_related(
            Prefetch("backbones", queryset=Backbone.objects.select_related("volunteer").order_by("order", "id"))
        )
    team = by_id(with_counts(qs), team_id)
    if team is None:
        raise NotFound("服务队不存在或您无权查看")
    return team


def team_roster(*, team: Team) -> QuerySet[Membership]:
    """Current members: organisational first, then backbone order, then by joining date."""
    backbone_order = Backbone.objects.filter(team=team, volunteer=OuterRef("volunteer")).values("order")[:1]
    return (
        Membership.objects.filter(team=team, left_at__isnull=True)
        .select_related("volunteer")
        .annotate(
            backbone_order=Subquery(backbone_order, output_field=IntegerField()),
            org_first=Case(When(kind=MembershipKind.ORGANISATIONAL, then=Value(0)), default=Value(1)),
        )
        .order_by("org_first", F("backbone_order").asc(nulls_last=True), "joined_at", "id")
    )


def team_member_history(*, team: Team) -> QuerySet[Membership]:
    """Every membership the team has had, newest first; transfers name the team the volunteer came from."""
    came_from = (
        Membership.objects.filter(
            volunteer=OuterRef("volunteer"),
            kind=MembershipKind.ORGANISATIONAL,
            left_at__isnull=False,
            left_at__lte=OuterRef("joined_at"),
        )
        .exclude(team=OuterRef("team"))
        .order_by("-left_at", "-id")
        .values("team__name")[:1]
    )
    return (
        Membership.objects.filter(team=team)
        .select_related("volunteer")
        .annotate(
            transferred_from=Coalesce(Subquery(came_from), Value("")),
        )
        .order_by("-joined_at", "-id")
    )


def team_backbone(*, team: Team) -> QuerySet[Backbone]:
    return Backbone.objects.filter(team=team).select_related("volunteer").order_by("order", "id")


def team_documents(*, team: Team) -> QuerySet[TeamDocument]:
    return TeamDocument.objects.filter(team=team).select_related("uploaded_by").order_by("-uploaded_at", "-id")


def document_get(*, user: User, document_id: Any) -> TeamDocument:
    """An archive document of a team the user may see."""
    visible = scope(user, "team", Team.objects.all())
    doc = by_id(TeamDocument.objects.filter(team__in=visible).select_related("team"), document_id)
    if doc is None:
        raise NotFound("档案不存在或您无权查看")
    return doc


def volunteer_of(user: User) -> Volunteer | None:
    """The user's own (not deregistered) volunteer record, as the policy sees it."""
    ids = [g.volunteer_id for g in grants_for(user) if g.volunteer_id]
    return Volunteer.objects.filter(pk=ids[0]).first() if ids else None


@dataclass
class TeamDetail:
    team: Team
    can_change: bool
    roster: Page[Membership]
    members: list[Volunteer]
    backbone: list[Backbone]
    documents: list[TeamDocument]
    document_count: int
    brands: list[BrandProject]
    children: list[Team]
    history: list[Membership]
    volunteer: Volunteer | None
    my_membership: Membership | None
    my_request: JoinRequest | None


DETAIL_LIST_SIZE = 10


def team_detail(*, user: User, team_id: Any, page: int = 1) -> TeamDetail:
    """Everything the team page shows, in a fixed number of queries whatever the roster size."""
    team = team_get(user=user, team_id=team_id)
    roster = paginate(team_roster(team=team), page=page)
    members = [
        m.volunteer
        for m in Membership.objects.filter(team=team, left_at__isnull=True)
        .select_related("volunteer")
        .order_by("volunteer__name")
    ]
    volunteer = volunteer_of(user)
    my_membership = my_request = None
    if volunteer is not None:
        my_membership = Membership.objects.filter(team=team, volunteer=volunteer, left_at__isnull=True).first()
        my_request = JoinRequest.objects.filter(
            team=team, volunteer=volunteer, status=JoinRequestStatus.PENDING
        ).first()
    documents = team_documents(team=team)
    return TeamDetail(
        team=team,
        can_change=can(user, "change", team),
        roster=roster,
        members=members,
        backbone=list(team_backbone(team=team)),
        documents=list(documents[:DETAIL_LIST_SIZE]),
        document_count=documents.count(),
        brands=list(team.brands.select_related("owner").order_by("name")),
        children=list(team.children.select_related("org").order_by("name")),
        history=list(team_member_history(team=team)[:DETAIL_LIST_SIZE]),
        volunteer=volunteer,
        my_membership=my_membership,
        my_request=my_request,
    )


def parent_team_choices(*, user: User) -> QuerySet[Team]:
    """Active teams the user may see, as candidates for a parent team."""
    return scope(user, "team", Team.objects.filter(is_active=True).select_related("org")).order_by("org__path", "name")


def org_choices(*, user: User) -> QuerySet[OrgNode]:
    """Org nodes the user may create teams and brands under."""
    return scope(user, "org", OrgNode.objects.all(), "change").order_by("path")


def volunteer_by_number(*, user: User, number: str) -> Volunteer | None:
    """A volunteer the user may change, found by exact volunteer number (for transfers)."""
    number = clean_query(number)
    if not number:
        return None
    return scope(user, "volunteer", Volunteer.objects.filter(number=number), "change").first()


def volunteer_get(*, user: User, volunteer_id: Any) -> Volunteer:
    """A volunteer the user may see; NotFound (naming the field) otherwise."""
    volunteer = by_id(scope(user, "volunteer", Volunteer.objects.all()), volunteer_id)
    if volunteer is None:
        raise NotFound("志愿者不存在或您无权查看", field="volunteer")
    return volunteer


def membership_get(*, user: User, membership_id: Any) -> Membership:
    """A current membership in a team the user may see."""
    visible = scope(user, "team", Team.objects.all())
    membership = by_id(
        Membership.objects.filter(team__in=visible, left_at__isnull=True).select_related("team", "volunteer"),
        membership_id,
    )
    if membership is None:
        raise NotFound("队员关系不存在或已结束")
    return membership


# ---- Join requests -----------------------------------------------------------------------------


def join_request_inbox(*, user: User) -> QuerySet[JoinRequest]:
    """Pending requests to teams the user may manage (leader, liaison, org admin over the team's node)."""
    manageable = scope(user, "team", Team.objects.filter(is_active=True), "change")
    return (
        JoinRequest.objects.filter(status=JoinRequestStatus.PENDING, team__in=manageable)
        .select_related("team", "team__org", "volunteer")
        .annotate(
            current_org_team=Coalesce(
                Subquery(
                    Membership.objects.filter(
                        volunteer=OuterRef("volunteer"), kind=MembershipKind.ORGANISATIONAL, left_at__isnull=True
                    ).values("team__name")[:1]
                ),
                Value(""),
            )
        )
        .order_by("created_at", "id")
    )


def manages_any_team(*, user: User) -> bool:
    """Does the user lead, liaise or administer at least one active team (and so review requests)?"""
    return scope(user, "team", Team.objects.filter(is_active=True), "change").exists()


def join_request_get(*, user: User, request_id: Any) -> JoinRequest:
    """A join request the user may see: their own, or one to a team they may manage."""
    manageable = scope(user, "team", Team.objects.all(), "change")
    volunteer_ids = [g.volunteer_id for g in grants_for(user) if g.volunteer_id]
    qs = JoinRequest.objects.filter(Q(team__in=manageable) | Q(volunteer_id__in=volunteer_ids)).select_related(
        "team", "team__org", "volunteer", "volunteer__user"
    )
    request = by_id(qs, request_id)
    if request is None:
        raise NotFound("入队申请不存在或您无权查看")
    return request


# ---- Brands ------------------------------------------------------------------------------------


def brand_list(*, user: User, q: str = "", owner_id: Any = None) -> QuerySet[BrandProject]:
    qs = BrandProject.objects.select_related("owner").annotate(team_count=Count("teams"))
    q = clean_query(q)
    if q:
        qs = qs.filter(name__icontains=q)
    if owner_id not in (None, ""):
        node = by_id(OrgNode.objects.all(), owner_id)
        qs = qs.filter(owner__in=subtree_ids(node)) if node is not None else qs.none()
    return scope(user, "brand", qs).order_by("owner__path", "name", "id")


def brand_get(*, user: User, brand_id: Any, action: str = "view") -> BrandProject:
    qs = BrandProject.objects.select_related("owner").prefetch_related(
        Prefetch("teams", queryset=Team.objects.select_related("org").order_by("org__path", "name"))
    )
    brand = by_id(scope(user, "brand", qs, action), brand_id)  # type: ignore[arg-type]  # action is checked by the policy
    if brand is None:
        raise NotFound("品牌项目不存在或您无权查看")
    return brand


def brand_team_choices(*, user: User) -> QuerySet[Team]:
    """Teams the user may put into a brand: active teams within their change scope."""
    return scope(user, "team", Team.objects.filter(is_active=True).select_related("org"), "change").order_by(
        "org__path", "name"
    )


# ---- 群公告 ----------------------------------------------------------------------------------------


def _live_announcements(now: datetime.datetime) -> QuerySet[TeamAnnouncement]:
    """The newest version of each notice, not yet expired."""
    return TeamAnnouncement.objects.filter(revisions__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )


def _with_read(qs: QuerySet[TeamAnnouncement], user: User) -> QuerySet[TeamAnnouncement]:
    read = AnnouncementRead.objects.filter(announcement=OuterRef("pk"), user_id=user.pk)
    return qs.select_related("team", "author").annotate(is_read=Exists(read)).order_by("-pinned", "-created_at", "-id")


def team_announcements(*, user: User, team: Team) -> QuerySet[TeamAnnouncement]:
    """A team's live notices the user may see, pinned first, each marked read or not for this user."""
    qs = _live_announcements(timezone.now()).filter(team=team)
    return _with_read(scope(user, "team_announcement", qs), user)


def _my_team_ids(user: User) -> list[int]:
    grants = grants_for(user)
    volunteer_ids = [g.volunteer_id for g in grants if g.volunteer_id]
    led = [g.team_id for g in grants if g.role in LEAD_ROLES and g.team_id is not None]
    member = list(
        Membership.objects.filter(volunteer_id__in=volunteer_ids, left_at__isnull=True).values_list(
            "team_id", flat=True
        )
    )
    return list(dict.fromkeys([*led, *member]))


def my_announcements(*, user: User) -> QuerySet[TeamAnnouncement]:
    """The live notices of the teams the user belongs to or leads, pinned first."""
    teams = _my_team_ids(user)
    if not teams:
        return TeamAnnouncement.objects.none()
    return _with_read(_live_announcements(timezone.now()).filter(team_id__in=teams), user)


def unread_announcement_count(*, user: User) -> int:
    teams = _my_team_ids(user)
    if not teams:
        return 0
    qs = _live_announcements(timezone.now()).filter(team_id__in=teams)
    return qs.exclude(reads__user_id=user.pk).count()


def announcement_get(*, user: User, pk: int, action: Action = "view") -> TeamAnnouncement:
    qs = TeamAnnouncement.objects.select_related("team__org", "author")
    found = scope(user, "team_announcement", qs, action).filter(pk=pk).first()
    if found is None:
        raise NotFound("公告不存在或您无权查看")
    return found


def announcement_versions(*, announcement: TeamAnnouncement) -> QuerySet[TeamAnnouncement]:
    """Every version of a notice, newest first (one query whatever their number)."""
    first = announcement.first_version_id or announcement.pk
    return (
        TeamAnnouncement.objects.filter(Q(pk=first) | Q(first_version_id=first))
        .select_related("author")
        .order_by("-created_at", "-id")
    )
