"""Reads of the annual awards, scoped by the policy; relations loaded here, never in templates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet

from redvest.accounts.models import Role
from redvest.accounts.policy import Action, can, grants_for, scope
from redvest.awards.models import (
    AwardCampaign,
    Decision,
    DecisionKind,
    DecisionRow,
    EntryType,
    ExpertScore,
    Judge,
    Nomination,
    NominationFile,
    NominationStatus,
    Objection,
    ObjectionStatus,
    QuotaOverride,
    Stage,
    Vote,
    VoteKind,
)
from redvest.awards.services import current_decision, judge_of, own_organisation, votes_used
from redvest.core.crypto import mask_name
from redvest.core.errors import NotFound, ValidationFailed
from redvest.core.pagination import PageNumbers
from redvest.evaluation.selectors import public_volunteer_names
from redvest.orgs.models import OrgKind, OrgNode
from redvest.orgs.selectors import in_subtree_q
from redvest.teams.models import BrandProject, Team
from redvest.volunteers.models import Volunteer

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.teams.models import BrandProject, Team


def campaign_list(*, user: User, stage: str = "") -> QuerySet[AwardCampaign]:
    qs = scope(user, "award_campaign", AwardCampaign.objects.select_related("org"))
    if getattr(user, "is_authenticated", False):  # judges holding no role: the Judge row is the grant
        judged = Judge.objects.filter(user=user).values("campaign_id")
        qs = qs | AwardCampaign.objects.select_related("org").filter(pk__in=judged)
    if stage in Stage.values:
        qs = qs.filter(stage=stage)
    return qs.order_by("-year", "-id")


def campaign_get(*, user: User, pk: Any, action: Action = "view") -> AwardCampaign:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    qs = scope(user, "award_campaign", AwardCampaign.objects.select_related("org"), action)
    campaign = qs.filter(pk=pk).first()
    if campaign is None and action == "view" and _judges(user, pk):
        # A judge holding no role at all has no grants for the policy to widen: the Judge row is the grant.
        campaign = AwardCampaign.objects.select_related("org").filter(pk=pk).first()
    if campaign is None:
        raise NotFound("评选不存在或您无权查看")
    return campaign


def _judges(user: User, campaign_id: int) -> bool:
    return (
        bool(getattr(user, "is_authenticated", False))
        and Judge.objects.filter(campaign_id=campaign_id, user_id=user.pk).exists()
    )


def public_campaign(*, pk: Any) -> AwardCampaign:
    """A campaign whose results are out (公示 or final), for the public page."""
    campaign = (
        AwardCampaign.objects.select_related("org")
        .filter(pk=pk if str(pk).isdigit() else 0, stage__in=[Stage.PUBLICITY, Stage.FINAL])
        .first()
    )
    if campaign is None:
        raise NotFound("该评选结果尚未公示")
    return campaign


def public_campaigns() -> QuerySet[AwardCampaign]:
    return (
        AwardCampaign.objects.select_related("org")
        .filter(stage__in=[Stage.PUBLICITY, Stage.FINAL])
        .order_by("-year", "-id")
    )


def judge_campaigns(*, user: User) -> QuerySet[Judge]:
    """The campaigns the user judges, open ones first (the home page link and the awards index)."""
    if not getattr(user, "is_authenticated", False):
        return Judge.objects.none()
    return Judge.objects.filter(user=user).select_related("campaign__org").order_by("-campaign__year", "-campaign_id")


def admin_roots(*, user: User) -> QuerySet[OrgNode]:
    """Nodes the user may run campaigns at (their admin nodes)."""
    grants = [g for g in grants_for(user) if g.role in {Role.SYSTEM_ADMIN, Role.ORG_ADMIN}]
    if any(g.role == Role.SYSTEM_ADMIN for g in grants):
        return OrgNode.objects.filter(depth__lte=2).order_by("path")
    return OrgNode.objects.filter(pk__in=[g.org_id for g in grants]).order_by("path")


NOMINATING_KINDS = (OrgKind.ORG_DEPT, OrgKind.TOWN, OrgKind.UNIT)


def nominating_orgs(*, user: User, campaign: AwardCampaign) -> QuerySet[OrgNode]:
    """Orgs the user may nominate from: each node they administer inside the campaign's subtree, and
    the towns and units up to two levels below it (a county admin puts forward for a 机关工委's units)."""
    base = campaign.org.path
    q = Q()
    matched = False
    for g in grants_for(user):
        if g.role == Role.SYSTEM_ADMIN:
            root = base
        elif g.role == Role.ORG_ADMIN and (g.path.startswith(base) or base.startswith(g.path)):
            root = g.path if g.path.startswith(base) else base
        else:
            continue
        depth = len(root) // OrgNode.steplen
        q |= Q(path=root) | Q(in_subtree_q("path", root), depth__lte=depth + 2, kind__in=NOMINATING_KINDS)
        matched = True
    if not matched:
        return OrgNode.objects.none()
    return OrgNode.objects.filter(q).order_by("path")


def unit_choices(*, campaign: AwardCampaign) -> QuerySet[OrgNode]:
    """The towns and units of a campaign's subtree (judges' orgs, per-org quotas)."""
    return (
        OrgNode.objects.filter(
            in_subtree_q("path", campaign.org.path), depth__lte=campaign.org.depth + 2, kind__in=NOMINATING_KINDS
        )
        .exclude(pk=campaign.org_id)
        .order_by("path")
    )


@dataclass(frozen=True)
class Quota:
    org: OrgNode
    quota: int
    used: int

    @property
    def remaining(self) -> int:
        return max(0, self.quota - self.used)


def quotas(*, campaign: AwardCampaign, orgs: list[OrgNode]) -> list[Quota]:
    """Quota, used and remaining for each org (two queries)."""
    ids = [o.pk for o in orgs]
    overrides = dict(QuotaOverride.objects.filter(campaign=campaign, org_id__in=ids).values_list("org_id", "quota"))
    used = dict(
        Nomination.objects.filter(campaign=campaign, org_id__in=ids, status=NominationStatus.ACTIVE)
        .values("org_id")
        .annotate(n=Count("pk"))
        .values_list("org_id", "n")
    )
    return [Quota(o, overrides.get(o.pk, campaign.default_quota), used.get(o.pk, 0)) for o in orgs]


def target_choices(*, campaign: AwardCampaign, orgs: list[OrgNode]) -> list[Team] | list[BrandProject]:
    """Teams or brands that the user's nominating orgs may put forward (volunteers go by number)."""

    q = Q()
    for o in orgs:
        q |= in_subtree_q("path", o.path)
    if not orgs:
        return []
    paths = OrgNode.objects.filter(q).values("pk")
    if campaign.entry_type == EntryType.TEAM:
        return list(
            Team.objects.filter(org__in=paths, is_active=True).select_related("org").order_by("org__path", "name")[:500]
        )
    if campaign.entry_type == EntryType.BRAND:
        return list(
            BrandProject.objects.filter(owner__in=paths).select_related("owner").order_by("owner__path", "name")[:500]
        )
    return []


def volunteer_by_number(*, number: str) -> int:

    pk = Volunteer.objects.filter(number=number.strip()).values_list("pk", flat=True).first()
    if pk is None:
        raise ValidationFailed({"target": "未找到该志愿者编号"})
    return pk


def _with_votes(qs: QuerySet[Nomination]) -> QuerySet[Nomination]:
    return qs.annotate(
        vote_count=Count("votes", filter=Q(votes__kind=VoteKind.VOTE), distinct=True)
        - Count("votes", filter=Q(votes__kind=VoteKind.RETRACTION), distinct=True)
    )


def nomination_list(*, user: User, campaign: AwardCampaign, status: str = "", org: Any = None) -> QuerySet[Nomination]:
    """Entries of a campaign the user may see (admins of the campaign, of the nominating orgs, judges),
    with vote counts for the campaign's admins (votes are secret to nominators while voting is open)."""
    base = Nomination.objects.filter(campaign=campaign)
    qs = (base if _judges(user, campaign.pk) else scope(user, "nomination", base)).select_related("org")
    qs = qs.prefetch_related(Prefetch("files", queryset=NominationFile.objects.order_by("id")))
    if status in NominationStatus.values:
        qs = qs.filter(status=status)
    if org:
        qs = qs.filter(org_id=org)
    if can(user, "change", campaign):
        qs = _with_votes(qs)
    return qs.order_by("nominated_at", "id")


def nomination_get(*, user: User, pk: Any, action: Action = "view") -> Nomination:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    qs = scope(user, "nomination", Nomination.objects.select_related("campaign__org", "org"), action)
    nomination = qs.filter(pk=pk).first()
    if nomination is None:
        raise NotFound("参评对象不存在或您无权查看")
    return nomination


def nomination_for_judge(*, user: User, pk: Any) -> Nomination:
    """An entry a judge may act on (vote, score): one of the judge's campaigns."""
    nomination = (
        Nomination.objects.select_related("campaign__org", "org").filter(pk=pk if str(pk).isdigit() else 0).first()
    )
    if nomination is None or not Judge.objects.filter(campaign_id=nomination.campaign_id, user_id=user.pk).exists():
        raise NotFound("参评对象不存在或您不是该评选的评委")
    return nomination


def nomination_public(*, pk: Any) -> Nomination:
    nomination = (
        Nomination.objects.select_related("campaign__org", "org")
        .filter(pk=pk if str(pk).isdigit() else 0, campaign__stage=Stage.PUBLICITY)
        .first()
    )
    if nomination is None:
        raise NotFound("该对象不在公示名单中")
    return nomination


@dataclass
class BallotRow:
    nomination: Nomination
    voted: bool
    own_org: bool

    @property
    def reason(self) -> str:
        return f"由{self.nomination.org.name}推荐，属本单位，须回避" if self.own_org else ""


@dataclass
class Ballot(PageNumbers):
    judge: Judge
    rows: list[BallotRow]
    count: int
    number: int
    size: int
    used: int

    @property
    def limit(self) -> int | None:
        return self.judge.campaign.votes_per_judge

    @property
    def left(self) -> int | None:
        return None if self.limit is None else max(0, self.limit - self.used)


def ballot(*, user: User, campaign: AwardCampaign, page: int = 1, size: int = 20) -> Ballot:
    """The judge's voting page: active entries, whether the judge voted each, own-org entries marked
    (a fixed number of queries for any page)."""
    judge = judge_of(user=user, campaign=campaign)
    mine = Vote.objects.filter(judge=judge, nomination=OuterRef("pk"), kind=VoteKind.VOTE, retracted_by__isnull=True)
    qs = (
        Nomination.objects.filter(campaign=campaign, status=NominationStatus.ACTIVE)
        .select_related("org")
        .annotate(voted=Exists(mine))
        .order_by("org__path", "nominated_at", "id")
    )
    count = qs.count()
    number = min(max(1, page), max(1, -(-count // size)))
    items = list(qs[(number - 1) * size : number * size])
    rows = [BallotRow(n, bool(n.voted), own_organisation(judge.org.path, n.org.path)) for n in items]
    return Ballot(judge=judge, rows=rows, count=count, number=number, size=size, used=votes_used(judge))


def ballot_row(*, user: User, nomination: Nomination) -> tuple[BallotRow, Ballot]:
    """One row of the ballot after a vote (the htmx swap) and the counters."""
    judge = judge_of(user=user, campaign=nomination.campaign)
    voted = Vote.objects.filter(
        judge=judge, nomination=nomination, kind=VoteKind.VOTE, retracted_by__isnull=True
    ).exists()
    row = BallotRow(nomination, voted, own_organisation(judge.org.path, nomination.org.path))
    return row, Ballot(judge=judge, rows=[row], count=1, number=1, size=1, used=votes_used(judge))


def cut_rows(*, campaign: AwardCampaign) -> tuple[Decision | None, QuerySet[DecisionRow]]:
    decision = current_decision(campaign, DecisionKind.CUT)
    if decision is None:
        return None, DecisionRow.objects.none()
    return decision, decision.rows.select_related("nomination__org").order_by("rank", "id")


def live_tally(*, campaign: AwardCampaign) -> QuerySet[Nomination]:
    """Votes so far, highest first (the campaign admins' view while voting runs)."""
    return _with_votes(
        Nomination.objects.filter(campaign=campaign, status=NominationStatus.ACTIVE).select_related("org")
    ).order_by(F("vote_count").desc(), "nominated_at", "id")


@dataclass
class ScoreRow:
    row: DecisionRow
    my_score: int | None
    own_org: bool


def score_sheet(*, user: User, campaign: AwardCampaign) -> tuple[Judge, list[ScoreRow]]:
    """The expert's sheet: the finalists with the expert's own scores so far."""
    judge = judge_of(user=user, campaign=campaign)
    _, rows = cut_rows(campaign=campaign)
    finalists = list(rows.filter(selected=True, nomination__status=NominationStatus.ACTIVE))
    mine = dict(ExpertScore.objects.filter(judge=judge).values_list("nomination_id", "score"))
    return judge, [
        ScoreRow(r, mine.get(r.nomination_id), own_organisation(judge.org.path, r.nomination.org.path))
        for r in finalists
    ]


def score_progress(*, campaign: AwardCampaign) -> dict[int, int]:
    """Scores received per finalist (campaign admins)."""
    rows = ExpertScore.objects.filter(campaign=campaign).values("nomination_id").annotate(n=Count("pk"))
    return {r["nomination_id"]: r["n"] for r in rows}


def consented_volunteers(nominations: list[Nomination]) -> set[int]:
    """Volunteers whose consent to be named on public pages is in force (the evaluation app's
    PublicityConsent, through its public_volunteer_names; one query)."""

    ids = [n.volunteer_id for n in nominations if n.volunteer_id is not None]
    if not ids:
        return set()
    return {pk for pk, name in public_volunteer_names(ids).items() if "*" not in name}


def public_name(nomination: Nomination, consented: set[int] | frozenset[int] = frozenset()) -> str:
    """Names of teams and brands are public; a volunteer's only with consent: given for this
    nomination (recorded by the nominating org) or in force in the evaluation app's consent register."""
    if nomination.entry_type != EntryType.VOLUNTEER or nomination.name_consent:
        return nomination.name
    if nomination.volunteer_id in consented:
        return nomination.name
    return mask_name(nomination.name)


@dataclass
class ResultRow:
    rank: int
    tier: str
    name: str
    org_name: str
    score: Any
    votes: int
    nomination_id: int


@dataclass
class Results:
    campaign: AwardCampaign
    decision: Decision | None
    rows: list[ResultRow]
    removed: list[Nomination]


def results(*, campaign: AwardCampaign, include_unplaced: bool = False) -> Results:
    """The current tiers with names masked for the public (consent), and entries removed after an
    upheld objection (with the reason)."""
    decision = current_decision(campaign, DecisionKind.TIERS)
    placed: list[DecisionRow] = []
    if decision is not None:
        qs = decision.rows.select_related("nomination__org").order_by("rank", "id")
        placed = list(qs if include_unplaced else qs.filter(selected=True))
    removed = list(
        Nomination.objects.filter(campaign=campaign, status=NominationStatus.REMOVED)
        .select_related("org")
        .order_by("status_changed_at")
    )
    consented = consented_volunteers([r.nomination for r in placed] + removed)
    rows = [
        ResultRow(
            r.rank,
            r.tier,
            public_name(r.nomination, consented),
            r.nomination.org.name,
            r.score,
            r.votes,
            r.nomination_id,
        )
        for r in placed
    ]
    for n in removed:
        n.public_name = public_name(n, consented)  # type: ignore[attr-defined]  # a display attribute for the results page
    return Results(campaign, decision, rows, removed)


def decisions(*, campaign: AwardCampaign) -> QuerySet[Decision]:
    return campaign.decisions.select_related("decided_by").order_by("-decided_at", "-id")


def objection_list(*, campaign: AwardCampaign, status: str = "") -> QuerySet[Objection]:
    qs = Objection.objects.filter(campaign=campaign).select_related("nomination__org", "filed_by", "resolved_by")
    if status in ObjectionStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("-filed_at", "-id")


def objection_get(*, user: User, pk: Any) -> Objection:
    objection = (
        Objection.objects.select_related("campaign__org", "nomination")
        .filter(pk=pk if str(pk).isdigit() else 0)
        .first()
    )
    if objection is None or not can(user, "change", objection.campaign):
        raise NotFound("异议不存在或您无权处理")
    return objection


def judges(*, campaign: AwardCampaign) -> QuerySet[Judge]:
    return campaign.judges.select_related("user", "org").order_by("-is_expert", "id")
