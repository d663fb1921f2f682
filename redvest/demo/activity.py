"""Demo activities: 260 over the last seven months and the next two weeks, with sign-ups, attendance,
credit records (through the records service, so totals and points stay consistent), outcomes and tallies.

Each team runs what fits it (see `catalog`): a county unit in its trade and in its paired community, a
grid team in its grid, a village group in its village; part of each quarter's work carries the county's
quarterly theme. Specialist, vanguard and grid teams run most; a team's core (leader, liaison, backbones,
a regular) comes to most of its activities, so the busiest volunteers reach a few dozen hours in seven
months while nobody nears the 300 hours a year of a very active volunteer.

Activities, sign-ups and attendance rows are bulk inserted; every service-time entry goes through
`record_post_attendance` / `record_append` (entry, totals, points, audit) and every finished activity's
outcome through `outcome_save`. Dates are counted from the day of the seed run so that one activity is
always running "now".
"""

from __future__ import annotations

import datetime
import random
import secrets
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from redvest.accounts.models import User
from redvest.activities.models import (
    Activity,
    ActivityMode,
    ActivityStatus,
    AgreementAcceptance,
    AgreementKind,
    AgreementTemplate,
    Attendance,
    AttendanceMethod,
    AttendanceStatus,
    InsurancePolicy,
    ServiceCategory,
    SignUp,
    SignUpStatus,
)
from redvest.activities.services.outcomes import OutcomeData, outcome_save, tally_category_create, theme_set
from redvest.demo import catalog, data
from redvest.orgs.models import OrgKind, OrgNode
from redvest.records.models import RecordKind, RecordSource, ServiceRecord
from redvest.records.services.ledger import record_append, record_post_attendance
from redvest.teams.models import Membership, MembershipKind, Team, TeamKind
from redvest.volunteers.models import Volunteer, VolunteerStatus

ACTIVITY_COUNT = 260
PAST_DAYS = 210
FUTURE_DAYS = 14
FUTURE_COUNT = 20
BATCH = 1000
# Who runs how much: the specialist, vanguard and grid teams work every week or two, a unit's 支队
# about monthly (its 主题党日), the rest now and then. The demo team runs one activity in twenty.
TEAM_WEIGHTS: dict[str, float] = {
    TeamKind.SPECIALIST: 14.0,
    TeamKind.VANGUARD: 5.0,
    TeamKind.GRID: 5.0,
    TeamKind.FREE: 2.0,
    TeamKind.YOUTH: 2.0,
    TeamKind.FLOATING: 2.0,
    TeamKind.CORPS: 2.0,
    TeamKind.DETACHMENT: 0.6,
}
CORE_TURNOUT = 0.85  # a core member (leader, liaison, backbone) comes to most of the team's activities
HONOUR_REASON = "抗台救灾突出表现，经县委组织部研究授予荣誉时数"


@dataclass
class ActivitySummary:
    activities: int = 0
    signups: int = 0
    attendances: int = 0
    records: list[ServiceRecord] = field(default_factory=list)
    running: Activity | None = None


@dataclass
class Crew:
    """A team as the activities see it: who organises, its core (leader, liaison, backbones, a few
    regulars) and the rest, activity-relation members included."""

    team: Team
    organiser: catalog.Organiser
    core: list[Volunteer]
    others: list[Volunteer]

    @property
    def size(self) -> int:
        return len(self.core) + len(self.others)


