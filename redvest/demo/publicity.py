"""Demo publicity: public commitments of a few hundred volunteers with follow-ups, ten published
exemplars with small generated photos, and twenty training sessions with attendance.

Each commitment's setting (社区、村、企业, seed 002) and text follow where the volunteer serves; each
exemplar's story is told of a party member it fits (a 供电公司 story of a 供电公司 member). Commitments,
follow-ups and exemplars (created, submitted, published, back-dated) go through the services; training
enrolments and marks are written directly, as the services would write them. Training minutes never
become service records.
"""

from __future__ import annotations

import datetime
import io
import random
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from redvest.accounts.models import User
from redvest.orgs.models import OrgKind, OrgNode
from redvest.orgs.selectors import in_subtree_q
from redvest.publicity.models import (
    AttendanceMark,
    CommitmentSetting,
    CommitmentStatus,
    Enrolment,
    TargetKind,
    TrainingCategory,
    TrainingSession,
)
from redvest.publicity.services import (
    CommitmentData,
    commitment_create,
    commitment_follow_up,
)
from redvest.publicity.services.exemplars import (
    ExemplarData,
    PhotoIn,
    exemplar_create,
    exemplar_publish,
    exemplar_submit,
)
from redvest.volunteers.models import PoliticalStatus, Volunteer, VolunteerStatus

COMMITMENTS = 300
UNIT_KINDS = frozenset({OrgKind.UNIT, OrgKind.ORG_DEPT})
TEXTS = {
    CommitmentSetting.COMMUNITY: (
        "每月参加两次社区志愿服务",
        "做好楼道卫生保洁，维护社区和谐稳定",
        "结对帮扶一户困难家庭",
        "每周参加一次治安巡防",
        "帮助下岗人员再就业，提供就业信息",
    ),
    CommitmentSetting.VILLAGE: (
        "带头创业致富，帮扶两户困难党员群众",
        "每季度为村民开展一次农技指导",
        "参加河道保洁，守护美丽乡村",
        "维护农村稳定，调解邻里纠纷",
    ),
    CommitmentSetting.ENTERPRISE: (
        "为企业转型升级提一条金点子",
        "帮助困难职工解决实际困难",
        "参与社会公益活动不少于四次",
        "带头攻克一项技术难关",
    ),
}
NOTES = ("已按计划参加服务", "群众反映良好", "已完成年度目标", "因工作调动未能按期完成", "服务记录核实无误")
# Exemplars (典型, seed 002) and whose story each can be: ("community",) a resident party member of a
# community, ("village",) a rural one, ("enterprise",) one working in a company, ("unit", name) a member
# of that county-level unit.
STORIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "带头清理小区垃圾的老党员",
        "社区党员志愿者带头清理小区垃圾，美化小区环境，带动楼道居民一起参与创卫。",
        ("community",),
    ),
    (
        "致富路上的领头雁",
        "农村党员志愿者带头发展特色种植，与五户困难群众结对，手把手传授技术。",
        ("village",),
    ),
    (
        "车间里的攻坚手",
        "企业党员志愿者带头攻坚克难，为企业转型升级出谋划策，攻克技术难关三项。",
        ("enterprise",),
    ),
    (
        "铁军先锋电力抢修人",
        "供电公司党员志愿者常年上门为困难家庭检修线路、更换老化插座，风雨无阻。",
        ("unit", "国网长兴县供电公司"),
    ),
    (
        "空巢老人的贴心人",
        "民政干部党员志愿者结对帮扶空巢老人，每周上门问候，帮助打扫卫生、代购生活用品。",
        ("unit", "县民政局"),
    ),
    (
        "河道保洁的坚守者",
        "水利党员志愿者常年参与治水剿劣，巡河护水、劝导不文明行为，守护一河清水。",
        ("unit", "县水利局"),
    ),
    (
        "法律援助进社区",
        "司法行政党员志愿者定期进社区开展法律咨询，调解邻里纠纷。",
        ("unit", "县司法局"),
    ),
    (
        "爱心接力的传递者",
        "红十字会党员志愿者常年参加无偿献血，动员身边党员加入造血干细胞捐献志愿者库。",
        ("unit", "县红十字会"),
    ),
    (
        "红色代办员",
        "审批窗口党员志愿者为群众代办社保、民政等事项，让群众少跑腿。",
        ("unit", "县行政审批局"),
    ),
    (
        "应急救护的播种人",
        "应急管理党员志愿者走进社区和企业，普及心肺复苏和急救知识。",
        ("unit", "县应急管理局"),
    ),
)
SESSIONS = (
    ("志愿服务基础知识", TrainingCategory.THEORY),
    ("应急救护与心肺复苏", TrainingCategory.FIRST_AID),
    ("96345热线受理规范", TrainingCategory.SKILLS),
    ("红色代办业务培训", TrainingCategory.SKILLS),
    ("消防安全知识", TrainingCategory.SAFETY),
)


