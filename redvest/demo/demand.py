"""Demo demand: the 96345 service menu and ~200 requests in every state, all through the demand services.

Each request is registered, dispatched, accepted, completed and called back at back-dated moments (the
services take `now`), so due times, history, service time (credit records) and callbacks are what a
real run would leave. Overdue ones are those still open past their resolution due time.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from redvest.accounts.models import User
from redvest.demand.models import Callback, CallbackStatus, Rating, RequestChannel, ServiceItem, ServiceRequest
from redvest.demand.services.completion import TimeSpent, dispatch_complete
from redvest.demand.services.dispatch import Target, dispatch_accept, dispatch_create
from redvest.demand.services.intake import RequestData, request_create
from redvest.demand.services.loop import callback_record
from redvest.demand.services.sla import sla_sweep
from redvest.orgs.models import OrgKind, OrgNode, Station
from redvest.records.models import ServiceRecord
from redvest.teams.models import Membership, MembershipKind, Team
from redvest.volunteers.models import VolunteerStatus

# (state, how many): new, dispatched, in progress, overdue, resolved awaiting callback, closed after a callback.
PLAN = (("new", 30), ("dispatched", 30), ("accepted", 30), ("overdue", 25), ("resolved", 20), ("closed", 65))
GROUP_EVERY = 9  # every ninth dispatched request goes to two teams at once (组团)
DESCRIPTIONS = (
    "家中老人行动不便，希望志愿者上门帮忙",
    "独居老人需要有人定期探望",
    "楼道堆物影响通行，请帮忙协调清理",
    "想咨询相关政策，希望有人上门讲解",
    "家里水管漏水，老人不会处理",
    "孩子放学后无人看护，希望得到帮助",
)
CALLERS = ("王阿姨", "李大伯", "张先生", "陈女士", "刘奶奶", "周师傅", "吴女士", "徐大爷")
COMMENTS = ("志愿者很热心，问题解决了", "来得很及时，谢谢", "服务态度好", "")


@dataclass
class DemandSummary:
    requests: int
    records: list[ServiceRecord]


def load_menu() -> None:
    """The menu through its own loader command, as an operator would run it."""
    call_command("load_service_menu", stdout=StringIO())


def _teams_with_members() -> list[tuple[Team, list[int]]]:
    members: dict[int, list[int]] = {}
    current = Membership.objects.filter(
        left_at=None, kind=MembershipKind.ORGANISATIONAL, volunteer__status=VolunteerStatus.REGISTERED
    ).order_by("pk")
    for team_id, volunteer_id in current.values_list("team_id", "volunteer_id"):
        members.setdefault(team_id, []).append(volunteer_id)
    return [
        (t, members[t.pk])
        for t in Team.objects.filter(is_active=True).order_by("pk")
        if len(members.get(t.pk, [])) >= 3
    ]


def write_demand(
    rng: random.Random,
    *,
    dispatcher: User,
    keeper: User,
    station_node: OrgNode,
    resident: User,
    leader: User,
    demo_team: Team,
) -> DemandSummary:
    load_menu()
    now = timezone.now()
    items = list(
        ServiceItem.objects.filter(is_active=True, is_errand=False, auto_dispatch=False, attributes__isnull=True)
        .order_by("code")
        .distinct()
    )
    quick = [i for i in items if i.resolution_minutes <= 24 * 60]
    communities = list(OrgNode.objects.filter(kind=OrgKind.COMMUNITY).order_by("path"))
    station = Station.objects.get(node=station_node)
    teams = _teams_with_members()
    records: list[ServiceRecord] = []
    count = 0
    for state, n in PLAN:
        for _ in range(n):
            count += 1
            item = rng.choice(quick if state == "overdue" else items)
            if state == "dispatched":  # a part waits 10 minutes to be taken before it comes back as stalled
                start = now - datetime.timedelta(minutes=rng.randint(6, 16))
            elif state in ("new", "accepted"):
                start = now - datetime.timedelta(minutes=rng.randint(20, 6 * 60))
            elif state == "overdue":
                start = now - datetime.timedelta(days=rng.randint(2, 8), minutes=rng.randint(0, 600))
            else:
                start = now - datetime.timedelta(days=rng.randint(3, 180), minutes=rng.randint(0, 600))
            channel = rng.choices(
                (RequestChannel.HOTLINE, RequestChannel.WALK_IN, RequestChannel.WEB), weights=(6, 2, 2)
            )[0]
            actor = {RequestChannel.HOTLINE: dispatcher, RequestChannel.WALK_IN: keeper}.get(channel, resident)
            community = rng.choice(communities)
            data = RequestData(
                item_code=item.code,
                description=f"{rng.choice(DESCRIPTIONS)}（{item.name}）",
                address=f"{community.name}{rng.randint(1, 40)}幢{rng.randint(1, 6)}单元{rng.randint(101, 602)}室",
                area_id=None if channel == RequestChannel.WALK_IN else community.pk,
                caller_name=rng.choice(CALLERS),
                caller_phone=f"139{rng.randint(10_000_000, 99_999_999)}",
            )
            request = request_create(
                actor=actor,
                channel=channel,
                data=data,
                now=start,
                station=station if channel == RequestChannel.WALK_IN else None,
            ).request
            if state == "new":
                continue
            records += _work(
                rng, state, request, teams, start, now, dispatcher, leader, demo_team, group=count % GROUP_EVERY == 0
            )
    # The clock catches up: overdue requests are flagged and escalated, parts nobody took come back.
    sla_sweep(now=now)
    return DemandSummary(requests=count, records=records)


def _work(
    rng: random.Random,
    state: str,
    request: ServiceRequest,
    teams: list[tuple[Team, list[int]]],
    start: datetime.datetime,
    now: datetime.datetime,
    dispatcher: User,
    leader: User,
    demo_team: Team,
    *,
    group: bool,
) -> list[ServiceRecord]:
    chosen = rng.sample(teams, 2 if group else 1)
    if rng.random() < 0.15:
        chosen[0] = next(t for t in teams if t[0].pk == demo_team.pk)
    dispatched_at = start + datetime.timedelta(minutes=3 if state == "dispatched" else rng.randint(5, 15))
    targets = [
        Target(kind="team", id=t.pk, part_label=f"第{i}组" if group else "") for i, (t, _) in enumerate(chosen, 1)
    ]
    parts = dispatch_create(
        actor=dispatcher, request=request, targets=targets, now=dispatched_at, note="请尽快联系群众"
    )
    if state == "dispatched":
        return []
    records: list[ServiceRecord] = []
    for part, (team, members) in zip(parts, chosen, strict=True):
        handler = leader if team.pk == demo_team.pk else dispatcher
        accepted_at = dispatched_at + datetime.timedelta(minutes=rng.randint(3, 20))
        dispatch_accept(actor=handler, dispatch=part, now=accepted_at)
        if state in ("accepted", "overdue"):
            continue
        done_at = accepted_at + datetime.timedelta(minutes=rng.randint(60, 300))
        since = int((done_at - dispatched_at).total_seconds() // 60)
        helpers = rng.sample(members, rng.randint(1, min(3, len(members))))
        done = dispatch_complete(
            actor=handler,
            dispatch=part,
            result="已上门服务，群众问题已解决",
            now=done_at,
            time_spent=[TimeSpent(volunteer_id=v, minutes=rng.randint(30, min(120, since))) for v in helpers],
        )
        records += list(ServiceRecord.objects.filter(activity=done.activity).order_by("pk"))
    if state == "closed":
        callback = Callback.objects.get(request=request, status=CallbackStatus.PENDING)
        rating = rng.choices((Rating.SATISFIED, Rating.BASIC), weights=(8, 2))[0]
        called = min(done_at + datetime.timedelta(hours=rng.randint(2, 48)), now)
        callback_record(actor=dispatcher, callback=callback, rating=rating, comment=rng.choice(COMMENTS), now=called)
    return records
