"""Demo activities: ~120 over the last seven months and the next two weeks, with sign-ups, attendance,
credit records (through the records service, so totals stay consistent), outcomes and tallies.

Rows whose only invariants are their own (activities, sign-ups, attendance, outcomes) are bulk inserted;
every service-time entry goes through `record_post_attendance` / `record_append`, which move the totals.
Dates are counted from the day of the seed run so that one activity is always running "now".
"""

from __future__ import annotations

import datetime
import random
import secrets
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from redvest.accounts.models import User
from redvest.activities.models import (
    Activity,
    ActivityMode,
    ActivityOutcome,
    ActivityStatus,
    ActivityTally,
    Attendance,
    AttendanceMethod,
    AttendanceStatus,
    ServiceCategory,
    SignUp,
    SignUpStatus,
    TallyCategory,
)
from redvest.activities.services.outcomes import theme_set
from redvest.orgs.models import OrgNode
from redvest.records.models import RecordKind, RecordSource, ServiceRecord
from redvest.records.services.ledger import record_append, record_post_attendance
from redvest.teams.models import Membership, MembershipKind, Team
from redvest.volunteers.models import Volunteer, VolunteerStatus

ACTIVITY_COUNT = 120
PAST_DAYS = 210
FUTURE_DAYS = 14
BATCH = 1000
TITLES: dict[str, tuple[str, ...]] = {
    ServiceCategory.COMMUNITY: ("社区楼道清理", "小区车辆规范停放劝导", "便民服务进社区"),
    ServiceCategory.ELDERLY_DISABLED: ("走访慰问独居老人", "助老理发义剪", "残疾人家庭结对帮扶"),
    ServiceCategory.ENVIRONMENT: ("太湖岸线垃圾清理", "河道巡查护水", "垃圾分类宣传指导"),
    ServiceCategory.CULTURE_EDUCATION: ("红色故事宣讲", "四点半课堂辅导", "农家书屋图书整理"),
    ServiceCategory.HEALTH: ("义诊进村", "健康知识讲座", "无偿献血引导服务"),
    ServiceCategory.SAFETY: ("平安巡防", "反诈宣传进社区", "消防安全隐患排查"),
    ServiceCategory.LEGAL: ("法律咨询服务", "民法典宣讲"),
    ServiceCategory.CIVILISATION: ("文明交通劝导", "文明城市创建入户宣传"),
}
PLACES = ("金陵社区党群服务中心", "长兴县图书馆", "龙山街道新时代文明实践站", "太湖图影湿地", "雉城街道广场")
TALLIES = (("清理垃圾", "千克"), ("巡逻", "次"), ("劝导", "人次"), ("入户宣传", "户"))
THEME_TITLE = "党员先锋冬季暖心行动"
HONOUR_REASON = "抗台救灾突出表现，经县委组织部研究授予荣誉时数"


@dataclass
class ActivitySummary:
    activities: int = 0
    signups: int = 0
    attendances: int = 0
    records: list[ServiceRecord] = field(default_factory=list)
    running: Activity | None = None