def _aware(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _days(rng: random.Random, today: datetime.date) -> list[datetime.date]:
    """Start days: spread over the past, four on each 25th (先锋服务日), more in July, a few ahead."""
    future = [today + datetime.timedelta(days=rng.randint(1, FUTURE_DAYS)) for _ in range(FUTURE_COUNT)]
    past: list[datetime.date] = []
    for back in range(8):
        month = (today.month - back - 1) % 12 + 1
        year = today.year - (1 if month > today.month else 0)
        day = datetime.date(year, month, 25)
        if today - datetime.timedelta(days=PAST_DAYS) <= day < today:
            past += [day] * 4
    july = datetime.date(today.year if today.month > 7 else today.year - 1, 7, 1)
    past += [july + datetime.timedelta(days=rng.randint(0, 30)) for _ in range(10)]
    wanted = ACTIVITY_COUNT - 1 - len(future)
    past += [today - datetime.timedelta(days=rng.randint(2, PAST_DAYS)) for _ in range(max(wanted - len(past), 0))]
    return sorted(past[:wanted] + future)


def _pairings() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(town, community) pairs of the county: urban communities and villages."""
    pairs = [(town, c) for town, communities in data.TOWNS for c in communities]
    return [p for p in pairs if not p[1].endswith("村")], [p for p in pairs if p[1].endswith("村")]


def organiser_for(key: str, team: Team, *, points: set[str]) -> catalog.Organiser:
    """Who runs the team's activities and where, from its plan key (see `roster`)."""
    urban, villages = _pairings()
    kind, _, rest = key.partition(":")
    if kind in ("det", "spec", "van") or (kind == "youth" and rest in data.UNITS):
        unit = rest.split(":")[0]
        domain = team.specialty or catalog.UNIT_DOMAINS.get(unit, "")
        places = villages if domain in catalog.VILLAGE_DOMAINS else urban
        town, where = (
            (data.DEMO_TOWN, data.DEMO_COMMUNITY)
            if unit == data.DEMO_UNIT
            else places[data.UNITS.index(unit) % len(places)]
        )
        point = f"{unit}党员志愿服务点" if f"{unit}党员志愿服务点" in points else f"{unit}办事大厅"
        ideas = {
            "det": catalog.unit_ideas(unit),
            "spec": catalog.unit_ideas(unit, team.specialty),
            "van": catalog.VANGUARD.get(team.name, catalog.UNIT_COMMON),
            "youth": catalog.YOUTH,
        }[kind]
        return catalog.Organiser("unit", unit, where, town, point=point, ideas=ideas)
    if kind == "corps":
        return catalog.Organiser("unit", "县直机关工委", data.DEMO_COMMUNITY, data.DEMO_TOWN, ideas=catalog.CORPS)
    if kind in ("youth", "float"):
        town = rest
        where = dict(data.TOWNS)[town][0]
        ideas = catalog.YOUTH if kind == "youth" else catalog.FLOATING
        name = team.name if team.name.startswith(town) else f"{town}{team.name}"
        return catalog.Organiser("town", name, where, town, ideas=ideas)
    town, _, tail = rest.partition("/")
    community, _, grid = tail.partition("/")
    if kind == "grid":
        return catalog.Organiser("community", team.name, community, town, grid=f"{community}{grid}", ideas=catalog.GRID)
    return catalog.Organiser("community", team.name, community, town, ideas=catalog.FREE[team.name])


def _crews(teams: dict[str, Team]) -> dict[str, Crew]:
    """Every team's crew: organisational members (leader first, then liaison and backbones) as its core
    and others, plus the activity-relation members among the others."""
    rows = list(teams.values())
    members: dict[int, list[Volunteer]] = {t.pk: [] for t in rows}
    guests: dict[int, list[Volunteer]] = {t.pk: [] for t in rows}
    current = Membership.objects.filter(
        team__in=rows, left_at=None, volunteer__status=VolunteerStatus.REGISTERED
    ).select_related("volunteer")
    for m in current.order_by("pk"):
        (members if m.kind == MembershipKind.ORGANISATIONAL else guests)[m.team_id].append(m.volunteer)
    backbones = dict(
        Team.objects.filter(pk__in=[t.pk for t in rows]).annotate(n=Count("backbones")).values_list("pk", "n")
    )
    points = set(OrgNode.objects.filter(kind=OrgKind.SERVICE_POINT).values_list("name", flat=True))
    crews = {}
    for key, team in teams.items():
        own = members[team.pk]
        cut = 2 + backbones.get(team.pk, 0) + 1  # leader, liaison, backbones and one regular
        crews[key] = Crew(
            team=team,
            organiser=organiser_for(key, team, points=points),
            core=own[:cut],
            others=own[cut:] + guests[team.pk],
        )
    return crews


def _idea(rng: random.Random, crew: Crew, day: datetime.date) -> catalog.Idea:
    """The quarter's themed work (in its months) for about a third, where it fits the organiser's trade; else
    what the organiser does."""
    quarter = (day.month - 1) // 3 + 1
    if day.month in catalog.THEME_MONTHS[quarter] and rng.random() < catalog.THEME_SHARE:
        themed = rng.choice(catalog.THEMED[quarter])
        if catalog.themed_fits(crew.organiser, themed):
            return themed
    return rng.choice(crew.organiser.ideas)


def _activity(rng: random.Random, crew: Crew, idea: catalog.Idea, day: datetime.date, actor: User) -> Activity:
    organiser = crew.organiser
    party_day = day.day == 25 or rng.random() < 0.15
    start = _aware(day, rng.choice((8, 9, 13, 14)))
    hours = rng.choice(idea.hours)
    return Activity(
        title=f"{'主题党日·' if party_day else ''}{idea.title}",
        org=crew.team.org,
        category=idea.category,
        mode=ActivityMode.CONCENTRATED if rng.random() < 0.85 else ActivityMode.DISPERSED,
        is_theme_party_day=party_day,
        place=organiser.fill(idea.place),
        latitude=Decimal(f"{30.93 + rng.uniform(-0.08, 0.08):.6f}"),
        longitude=Decimal(f"{119.88 + rng.uniform(-0.12, 0.12):.6f}"),
        start_at=start,
        end_at=start + datetime.timedelta(hours=hours),
        recruit_start=start - datetime.timedelta(days=10),
        recruit_end=start - datetime.timedelta(hours=2),
        quota=rng.choice((10, 12, 15, 20)),
        requires_approval=rng.random() < 0.7,
        description=organiser.fill(idea.description),
        status=ActivityStatus.PUBLISHED,
        published_at=start - datetime.timedelta(days=10),
        checkin_secret=secrets.token_hex(32),
        created_by=actor,
    )


def _running(demo_team: Team, actor: User, now: datetime.datetime) -> Activity:
    start = now.replace(minute=0, second=0, microsecond=0) - datetime.timedelta(hours=1)
    return Activity(
        title="主题党日·金陵社区助老志愿服务",
        org=demo_team.org,
        category=ServiceCategory.ELDERLY_DISABLED,
        mode=ActivityMode.CONCENTRATED,
        is_theme_party_day=True,
        place="金陵社区党群服务中心",
        latitude=Decimal("30.933000"),
        longitude=Decimal("119.880000"),
        geofence_radius_m=500,
        start_at=start,
        end_at=start + datetime.timedelta(hours=5),
        recruit_start=start - datetime.timedelta(days=7),
        recruit_end=start + datetime.timedelta(hours=4),
        quota=20,
        requires_approval=True,
        description="为辖区高龄独居老人上门送餐、打扫卫生、陪伴聊天。可在此演示签到签退。",
        status=ActivityStatus.PUBLISHED,
        published_at=start - datetime.timedelta(days=7),
        checkin_secret=secrets.token_hex(32),
        created_by=actor,
    )


def _pick_crew(rng: random.Random, index: int, crews: list[Crew], demo: Crew) -> Crew:
    if index % 20 == 5:
        return demo
    weights = [TEAM_WEIGHTS[c.team.kind] * (1 + c.size / 40) for c in crews]
    return rng.choices(crews, weights=weights)[0]


def _people(
    rng: random.Random, crew: Crew, quota: int, busy: set[tuple[int, datetime.date]], day: datetime.date
) -> list[Volunteer]:
    """Most of the core and a few others; nobody serves twice on one day."""
    free = [v for v in crew.core if (v.pk, day) not in busy]
    chosen = [v for v in free if rng.random() < CORE_TURNOUT]
    others = [v for v in crew.others if (v.pk, day) not in busy]
    extra = max(0, rng.randint(4, min(quota, 9)) - len(chosen))
    chosen += rng.sample(others, min(extra, len(others)))
    return chosen


def write_activities(
    rng: random.Random,
    *,
    teams: dict[str, Team],
    demo_key: str,
    demo_people: list[Volunteer],
    actor: User,
    root: OrgNode,
) -> ActivitySummary:
    """`demo_people`: the demo logins' volunteers (the last one plain), who take part in the demo team's work."""
    demo_volunteer = demo_people[-1]
    now = timezone.now()
    today = timezone.localdate()
    out = ActivitySummary()
    crews = _crews(teams)
    demo = crews[demo_key]
    demo.core = [*demo_people, *(v for v in demo.core if v not in demo_people)]
    demo.others = [v for v in demo.others if v not in demo_people]
    busy_crews = [c for k, c in crews.items() if k != demo_key and c.size >= 5]
    plans: list[tuple[Activity, Crew, catalog.Idea]] = []
    for index, day in enumerate(_days(rng, today)):
        crew = _pick_crew(rng, index, busy_crews, demo)
        idea = _idea(rng, crew, day)
        plans.append((_activity(rng, crew, idea, day, actor), crew, idea))
    running = _running(demo.team, actor, now)
    plans.append((running, demo, catalog.DOMAIN["elderly"][0]))
    risky = _mark_risky(plans, demo, now)
    Activity.objects.bulk_create([a for a, _, _ in plans], batch_size=BATCH)
    through = Activity.teams.through
    through.objects.bulk_create([through(activity_id=a.pk, team_id=c.team.pk) for a, c, _ in plans], batch_size=BATCH)
    out.activities, out.running = len(plans), running

    signups: list[SignUp] = []
    stays: list[Attendance] = []
    busy: set[tuple[int, datetime.date]] = set()
    for activity, crew, _ in plans:
        day = timezone.localtime(activity.start_at).date()
        chosen = _people(rng, crew, activity.quota, busy, day)
        if crew is demo:
            chosen = [*demo_people, *(v for v in chosen if v not in demo_people)]
        past = activity.end_at < now
        for v in chosen:
            status = SignUpStatus.APPROVED if past or rng.random() < 0.8 else SignUpStatus.PENDING
            if activity is running and v == demo_volunteer:
                status = SignUpStatus.APPROVED
            decided = status == SignUpStatus.APPROVED and activity.requires_approval
            signups.append(
                SignUp(
                    activity=activity,
                    volunteer=v,
                    status=status,
                    decided_by=actor if decided else None,
                    decided_at=activity.recruit_end if decided else None,
                )
            )
            # Past: almost everyone approved came; the first few always (an activity is never empty).
            if past and (len(stays) == 0 or stays[-1].activity is not activity or rng.random() < 0.9):
                stays.append(_stay(rng, activity, v))
                busy.add((v.pk, day))
    SignUp.objects.bulk_create(signups, batch_size=BATCH)
    if risky is not None:
        _insure(risky, [s for s in signups if s.activity is risky], keep=demo_people, actor=actor)
    Attendance.objects.bulk_create(stays, batch_size=BATCH)
    out.signups, out.attendances = len(signups), len(stays)
    # Each closed stay becomes credit minutes through the ledger service (entry + totals + points + audit).
    out.records = [record_post_attendance(actor=actor, attendance=s) for s in stays]
    _themes(actor=actor, root=root, days=[timezone.localtime(a.start_at).date() for a, _, _ in plans])
    came: dict[int, int] = {}
    for s in stays:
        came[s.activity_id] = came.get(s.activity_id, 0) + 1
    _outcomes(rng, [(a, i) for a, _, i in plans if a.end_at < now], came=came, actor=actor, root=root)
    return out


def _mark_risky(
    plans: list[tuple[Activity, Crew, catalog.Idea]], demo: Crew, now: datetime.datetime
) -> Activity | None:
    """The demo team's next concentrated activity is marked 有风险 (its insurance and agreements: `_insure`)."""
    for activity, crew, _ in sorted(plans, key=lambda p: p[0].start_at):
        if crew is demo and activity.start_at > now and activity.mode == ActivityMode.CONCENTRATED:
            activity.has_risk = True
            activity.risk_description = "涉及道路或临水作业，须穿戴反光背心、听从现场安全员指挥"
            return activity
    return None


def _insure(activity: Activity, signups: list[SignUp], *, keep: list[Volunteer], actor: User) -> None:
    """The approved volunteers accepted the risky-activity agreement; the policy names all but one of them
    (not a demo login), so the organiser's to-do shows a volunteer still to insure."""
    approved = [s for s in signups if s.status == SignUpStatus.APPROVED]
    template = AgreementTemplate.objects.filter(kind=AgreementKind.RISKY).order_by("-id").first()
    if template is not None:
        AgreementAcceptance.objects.bulk_create(
            [AgreementAcceptance(signup=s, template=template, accepted_at=activity.recruit_start) for s in approved]
        )
    left_out = next((s.volunteer for s in reversed(approved) if s.volunteer not in keep), None)
    policy = InsurancePolicy.objects.create(
        activity=activity,
        insurer="中国人民财产保险股份有限公司长兴支公司",
        policy_number="PICC-CX-2026-0318",
        cover_start=activity.start_at - datetime.timedelta(hours=1),
        cover_end=activity.end_at + datetime.timedelta(hours=1),
        created_by=actor,
    )
    policy.insured_volunteers.set([s.volunteer for s in approved if s.volunteer != left_out])


def _themes(*, actor: User, root: OrgNode, days: list[datetime.date]) -> None:
    """The county's theme for every quarter the activities fall in (the activities link to it)."""
    for year, quarter in sorted({(d.year, (d.month - 1) // 3 + 1) for d in days}):
        _tag, title, description = catalog.THEMES[quarter]
        theme_set(actor=actor, org=root, year=year, quarter=quarter, title=title, description=description)


def _stay(rng: random.Random, activity: Activity, volunteer: Volunteer) -> Attendance:
    check_in = activity.start_at + datetime.timedelta(minutes=rng.randint(-20, 15))
    check_out = activity.end_at + datetime.timedelta(minutes=rng.randint(-30, 10))
    proxy = rng.random() < 0.1
    return Attendance(
        activity=activity,
        volunteer=volunteer,
        check_in_at=check_in,
        check_out_at=check_out,
        check_in_method=AttendanceMethod.PROXY if proxy else rng.choice((AttendanceMethod.CODE, AttendanceMethod.QR)),
        check_out_method=AttendanceMethod.CODE,
        check_in_lat=activity.latitude,
        check_in_lng=activity.longitude,
        check_in_distance_m=rng.randint(5, 200),
        status=AttendanceStatus.CLOSED,
        proxy_reason="手机没电，由负责人代签" if proxy else "",
    )


def _outcomes(
    rng: random.Random,
    past: list[tuple[Activity, catalog.Idea]],
    *,
    came: dict[int, int],
    actor: User,
    root: OrgNode,
) -> None:
    """Every finished activity's 成效 through the outcome service: people served as the work implies,
    problems found and solved, and the tallies its kind of work counts."""
    tallies = {
        name: tally_category_create(actor=actor, org=root, name=name, unit=unit)
        for name, unit in catalog.TALLY_UNITS.items()
    }
    for activity, idea in past:
        low, high = idea.served
        found = rng.randint(0, 4)
        people = came.get(activity.pk, 0)
        served = rng.randint(low, high) if high else 0
        outcome_save(
            actor=actor,
            activity=activity,
            data=OutcomeData(
                sessions=1,
                beneficiaries=served,
                problems_found=found,
                problems_solved=rng.randint(max(0, found - 1), found),
                summary=f"{people}名志愿者参加" + (f"，服务群众{served}人。" if served else "。"),
                tallies={tallies[name].pk: _tally(rng, name, people) for name in idea.tallies},
            ),
        )


def _tally(rng: random.Random, name: str, people: int) -> int:
    per_person = {"清理垃圾": (5, 20), "巡逻": (1, 1), "劝导": (3, 12), "入户宣传": (4, 10)}[name]
    if name == "巡逻":
        return rng.randint(1, 3)
    return people * rng.randint(*per_person)


def grant_honours(rng: random.Random, *, volunteers: list[Volunteer], actor: User) -> list[ServiceRecord]:
    """A few 荣誉时数 straight through the ledger's append (the grant service wants an uploaded file)."""
    today = timezone.localdate()
    return [
        record_append(
            actor=actor,
            volunteer=v,
            kind=RecordKind.HONOUR,
            source=RecordSource.HONOUR,
            category=ServiceCategory.EMERGENCY,
            minutes=rng.choice((240, 480, 600)),
            served_on=today - datetime.timedelta(days=rng.randint(30, 150)),
            reason=HONOUR_REASON,
        )
        for v in rng.sample(volunteers, 5)
    ]
