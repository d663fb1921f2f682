"""Demo demand: the 96345 service menu and a month of hotline work, all through the demand services.

The month's history is registered, dispatched, accepted, arrived at, completed and called back at
back-dated moments (the services take `now`), the way 长兴's hotline runs: about nineteen in twenty
helpers arrive within their item's response time, every request is resolved and rated on the callback,
the last few wait for theirs. Today a few requests are open: some not yet dispatched, some waiting to be
taken, some on the way or on site, and two genuinely late, so the SLA sweep that closes the run flags
only those. Each description is drawn from the texts written for its item; the demo resident has a few
requests of their own through the web form. The dispatcher has read the notices of the past days.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from redvest.accounts.models import RoleAssignment, User
from redvest.core.services import notification_mark_read
from redvest.demand.models import (
    Callback,
    CallbackStatus,
    Dispatch,
    Rating,
    RequestChannel,
    ServiceItem,
    ServiceRequest,
)
from redvest.demand.services.completion import TimeSpent, dispatch_complete
from redvest.demand.services.dispatch import Target, dispatch_accept, dispatch_arrive, dispatch_create
from redvest.demand.services.intake import RequestData, request_create
from redvest.demand.services.loop import callback_record
from redvest.demand.services.sla import sla_sweep
from redvest.orgs.models import OrgKind, OrgNode, Station
from redvest.records.models import ServiceRecord
from redvest.teams.models import Membership, MembershipKind, Team
from redvest.volunteers.models import VolunteerStatus

HISTORY_DAYS = 30
HISTORY = 150  # requests over the past month, resolved and (but the last few) called back
AWAITING_CALLBACK = 4  # the most recent resolved ones: the operator calls back within three days
LATE_ARRIVAL_SHARE = 0.05  # helpers who arrive after the item's response time
RESIDENT_REQUESTS = 3  # the demo resident's own web requests (one of them open today)
# Today: (state, how many). "late" ones were taken but nobody is on site past the response time.
TODAY = (("new", 3), ("dispatched", 3), ("accepted", 3), ("arrived", 4), ("late", 2))
GROUP_EVERY = 9  # every ninth dispatched request goes to two teams at once (组团)

# What callers say, per item (items that ask no extra questions): a description always belongs to its item.
DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "SH001": ("厨房水管接头漏水，地上都是水", "家里插座冒火花后跳闸，不敢再用电", "卫生间水龙头关不紧一直滴水"),
    "SH002": ("洗衣机不转了，老人不会看", "电饭煲通电不加热，请人帮忙看看"),
    "SH003": ("厨房下水道堵了，水排不下去", "卫生间地漏返臭水，需要疏通"),
    "SH004": ("楼道灯坏了晚上看不见路", "客厅吸顶灯不亮，老人够不着换灯泡"),
    "SH005": ("腿脚不便，想请人帮忙买米和油", "独居老人需要代买一周的蔬菜"),
    "SH009": ("搬家时有一台旧冰箱搬不动", "楼上要搬几袋化肥下楼，家里只有老人"),
    "SH010": ("不会用手机挂号，想请人教一下", "不会在手机上交医保，请志愿者指导"),
    "SH013": ("独居老人家里很久没打扫，想请人帮忙", "老人行动不便，需要打扫厨房卫生"),
    "SH021": ("楼道里堆了很多纸箱杂物，影响通行", "单元门口堆放旧家具，存在消防隐患"),
    "SH023": ("老人慢性病的药吃完了，需要去卫生院代取", "需要帮忙到药店代买降压药"),
    "ZC001": ("想了解灵活就业人员怎么缴社保", "退休后养老金资格认证怎么办理"),
    "ZC002": ("在外地住院的费用回来怎么报销", "想咨询城乡居民医保怎么续缴"),
    "ZC003": ("家里老人生病，想了解能不能申请低保", "想问低保年审需要准备哪些材料"),
    "ZC009": ("想咨询三孩生育登记怎么办理", "生育津贴怎么申领，需要什么材料"),
    "ZC018": ("老人满七十周岁，想问有哪些优待政策", "想了解高龄津贴的申领条件"),
    "ZC019": ("不会在浙里办上办理业务，请人指导", "想在网上申请居住证，不会操作"),
    "TJ002": ("家里兄弟为照顾老人的事吵架，想请人调解", "夫妻经常争吵，老人希望有人来劝劝"),
    "TJ005": ("物业费涨价业主有意见，想请人协调", "小区电梯经常坏，和物业沟通没有结果"),
    "TJ011": ("楼下棋牌室晚上太吵，影响休息", "附近工地夜间施工噪音很大"),
    "TJ012": ("楼下车位经常被外来车辆占用", "小区消防通道被私家车堵住"),
    "TJ021": ("楼上卫生间漏水渗到我家天花板", "楼上阳台漏水，和邻居协商不成"),
    "YL001": ("独居老人做饭不方便，想申请送餐", "老人术后在家休养，需要中午送餐"),
    "YL004": ("老人需要定期去医院复诊，家里没人陪", "八十岁老人想请人陪同去配药"),
    "YL006": ("想请志愿者上门给老人量血压血糖", "老人最近头晕，想请人上门测一下血压"),
    "YL008": ("老伴去世后老人情绪低落，希望有人常来聊聊天", "空巢老人很孤单，想有人陪着说说话"),
    "YL015": ("老人想学用微信视频和外地子女联系", "想学用手机拍照和发语音"),
    "YL021": ("想请人看看家里燃气和电线安不安全", "老人独居，想请人检查一下家里的安全隐患"),
    "YL022": ("隔壁孤寡老人几天没出门，请人去看看", "独居老人需要有人定期上门探望"),
    "BF001": ("家里老人卧病在床，生活比较困难，希望有人来看看", "因病致贫家庭想了解能得到哪些帮扶"),
    "BF005": ("孩子放学后没人看管，希望有人关心一下", "爷爷奶奶带孩子，想请志愿者周末陪伴"),
    "BF007": ("下岗后想找份工作，想了解有没有合适的岗位", "家里孩子毕业在找工作，想请人推荐"),
    "BF009": ("家里的茶树叶子发黄，想请农技员来看看", "今年种的葡萄挂果少，想请人指导"),
    "BF011": ("受灾后家里缺少被褥和衣物", "困难家庭冬天缺少御寒衣物"),
}
CALLERS = ("王阿姨", "李大伯", "张先生", "陈女士", "刘奶奶", "周师傅", "吴女士", "徐大爷")
COMMENTS = ("志愿者很热心，问题解决了", "来得很及时，谢谢", "服务态度好", "")
RESULT = "已上门服务，群众问题已解决"


@dataclass
class DemandSummary:
    requests: int
    records: list[ServiceRecord]


@dataclass(frozen=True)
class People:
    dispatcher: User
    keeper: User
    resident: User
    leader: User


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


class _Hotline:
    def __init__(
        self, rng: random.Random, *, people: People, station: Station, demo_team: Team, now: datetime.datetime
    ) -> None:
        self.rng = rng
        self.people = people
        self.station = station
        self.demo_team = demo_team
        self.now = now
        self.items = {
            i.code: i
            for i in ServiceItem.objects.filter(
                code__in=list(DESCRIPTIONS), is_active=True, attributes__isnull=True, auto_dispatch=False
            ).order_by("code")
        }
        self.codes = sorted(self.items)
        self.communities = list(OrgNode.objects.filter(kind=OrgKind.COMMUNITY).order_by("path"))
        home = RoleAssignment.objects.filter(user=people.resident).select_related("org").first()
        self.resident_home = home.org if home is not None else self.communities[0]
        self.teams = _teams_with_members()
        self.records: list[ServiceRecord] = []
        self.count = 0

    def pick(self, *, quick: bool = False) -> ServiceItem:
        """An item callers ask for; `quick` ones (a response time of 30 minutes or more) for today's open work."""
        codes = [c for c in self.codes if self.items[c].arrival_minutes >= 30] if quick else self.codes
        return self.items[self.rng.choice(codes)]

    def register(self, start: datetime.datetime, item: ServiceItem, *, resident: bool = False) -> ServiceRequest:
        rng = self.rng
        if resident:
            channel, actor, community = RequestChannel.WEB, self.people.resident, self.resident_home
        else:
            channel = rng.choices((RequestChannel.HOTLINE, RequestChannel.WALK_IN), weights=(8, 2))[0]
            actor = self.people.dispatcher if channel == RequestChannel.HOTLINE else self.people.keeper
            community = rng.choice(self.communities)
        data = RequestData(
            item_code=item.code,
            description=rng.choice(DESCRIPTIONS[item.code]),
            address=f"{community.name}{rng.randint(1, 40)}幢{rng.randint(1, 6)}单元{rng.randint(101, 602)}室",
            area_id=None if channel == RequestChannel.WALK_IN else community.pk,
            caller_name=self.people.resident.name if resident else rng.choice(CALLERS),
            caller_phone=f"139{rng.randint(10_000_000, 99_999_999)}",
        )
        self.count += 1
        return request_create(
            actor=actor,
            channel=channel,
            data=data,
            now=start,
            station=self.station if channel == RequestChannel.WALK_IN else None,
        ).request

    def dispatch(self, request: ServiceRequest, at: datetime.datetime) -> list[tuple[Dispatch, Team, list[int]]]:
        group = self.count % GROUP_EVERY == 0
        chosen = self.rng.sample(self.teams, 2 if group else 1)
        if self.rng.random() < 0.15:
            chosen[0] = next(t for t in self.teams if t[0].pk == self.demo_team.pk)
        targets = [
            Target(kind="team", id=t.pk, part_label=f"第{i}组" if group else "") for i, (t, _) in enumerate(chosen, 1)
        ]
        parts = dispatch_create(
            actor=self.people.dispatcher, request=request, targets=targets, now=at, note="请尽快联系群众"
        )
        return [(part, team, members) for part, (team, members) in zip(parts, chosen, strict=True)]

    def handler(self, team: Team) -> User:
        return self.people.leader if team.pk == self.demo_team.pk else self.people.dispatcher

    def arrival_minutes(self, request: ServiceRequest, *, late: bool) -> int:
        """Minutes from the call to arrival: within the item's response time, or a little past it."""
        limit = request.item.arrival_minutes
        if late:
            return limit + self.rng.randint(5, 25)
        return self.rng.randint(max(4, limit // 3), max(5, limit - 2))

    def serve(self, start: datetime.datetime, *, resident: bool = False, callback: bool = True) -> None:
        """One request of the past days, from the call to the callback."""
        rng = self.rng
        request = self.register(start, self.pick(), resident=resident)
        dispatched_at = start + datetime.timedelta(minutes=rng.randint(2, 3))
        arrived_at = start + datetime.timedelta(
            minutes=self.arrival_minutes(request, late=rng.random() < LATE_ARRIVAL_SHARE)
        )
        done_at = start
        for part, team, members in self.dispatch(request, dispatched_at):
            handler = self.handler(team)
            dispatch_accept(actor=handler, dispatch=part, now=dispatched_at + datetime.timedelta(minutes=1))
            dispatch_arrive(actor=handler, dispatch=part, now=arrived_at)
            done_at = arrived_at + datetime.timedelta(minutes=rng.randint(40, 150))
            helpers = rng.sample(members, rng.randint(1, min(3, len(members))))
            since = int((done_at - arrived_at).total_seconds() // 60)
            done = dispatch_complete(
                actor=handler,
                dispatch=part,
                result=RESULT,
                now=done_at,
                time_spent=[TimeSpent(volunteer_id=v, minutes=rng.randint(30, since)) for v in helpers],
            )
            self.records += list(ServiceRecord.objects.filter(activity=done.activity).order_by("pk"))
        if not callback:
            return
        pending = Callback.objects.get(request=request, status=CallbackStatus.PENDING)
        rating = rng.choices((Rating.SATISFIED, Rating.BASIC), weights=(17, 3))[0]
        called = min(done_at + datetime.timedelta(hours=rng.randint(2, 30)), self.now - datetime.timedelta(minutes=5))
        callback_record(
            actor=self.people.dispatcher, callback=pending, rating=rating, comment=rng.choice(COMMENTS), now=called
        )

    def open_today(self, state: str, *, resident: bool = False) -> None:
        """One request still open now, at the stage `state`."""
        rng, now = self.rng, self.now
        minutes = {"new": (1, 8), "dispatched": (4, 9), "accepted": (8, 14), "arrived": (40, 150)}
        item = self.pick(quick=True)
        if state == "late":  # taken, but nobody on site past the response time: the sweep flags it
            start = now - datetime.timedelta(minutes=item.arrival_minutes + rng.randint(10, 40))
        else:
            start = now - datetime.timedelta(minutes=rng.randint(*minutes[state]))
        request = self.register(start, item, resident=resident)
        if state == "new":
            return
        dispatched_at = start + datetime.timedelta(minutes=rng.randint(1, 2))
        for part, team, _members in self.dispatch(request, dispatched_at):
            if state == "dispatched":
                continue
            handler = self.handler(team)
            dispatch_accept(actor=handler, dispatch=part, now=dispatched_at + datetime.timedelta(minutes=1))
            if state == "arrived":
                arrived_at = start + datetime.timedelta(minutes=self.arrival_minutes(request, late=False))
                dispatch_arrive(actor=handler, dispatch=part, now=min(arrived_at, now))


def _history_starts(rng: random.Random, now: datetime.datetime) -> list[datetime.datetime]:
    """When the month's calls came in: office hours on the past days, oldest first, all finished by now."""
    today = timezone.localdate(now)
    starts = []
    for _ in range(HISTORY):
        day = today - datetime.timedelta(days=rng.randint(1, HISTORY_DAYS))
        at = datetime.datetime.combine(
            day, datetime.time(rng.randint(8, 17), rng.randint(0, 59)), tzinfo=timezone.get_current_timezone()
        )
        while at > now - datetime.timedelta(hours=8):
            at -= datetime.timedelta(days=1)
        starts.append(at)
    return sorted(starts)


def write_demand(
    rng: random.Random,
    *,
    dispatcher: User,
    keeper: User,
    station_node: OrgNode,
    resident: User,
    leader: User,
    demo_team: Team,
    now: datetime.datetime | None = None,
) -> DemandSummary:
    load_menu()
    now = now or timezone.now()
    people = People(dispatcher=dispatcher, keeper=keeper, resident=resident, leader=leader)
    hotline = _Hotline(rng, people=people, station=Station.objects.get(node=station_node), demo_team=demo_team, now=now)
    starts = _history_starts(rng, now)
    mine = set(rng.sample(range(HISTORY), RESIDENT_REQUESTS - 1))
    for i, start in enumerate(starts):
        hotline.serve(start, resident=i in mine, callback=i < HISTORY - AWAITING_CALLBACK)
    # The past days' notices have been read; what follows is today's.
    for user in {dispatcher.pk: dispatcher, keeper.pk: keeper, leader.pk: leader}.values():
        notification_mark_read(user=user)
    for state, n in TODAY:
        for k in range(n):
            hotline.open_today(state, resident=state == "new" and k == 0)
    # The clock catches up: only the genuinely late requests are flagged and escalated.
    sla_sweep(now=now)
    return DemandSummary(requests=hotline.count, records=hotline.records)
