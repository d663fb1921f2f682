"""Demo awards: this year's 优秀志愿者 campaign of the county in the voting stage (about 60 nominations
from the units and towns, 7 judges — one of them the `unit` demo login — and some votes cast), and
last year's campaign completed with its cut, expert scores, tiers and results.

Everything goes through the awards services with explicit times, so the demo carries the same audit
rows and decisions as real use.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from redvest.accounts.models import RoleAssignment, User
from redvest.awards import services
from redvest.awards.models import AwardCampaign, AwardKind, Judge, Nomination, TieRule
from redvest.orgs.models import OrgKind, OrgNode
from redvest.orgs.selectors import in_subtree_q
from redvest.volunteers.models import Volunteer, VolunteerStatus

DAY = datetime.timedelta(days=1)
JUDGE_NAMES = ("陈国华", "林秀英", "徐建平", "邵丽娟", "蒋志强", "杨春梅")
MATERIALS = (
    "常年坚持在社区开展助老服务，结对帮扶独居老人，风雨无阻。",
    "带领党员志愿者开展平安巡逻和文明劝导，群众评价好。",
    "在防汛抗台一线连续值守，主动转移受困群众。",
    "发挥专业特长开展义诊和健康宣讲，服务群众数千人次。",
    "组织关爱留守儿童活动，开设周末课堂，坚持多年。",
)


@dataclass(frozen=True)
class AwardsSummary:
    campaigns: int
    nominations: int
    votes: int


def _nominating_orgs(root: OrgNode) -> list[tuple[OrgNode, list[int]]]:
    """The county's units and towns that have registered volunteers, with up to six of them each."""
    nodes = list(
        OrgNode.objects.filter(in_subtree_q("path", root.path), kind__in=[OrgKind.UNIT, OrgKind.TOWN]).order_by("path")
    )
    out: list[tuple[OrgNode, list[int]]] = []
    for node in nodes:
        ids = list(
            Volunteer.objects.filter(in_subtree_q("org__path", node.path), status=VolunteerStatus.REGISTERED)
            .order_by("pk")
            .values_list("pk", flat=True)[:6]
        )
        if len(ids) >= 3:
            out.append((node, ids))
    return out


def _judges(campaign: AwardCampaign, *, admin: User, login: User, login_org: OrgNode, others: list[OrgNode]) -> None:
    services.judge_add(actor=admin, campaign=campaign, user=login, org=login_org, is_expert=True)
    for i, (name, org) in enumerate(zip(JUDGE_NAMES, others, strict=False)):
        user, _ = User.objects.get_or_create(
            username=f"award-judge-{i + 1}", defaults={"name": name, "password": make_password(None)}
        )
        services.judge_add(actor=admin, campaign=campaign, user=user, org=org, is_expert=i < 4)


def _campaign(*, admin: User, root: OrgNode, year: int, opens: datetime.datetime) -> AwardCampaign:
    return services.campaign_create(
        actor=admin,
        org=root,
        data=services.CampaignData(
            name=f"{year}年度优秀党员志愿者",
            kind=AwardKind.VOLUNTEER,
            year=year,
            description="由各单位、各镇街按名额推荐，评委初评投票（每人每个对象限投1票，回避本单位），"
            "按得票取前35名入围，专家评审团终审评分，评出一等奖5名、二等奖10名、三等奖20名，公示7天。",
            nomination_opens=opens,
            nomination_closes=opens + 14 * DAY,
            voting_opens=opens + 15 * DAY,
            voting_closes=opens + 25 * DAY,
            rules=[{"code": "registered", "param": 0}],
            default_quota=3,
            votes_per_judge=30,
            finalists=35,
            tie_rule=TieRule.VOTES_METRIC_TIME,
            tiers=[("一等奖", 5), ("二等奖", 10), ("三等奖", 20)],
        ),
    )


def _nominate(
    rng: random.Random,
    campaign: AwardCampaign,
    *,
    admin: User,
    orgs: list[tuple[OrgNode, list[int]]],
    at: datetime.datetime,
) -> list[Nomination]:
    services.campaign_advance(actor=admin, campaign=campaign, now=at)
    out: list[Nomination] = []
    for i, (org, ids) in enumerate(orgs):
        for volunteer_id in ids[:3]:
            out.append(
                services.nomination_create(
                    actor=admin,
                    campaign=campaign,
                    org=org,
                    target_id=volunteer_id,
                    materials=rng.choice(MATERIALS),
                    name_consent=rng.random() < 0.5,
                    now=at + datetime.timedelta(hours=i, minutes=len(out)),
                )
            )
    return out