def _aware(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _days(rng: random.Random, today: datetime.date) -> list[datetime.date]:
    """Start days: mostly spread over the past, some on the 25th (先锋服务日), some in July, a few ahead."""
    days = [today - datetime.timedelta(days=rng.randint(2, PAST_DAYS)) for _ in range(80)]
    for back in range(7):
        month = (today.month - back - 1) % 12 + 1
        year = today.year - (1 if month > today.month else 0)
        day = datetime.date(year, month, 25)
        if day < today:
            days += [day, day]
    july = datetime.date(today.year if today.month > 7 else today.year - 1, 7, 1)
    days += [july + datetime.timedelta(days=rng.randint(0, 30)) for _ in range(6)]
    future = ACTIVITY_COUNT - 1 - len(days)
    days += [today + datetime.timedelta(days=rng.randint(1, FUTURE_DAYS)) for _ in range(max(future, 0))]
    return sorted(days[: ACTIVITY_COUNT - 1])


def _roster(teams: list[Team]) -> dict[int, list[Volunteer]]:
    members: dict[int, list[Volunteer]] = {t.pk: [] for t in teams}
    current = Membership.objects.filter(
        team__in=teams, left_at=None, kind=MembershipKind.ORGANISATIONAL, volunteer__status=VolunteerStatus.REGISTERED
    ).select_related("volunteer")
    for m in current.order_by("pk"):
        members[m.team_id].append(m.volunteer)
    return members


def _activity(rng: random.Random, team: Team, start: datetime.datetime, hours: int, actor: User) -> Activity:
    category = rng.choice(list(TITLES))
    party_day = start.day == 25 or rng.random() < 0.15
    title = rng.choice(TITLES[category])
    return Activity(
        title=f"{'主题党日·' if party_day else ''}{title}",
        org=team.org,
        category=category,
        mode=ActivityMode.CONCENTRATED if rng.random() < 0.85 else ActivityMode.DISPERSED,
        is_theme_party_day=party_day,
        place=rng.choice(PLACES),
        latitude=Decimal(f"{30.93 + rng.uniform(-0.08, 0.08):.6f}"),
        longitude=Decimal(f"{119.88 + rng.uniform(-0.12, 0.12):.6f}"),
        start_at=start,
        end_at=start + datetime.timedelta(hours=hours),
        recruit_start=start - datetime.timedelta(days=10),
        recruit_end=start - datetime.timedelta(hours=2),
        quota=rng.choice((10, 15, 20, 30)),
        requires_approval=rng.random() < 0.7,
        description=f"{team.name}组织开展{title}志愿服务。",
        status=ActivityStatus.PUBLISHED,
        published_at=start - datetime.timedelta(days=10),
        checkin_secret=secrets.token_hex(32),
        created_by=actor,
    )


def _running(demo_team: Team, actor: User, now: datetime.datetime) -> Activity:
    start = now.replace(minute=0, second=0, microsecond=0) - datetime.timedelta(hours=1)
    return Activity(
        title="主题党日·金陵社区助老志愿服务（进行中）",
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


def write_activities(
    rng: random.Random,
    *,
    teams: list[Team],
    demo_team: Team,
    demo_people: list[Volunteer],
    actor: User,
    root: OrgNode,
) -> ActivitySummary:
    """`demo_people`: the demo logins' volunteers (the last one plain), who take part in the demo team's work."""
    demo_volunteer = demo_people[-1]
    now = timezone.now()
    today = timezone.localdate()
    out = ActivitySummary()
    rosters = _roster(teams)
    busy = [t for t in teams if len(rosters[t.pk]) >= 5]
    plans: list[tuple[Activity, Team]] = []
    for index, day in enumerate(_days(rng, today)):
        team = demo_team if index % 20 == 5 else rng.choice(busy)
        plans.append(
            (_activity(rng, team, _aware(day, rng.choice((8, 9, 13, 14))), rng.choice((2, 3, 4)), actor), team)
        )
    running = _running(demo_team, actor, now)
    plans.append((running, demo_team))
    Activity.objects.bulk_create([a for a, _ in plans], batch_size=BATCH)
    through = Activity.teams.through
    through.objects.bulk_create([through(activity_id=a.pk, team_id=t.pk) for a, t in plans], batch_size=BATCH)
    out.activities, out.running = len(plans), running

    signups: list[SignUp] = []
    stays: list[Attendance] = []
    for activity, team in plans:
        pool = rosters[team.pk]
        chosen = rng.sample(pool, min(len(pool), rng.randint(5, min(activity.quota, 14))))
        if team == demo_team:
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
            if past and rng.random() < 0.9:
                stays.append(_stay(rng, activity, v))
    SignUp.objects.bulk_create(signups, batch_size=BATCH)
    Attendance.objects.bulk_create(stays, batch_size=BATCH)
    out.signups, out.attendances = len(signups), len(stays)
    # Each closed stay becomes credit minutes through the ledger service (entry + totals + audit).
    out.records = [record_post_attendance(actor=actor, attendance=s) for s in stays]
    _outcomes(rng, [a for a, _ in plans if a.end_at < now], actor=actor, root=root)
    theme_set(
        actor=actor,
        org=root,
        year=today.year,
        quarter=(today.month - 1) // 3 + 1,
        title=THEME_TITLE,
        description="围绕助老、护水、平安三件实事，每支服务队本季度至少开展两次集中服务。",
    )
    return out


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


def _outcomes(rng: random.Random, past: list[Activity], *, actor: User, root: OrgNode) -> None:
    categories = TallyCategory.objects.bulk_create([TallyCategory(org=root, name=n, unit=u) for n, u in TALLIES])
    reported = [a for a in past if rng.random() < 0.6]
    ActivityOutcome.objects.bulk_create(
        [
            ActivityOutcome(
                activity=a,
                beneficiaries=rng.randint(10, 120),
                problems_found=(found := rng.randint(0, 6)),
                problems_solved=rng.randint(0, found),
                summary=f"{a.title}顺利完成，群众反映良好。",
                updated_by=actor,
            )
            for a in reported
        ]
    )
    ActivityTally.objects.bulk_create(
        [
            ActivityTally(activity=a, category=c, value=rng.randint(5, 80))
            for a in reported
            for c in rng.sample(categories, rng.randint(1, 2))
        ]
    )


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
