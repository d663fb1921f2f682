"""Demo publicity: public commitments of a few hundred volunteers (社区、村、企业) with follow-ups, ten
published exemplars with small generated photos, and twenty training sessions with attendance.

The demo volunteer's own commitment goes through the service (as on their phone); the bulk history
(commitments, back-dated follow-ups, enrolments and marks) is written directly, as the services would
write it, so seeding stays quick. Training minutes never become service records.
"""

from __future__ import annotations

import datetime
import io
import random
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils import timezone

from redvest.accounts.models import User
from redvest.orgs.models import OrgKind, OrgNode
from redvest.publicity.models import (
    AttendanceMark,
    Commitment,
    CommitmentFollowUp,
    CommitmentSetting,
    CommitmentStatus,
    Enrolment,
    Exemplar,
    ExemplarPhoto,
    ExemplarStatus,
    TargetKind,
    TrainingCategory,
    TrainingSession,
)
from redvest.publicity.services import CommitmentData, commitment_create
from redvest.volunteers.models import Volunteer, VolunteerStatus

COMMITMENTS = 300
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
STORIES = (
    ("带头清理小区垃圾的老党员", "社区党员志愿者带头清理小区垃圾，美化小区环境，带动楼道居民一起参与创卫。"),
    ("致富路上的领头雁", "农村党员志愿者带头发展特色种植，与五户困难群众结对，手把手传授技术。"),
    ("车间里的攻坚手", "企业党员志愿者带头攻坚克难，为企业转型升级出谋划策，攻克技术难关三项。"),
    ("96345热线背后的守夜人", "热线志愿者坚守夜班，及时响应群众求助，一年受理诉求上百件。"),
    ("空巢老人的贴心人", "结对帮扶空巢老人，每周上门问候，帮助打扫卫生、代购生活用品。"),
    ("河道保洁的坚守者", "常年参与河道保洁，劝导不文明行为，守护一河清水。"),
    ("法律援助进社区", "党员律师志愿者定期进社区开展法律咨询，调解邻里纠纷。"),
    ("爱心接力的传递者", "组织爱心接力服务队，为困难学生开展助学和课业辅导。"),
    ("红色代办员", "在便民服务中心为群众代办社保、民政等事项，让群众少跑腿。"),
    ("应急救护的播种人", "持证救护员志愿者走进社区和企业，普及心肺复苏和急救知识。"),
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


def _setting_for(node: OrgNode) -> str:
    if node.kind == OrgKind.UNIT:
        return CommitmentSetting.ENTERPRISE
    if node.name.endswith("村"):
        return CommitmentSetting.VILLAGE
    return CommitmentSetting.COMMUNITY


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
        Volunteer.objects.filter(status=VolunteerStatus.REGISTERED, org__path__startswith=root.path)
        .exclude(pk=demo_volunteer.pk)
        .select_related("org")
        .only("id", "name", "org__name", "org__kind", "org__path")
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
    chosen = rng.sample(pool, min(COMMITMENTS, len(pool)))
    rows = []
    for volunteer in chosen:
        setting = _setting_for(volunteer.org)
        kind = rng.choice((TargetKind.NONE, TargetKind.MINUTES, TargetKind.ACTIVITIES))
        value = {TargetKind.MINUTES: rng.choice((12, 24, 48)) * 60, TargetKind.ACTIVITIES: rng.choice((6, 12, 24))}
        rows.append(
            Commitment(
                volunteer=volunteer,
                year=year,
                setting=setting,
                text=rng.choice(TEXTS[CommitmentSetting(setting)]),
                target_kind=kind,
                target_value=value.get(kind),
                created_by=admin,
            )
        )
    commitments = Commitment.objects.bulk_create(rows)
    follow_ups = []
    first_half = datetime.date(year, 6, 30) if today > datetime.date(year, 6, 30) else today
    for c in commitments:
        if rng.random() < 0.5:
            continue
        follow_ups.append(
            CommitmentFollowUp(
                commitment=c, status=CommitmentStatus.ONGOING, note=NOTES[0], followed_on=first_half, actor=admin
            )
        )
        if rng.random() < 0.4:
            status = CommitmentStatus.FULFILLED if rng.random() < 0.8 else CommitmentStatus.UNFULFILLED
            note = NOTES[2] if status == CommitmentStatus.FULFILLED else NOTES[3]
            follow_ups.append(
                CommitmentFollowUp(commitment=c, status=status, note=note, followed_on=today, actor=admin)
            )
    CommitmentFollowUp.objects.bulk_create(follow_ups)
    latest = {f.commitment_id: f for f in follow_ups}  # the later row of a commitment comes last
    for c in commitments:
        if c.pk in latest:
            c.status, c.followed_up_on = latest[c.pk].status, latest[c.pk].followed_on
    Commitment.objects.bulk_update([c for c in commitments if c.pk in latest], ["status", "followed_up_on"])
    exemplars = _write_exemplars(rng, admin=admin, chosen=chosen, today=today)
    sessions, marks = _write_training(rng, admin=admin, root=root, pool=pool + [demo_volunteer], today=today)
    return PublicitySummary(
        commitments=len(commitments) + 1,
        follow_ups=len(follow_ups),
        exemplars=exemplars,
        sessions=sessions,
        marks=marks,
    )


def _write_exemplars(rng: random.Random, *, admin: User, chosen: list[Volunteer], today: datetime.date) -> int:
    now = timezone.now()
    for i, (title, body) in enumerate(STORIES):
        person = chosen[i * 7 % len(chosen)]
        exemplar = Exemplar.objects.create(
            title=title,
            body=body,
            org=person.org,
            status=ExemplarStatus.PUBLISHED,
            created_by=admin,
            submitted_at=now - datetime.timedelta(days=40 - i),
            published_at=now - datetime.timedelta(days=30 - i),
            published_by=admin,
        )
        exemplar.volunteers.add(person)
        for order in range(1 + i % 2):
            ExemplarPhoto.objects.create(
                exemplar=exemplar,
                image=ContentFile(_png(rng), name=f"exemplar-{i}-{order}.png"),
                caption=("服务现场", "与群众在一起")[order],
                order=order,
            )
    return len(STORIES)


def _write_training(
    rng: random.Random, *, admin: User, root: OrgNode, pool: list[Volunteer], today: datetime.date
) -> tuple[int, int]:
    towns = list(OrgNode.objects.filter(path__startswith=root.path, kind=OrgKind.TOWN).order_by("path")[:10]) or [root]
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