@dataclass
class PublicitySummary:
    commitments: int
    follow_ups: int
    exemplars: int
    sessions: int
    marks: int


def is_enterprise(volunteer: Volunteer) -> bool:
    """Works in a company (长兴县某…有限公司) and is organised where they live, not in a county unit."""
    return "公司" in volunteer.work_unit and volunteer.org.kind not in UNIT_KINDS


def is_rural(volunteer: Volunteer) -> bool:
    """Lives and works in a village (a villager working in a company commits in the enterprise)."""
    return (
        volunteer.org.kind not in UNIT_KINDS
        and not is_enterprise(volunteer)
        and (volunteer.work_unit == "村民委员会" or volunteer.org.name.endswith("村"))
    )


def setting_for(volunteer: Volunteer) -> str:
    """Seed 002's three settings: a county-unit party member commits in the community they serve
    (在职党员进社区); a company worker in the enterprise; a villager in the village; the rest in the community."""
    if is_enterprise(volunteer):
        return CommitmentSetting.ENTERPRISE
    if is_rural(volunteer):
        return CommitmentSetting.VILLAGE
    return CommitmentSetting.COMMUNITY


def fits_story(volunteer: Volunteer, who: tuple[str, ...]) -> bool:
    """Whether the volunteer can be the person of a story (see STORIES)."""
    org = volunteer.org
    if who[0] == "unit":
        return org.kind == OrgKind.UNIT and org.name == who[1]
    if who[0] == "enterprise":
        return is_enterprise(volunteer)
    if who[0] == "village":
        return is_rural(volunteer)
    return org.kind in (OrgKind.COMMUNITY, OrgKind.GRID) and not is_enterprise(volunteer) and not is_rural(volunteer)