def _vote(
    rng: random.Random,
    campaign: AwardCampaign,
    entries: list[Nomination],
    *,
    at: datetime.datetime,
    per_judge: int,
    skip: User | None,
) -> int:
    cast = 0
    for judge in Judge.objects.filter(campaign=campaign).select_related("user", "org").order_by("pk"):
        if judge.user == skip:
            continue
        allowed = [n for n in entries if not services.own_organisation(judge.org.path, n.org.path)]
        for n in rng.sample(allowed, min(per_judge, len(allowed))):
            services.vote_cast(actor=judge.user, nomination=n, now=at + datetime.timedelta(minutes=cast))
            cast += 1
    return cast


def write_awards(
    *, root: OrgNode, admin: User, judge_login: User, seed: int, now: datetime.datetime | None = None
) -> AwardsSummary:
    """Both campaigns; `judge_login` (the demo `unit` login) judges this year's campaign from their unit."""
    now = now or timezone.now()
    rng = random.Random(seed)
    held = RoleAssignment.objects.filter(user=judge_login).select_related("org").order_by("org__depth").first()
    if held is None:
        raise LookupError("the demo judge login holds no role")
    login_org = held.org
    # Twenty nominating orgs (about 60 entries): the judge login's own unit first (its entries show as
    # 本单位回避 on their ballot), then units and towns in turn.
    found = _nominating_orgs(root)
    units = [x for x in found if x[0].kind == OrgKind.UNIT and x[0] != login_org]
    towns = [x for x in found if x[0].kind == OrgKind.TOWN]
    orgs = [x for x in found if x[0] == login_org] + [x for pair in zip(units, towns, strict=False) for x in pair]
    orgs = (orgs + units[len(towns) :])[:20]
    others = [o for o, _ in orgs if not login_org.path.startswith(o.path) and not o.path.startswith(login_org.path)][:6]
    year = timezone.localtime(now).year

    # Last year: the whole cycle, finished.
    last = _campaign(admin=admin, root=root, year=year - 1, opens=now - 330 * DAY)
    _judges(last, admin=admin, login=judge_login, login_org=login_org, others=others)
    entries = _nominate(rng, last, admin=admin, orgs=orgs, at=now - 329 * DAY)
    services.campaign_advance(actor=admin, campaign=last, now=last.voting_opens)
    votes = _vote(rng, last, entries, at=last.voting_opens + DAY, per_judge=25, skip=None)
    services.campaign_cut(actor=admin, campaign=last, now=last.voting_closes)
    finalists = set(last.decisions.get().rows.filter(selected=True).values_list("nomination_id", flat=True))
    for judge in Judge.objects.filter(campaign=last, is_expert=True).select_related("user", "org"):
        for n in entries:
            if n.pk in finalists and not services.own_organisation(judge.org.path, n.org.path):
                services.score_record(
                    actor=judge.user, nomination=n, score=rng.randint(70, 98), now=last.voting_closes + 2 * DAY
                )
    published_at = last.voting_closes + 10 * DAY
    services.campaign_publish(actor=admin, campaign=last, now=published_at)
    last.refresh_from_db()
    services.campaign_advance(actor=admin, campaign=last, now=published_at + 8 * DAY)

    # This year: nominations closed, voting open until five days from now, some votes cast (not by the
    # demo login, who votes in the demo).
    current = _campaign(admin=admin, root=root, year=year, opens=now - 20 * DAY)
    _judges(current, admin=admin, login=judge_login, login_org=login_org, others=others)
    entries_now = _nominate(rng, current, admin=admin, orgs=orgs, at=now - 19 * DAY)
    services.campaign_advance(actor=admin, campaign=current, now=current.voting_opens)
    votes += _vote(rng, current, entries_now, at=current.voting_opens + DAY, per_judge=8, skip=judge_login)
    return AwardsSummary(campaigns=2, nominations=len(entries) + len(entries_now), votes=votes)