def _png(rng: random.Random) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    colour = (rng.randint(150, 230), rng.randint(20, 80), rng.randint(20, 80))
    Image.new("RGB", (64, 48), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def write_publicity(
    rng: random.Random, *, admin: User, root: OrgNode, demo_volunteer: Volunteer, today: datetime.date | None = None
) -> PublicitySummary:
    """Write the demo publicity data (admin: an org admin at the county root)."""
    today = today or timezone.localdate()
    year = today.year
    pool = list(
        Volunteer.objects.filter(in_subtree_q("org__path", root.path), status=VolunteerStatus.REGISTERED)
        .exclude(pk=demo_volunteer.pk)
        .select_related("org")
        .only("id", "name", "work_unit", "political_status", "org__name", "org__kind", "org__path")
        .order_by("id")
    )
    if not pool:
        return PublicitySummary(0, 0, 0, 0, 0)
    # The demo volunteer commits on "their phone" through the service (with a measurable target).
    commitment_create(
        actor=demo_volunteer.user or admin,
        volunteer=demo_volunteer,
        data=CommitmentData(
            year=year,
            setting=CommitmentSetting.COMMUNITY,
            text=TEXTS[CommitmentSetting.COMMUNITY][0],
            target_kind=TargetKind.MINUTES,
            target_value=24 * 60,
        ),
        today=today,
    )
    # Everyone organised where they live (communities, villages, towns) and county-unit members to 300.
    local = [v for v in pool if v.org.kind not in UNIT_KINDS]
    in_units = [v for v in pool if v.org.kind in UNIT_KINDS]
    chosen = local + rng.sample(in_units, max(0, min(COMMITMENTS - len(local), len(in_units))))
    commitments = []
    for volunteer in chosen:
        setting = setting_for(volunteer)
        kind = rng.choice((TargetKind.NONE, TargetKind.MINUTES, TargetKind.ACTIVITIES))
        value = {TargetKind.MINUTES: rng.choice((12, 24, 48)) * 60, TargetKind.ACTIVITIES: rng.choice((6, 12, 24))}
        data = CommitmentData(
            year=year,
            setting=setting,
            text=rng.choice(TEXTS[CommitmentSetting(setting)]),
            target_kind=kind,
            target_value=value.get(kind),
        )
        commitments.append(commitment_create(actor=admin, volunteer=volunteer, data=data, today=today))
    # Follow-ups by the county admin: half checked at mid-year, some of those judged since.
    follow_ups = 0
    first_half = datetime.date(year, 6, 30) if today > datetime.date(year, 6, 30) else today
    for c in commitments:
        if rng.random() < 0.5:
            continue
        commitment_follow_up(
            actor=admin,
            commitment=c,
            status=CommitmentStatus.ONGOING,
            note=NOTES[0],
            followed_on=first_half,
            today=today,
        )
        follow_ups += 1
        if rng.random() < 0.4:
            status = CommitmentStatus.FULFILLED if rng.random() < 0.8 else CommitmentStatus.UNFULFILLED
            note = NOTES[2] if status == CommitmentStatus.FULFILLED else NOTES[3]
            commitment_follow_up(actor=admin, commitment=c, status=status, note=note, followed_on=today, today=today)
            follow_ups += 1
    exemplars = _write_exemplars(rng, admin=admin, pool=pool, today=today)
    sessions, marks = _write_training(rng, admin=admin, root=root, pool=pool + [demo_volunteer], today=today)
    return PublicitySummary(
        commitments=len(commitments) + 1,
        follow_ups=follow_ups,
        exemplars=exemplars,
        sessions=sessions,
        marks=marks,
    )


def _write_exemplars(rng: random.Random, *, admin: User, pool: list[Volunteer], today: datetime.date) -> int:
    """Each story told of a party member it fits (a story with nobody to fit it is left out)."""
    now = timezone.now()
    party = [v for v in pool if v.political_status in (PoliticalStatus.PARTY_MEMBER, PoliticalStatus.PROBATIONARY)]
    written = 0
    for i, (title, body, who) in enumerate(STORIES):
        fitting = [v for v in party if fits_story(v, who)]
        if not fitting:
            continue
        person = rng.choice(fitting)
        written += 1
        photos = [
            PhotoIn(
                file=SimpleUploadedFile(f"exemplar-{i}-{order}.png", _png(rng), content_type="image/png"),
                caption=("服务现场", "与群众在一起")[order],
            )
            for order in range(1 + i % 2)
        ]
        exemplar = exemplar_create(
            actor=admin,
            org=person.org,
            data=ExemplarData(title=title, body=body, volunteer_ids=[person.pk], photos=photos),
        )
        exemplar = exemplar_submit(actor=admin, exemplar=exemplar, now=now - datetime.timedelta(days=40 - i))
        exemplar_publish(actor=admin, exemplar=exemplar, now=now - datetime.timedelta(days=30 - i))
    return written


def _write_training(
    rng: random.Random, *, admin: User, root: OrgNode, pool: list[Volunteer], today: datetime.date
) -> tuple[int, int]:
    towns = list(OrgNode.objects.filter(in_subtree_q("path", root.path), kind=OrgKind.TOWN).order_by("path")[:10]) or [
        root
    ]
    tz = timezone.get_current_timezone()
    sessions = []
    for i in range(20):
        title, category = SESSIONS[i % len(SESSIONS)]
        day = today - datetime.timedelta(days=7 * (19 - i) - 14)  # the last two in the coming fortnight
        start = datetime.datetime.combine(day, datetime.time(9 if i % 2 else 14), tzinfo=tz)
        sessions.append(
            TrainingSession(
                title=f"{title}（第{i // len(SESSIONS) + 1}期）",
                org=root if i % 4 == 0 else towns[i % len(towns)],
                category=category,
                trainer=rng.choice(("县委党校王老师", "红十字会李老师", "96345中心陈主任", "消防救援站张队长")),
                place=rng.choice(("县党群服务中心", "镇街便民服务中心", "社区活动室")),
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=2),
                minutes=rng.choice((90, 120)),
                capacity=40,
                created_by=admin,
            )
        )
    sessions = TrainingSession.objects.bulk_create(sessions)
    demo = pool[-1]
    enrolments = []
    for i, s in enumerate(sessions):
        people = rng.sample(pool[:-1], min(25, len(pool) - 1))
        if i % 3 == 0:
            people.append(demo)
        enrolments += [Enrolment(session=s, volunteer=v, enrolled_by=admin) for v in people]
    enrolments = Enrolment.objects.bulk_create(enrolments)
    now = timezone.now()
    by_session = {s.pk: s for s in sessions}
    firsts = [
        AttendanceMark(
            enrolment=e,
            volunteer_id=e.volunteer_id,
            session_id=e.session_id,
            attended=rng.random() < 0.85,
            marked_by=admin,
        )
        for e in enrolments
        if by_session[e.session_id].ends_at < now
    ]
    firsts = AttendanceMark.objects.bulk_create(firsts)
    # A few late corrections: new rows referencing the first mark, with a reason.
    corrections = [
        AttendanceMark(
            enrolment_id=m.enrolment_id,
            volunteer_id=m.volunteer_id,
            session_id=m.session_id,
            attended=not m.attended,
            corrects=m,
            reason="核对签到表后更正",
            marked_by=admin,
        )
        for m in firsts[::40]
    ]
    AttendanceMark.objects.bulk_create(corrections)
    return len(sessions), len(firsts) + len(corrections)
