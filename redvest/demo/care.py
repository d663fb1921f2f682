"""Demo care pairing: ~80 people in need across the county's communities, paired with volunteers and
teams of their town (some one-to-many), visits over the past months, several overdue, consent and
health data for some. The demo volunteer and the demo team's leader get people of their own.

People, consents, health data and pairings go through the care services; the back-dated visit history
is written in bulk (the visit service takes only the last 60 days), with each visit's due date and the
pairing's next due date computed as the service would.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.utils import timezone

from redvest.accounts.models import User
from redvest.care import services
from redvest.care.models import CareCategory, CarePairing, CareVisit, LivingSituation, VisitForm
from redvest.care.selectors import cadence_days_for, cadence_table
from redvest.demo import data
from redvest.orgs.models import OrgKind, OrgNode
from redvest.teams.models import Team
from redvest.volunteers.models import Volunteer, VolunteerStatus

RECIPIENTS = 80
CATEGORY_WEIGHTS = (
    (CareCategory.LONELY_ELDERLY, 14),
    (CareCategory.EMPTY_NEST, 20),
    (CareCategory.DISABLED, 12),
    (CareCategory.MILITARY_FAMILY, 6),
    (CareCategory.POOR_RETIREE, 6),
    (CareCategory.LAID_OFF, 5),
    (CareCategory.POOR_STUDENT, 7),
    (CareCategory.LEFT_BEHIND_CHILD, 8),
    (CareCategory.OTHER, 2),
)
CHILD_CATEGORIES = frozenset({CareCategory.POOR_STUDENT, CareCategory.LEFT_BEHIND_CHILD})
ELDERLY_CATEGORIES = frozenset(
    {CareCategory.LONELY_ELDERLY, CareCategory.EMPTY_NEST, CareCategory.MILITARY_FAMILY, CareCategory.POOR_RETIREE}
)
L = LivingSituation


@dataclass(frozen=True)
class Profile:
    """What a category implies: the age range and the ways of living that go with it."""

    ages: tuple[int, int]
    living: tuple[str, ...]


PROFILES: dict[str, Profile] = {
    CareCategory.LONELY_ELDERLY: Profile((70, 92), (L.ALONE, L.ALONE, L.INSTITUTION)),  # 孤寡: no family at home
    CareCategory.EMPTY_NEST: Profile((65, 88), (L.ALONE, L.WITH_SPOUSE, L.WITH_SPOUSE)),  # children gone
    CareCategory.DISABLED: Profile((25, 75), (L.WITH_FAMILY, L.WITH_FAMILY, L.WITH_SPOUSE, L.ALONE)),
    CareCategory.MILITARY_FAMILY: Profile((60, 90), (L.WITH_FAMILY, L.WITH_SPOUSE, L.ALONE)),
    CareCategory.POOR_RETIREE: Profile((62, 85), (L.ALONE, L.WITH_SPOUSE, L.WITH_FAMILY)),
    CareCategory.LAID_OFF: Profile((42, 58), (L.WITH_FAMILY, L.WITH_SPOUSE)),  # 下岗: working age
    CareCategory.POOR_STUDENT: Profile((8, 17), (L.WITH_FAMILY, L.WITH_GUARDIAN)),
    CareCategory.LEFT_BEHIND_CHILD: Profile((6, 14), (L.WITH_GUARDIAN,)),  # parents work away: grandparents
    CareCategory.OTHER: Profile((50, 80), (L.ALONE, L.WITH_SPOUSE, L.WITH_FAMILY)),
}
ELDERLY_NOTES = (
    "老人精神状态良好，家中整洁",
    "陪老人聊天，了解近期身体情况",
    "帮助打扫卫生，检查水电煤安全",
    "提醒按时服药，检查药品是否过期",
    "陪同到社区卫生服务站测量血压",
    "送去米油等慰问品",
)
NOTES: dict[str, tuple[str, ...]] = {
    CareCategory.DISABLED: ("协助康复训练，了解辅具需求", "帮助申请残疾人两项补贴", "送去慰问品，了解生活情况"),
    CareCategory.LAID_OFF: ("了解就业意向，推荐招聘岗位信息", "介绍技能培训报名方式", "帮助申请临时救助"),
    CareCategory.POOR_STUDENT: ("辅导作业，了解学习情况", "送去学习用品", "与家长沟通助学金申请"),
    CareCategory.LEFT_BEHIND_CHILD: ("辅导孩子作业，了解学习情况", "送去学习用品", "与监护人沟通孩子近况"),
    CareCategory.OTHER: ("了解近况和困难", "送去慰问品"),
    **{c: ELDERLY_NOTES for c in ELDERLY_CATEGORIES},
}
NEEDS = (("需要上门理发", ""), ("家中灯泡损坏需更换", ""), ("希望了解高龄津贴申领政策", ""))
# (conditions, disability type, grade, medication): elderly ailments, and disabilities for 残疾人.
AILMENTS = (
    ("高血压，需定期测量血压", "", None, "每日服用降压药"),
    ("糖尿病", "", None, "胰岛素注射"),
    ("视力下降", "", None, "滴眼液"),
)
DISABILITIES = (
    ("行动不便，需助行器", "physical", 2, ""),
    ("低视力，出行需陪同", "vision", 3, ""),
    ("听力障碍，沟通需大声慢说", "hearing", 3, ""),
)


# Calls and video calls get their own words (no 打扫卫生 over the phone).
REMOTE_NOTES = {VisitForm.PHONE: "电话问候，了解近况和需求", VisitForm.VIDEO: "视频通话，了解近况，提醒注意安全"}


@dataclass
class CareSummary:
    recipients: int
    pairings: int
    visits: int
    overdue: int


def _name(rng: random.Random, female: bool) -> str:
    chars = data.FEMALE_CHARS if female else data.MALE_CHARS
    given = rng.choice(chars) + (rng.choice(chars + data.SHARED_CHARS) if rng.random() < 0.7 else "")
    return rng.choices(data.SURNAMES, weights=data.SURNAME_WEIGHTS)[0] + given


def write_care(
    rng: random.Random, *, admin: User, demo_volunteer: Volunteer, demo_team: Team, today: datetime.date | None = None
) -> CareSummary:
    """Write the demo care registry through the care services (admin: an org admin at the county)."""
    today = today or timezone.localdate()
    communities = list(OrgNode.objects.filter(kind=OrgKind.COMMUNITY).order_by("path").only("id", "name", "path"))
    if not communities:
        return CareSummary(0, 0, 0, 0)
    pool: dict[str, list[Volunteer]] = {}
    for volunteer in (
        Volunteer.objects.filter(status=VolunteerStatus.REGISTERED)
        .select_related("org")
        .only("id", "name", "status", "org__path", "org__id")
        .order_by("pk")
    ):
        pool.setdefault(volunteer.org.path[: OrgNode.steplen * 2], []).append(volunteer)
    teams: dict[str, list[Team]] = {}
    for team in Team.objects.filter(is_active=True).select_related("org").order_by("pk"):
        teams.setdefault(team.org.path[: OrgNode.steplen * 2], []).append(team)
    everyone = [v for group in pool.values() for v in group]
    all_teams = [t for group in teams.values() for t in group]
    categories, weights = zip(*CATEGORY_WEIGHTS, strict=True)
    table = cadence_table()
    visits: list[CareVisit] = []
    pairings = overdue = 0
    demo_community = next((c for c in communities if c.name == data.DEMO_COMMUNITY), communities[0])
    for i in range(RECIPIENTS):
        community = demo_community if i < 5 else communities[(i * 7) % len(communities)]
        category = rng.choices(categories, weights=weights)[0]
        profile = PROFILES[category]
        female = rng.random() < 0.6
        child = category in CHILD_CATEGORIES
        birth_year = today.year - rng.randint(*profile.ages)
        village = community.name.endswith("村")
        address = (
            f"{community.name}{rng.randint(1, 12)}组{rng.randint(1, 80)}号"
            if village
            else f"{community.name}{rng.randint(1, 60)}幢{rng.randint(1, 6)}0{rng.randint(1, 4)}室"
        )
        also_disabled = category in ELDERLY_CATEGORIES and rng.random() < 0.15
        recipient = services.recipient_create(
            actor=admin,
            data=services.RecipientData(
                org_id=community.pk,
                name=_name(rng, female),
                gender="F" if female else "M",
                category=category,
                birth_year=birth_year,
                phone=f"137{5720000 + i:08d}",
                address=address,
                other_categories=[CareCategory.DISABLED] if also_disabled else [],
                living_situation=rng.choice(profile.living),
            ),
        )
        if i % 5 == 0:  # consent (and, for adults, health data) for every fifth person
            services.consent_record(
                actor=admin,
                recipient=recipient,
                given_by="guardian" if child else "self",
                giver_name=recipient.name,
                method=rng.choice(["written", "oral", "electronic"]),
                given_on=today - datetime.timedelta(days=rng.randint(20, 200)),
            )
            disabled = category == CareCategory.DISABLED or also_disabled
            if disabled or not child:
                table_ = DISABILITIES if disabled else AILMENTS
                conditions, kind, grade, medication = table_[(i // 5) % len(table_)]
                services.health_save(
                    actor=admin,
                    recipient=recipient,
                    data=services.HealthData(
                        conditions=conditions, disability_type=kind, disability_grade=grade, medication=medication
                    ),
                )
        town = community.path[: OrgNode.steplen * 2]
        partners: list[Volunteer | Team] = []
        if i < 3:
            partners.append(demo_volunteer)
        elif i < 5:
            partners.append(demo_team)
        else:
            # Most party members work in county units and are paired into communities (在职党员进社区).
            local = pool.get(town) or everyone
            if local:
                partners.append(local[(i * 13) % len(local)])
            town_teams = teams.get(town) or all_teams
            if (i % 4 == 0 or not partners) and town_teams:
                partners.append(town_teams[i % len(town_teams)])  # one-to-N: a team as well
        started = today - datetime.timedelta(days=rng.randint(90, 240))
        cadence = cadence_days_for(recipient, table=table)
        late = i % 9 == 4  # several are overdue: their last visit is more than one cadence ago
        for partner in partners:
            pairing = services.pairing_create(
                actor=admin,
                recipient=recipient,
                volunteer=partner if isinstance(partner, Volunteer) else None,
                team=partner if isinstance(partner, Team) else None,
                started_on=started,
            )
            pairings += 1
            due = pairing.next_visit_due or started
            last: datetime.date | None = None
            stop = today - datetime.timedelta(days=cadence + rng.randint(3, 20)) if late else today
            day = started + datetime.timedelta(days=max(1, cadence - rng.randint(0, 3)))
            while day <= stop:
                form = rng.choice([VisitForm.HOME, VisitForm.HOME, VisitForm.PHONE, VisitForm.VIDEO])
                visits.append(
                    CareVisit(
                        recipient=recipient,
                        pairing=pairing,
                        visited_on=day,
                        form=form,
                        duration_minutes=rng.choice([30, 45, 60, 90] if form == VisitForm.HOME else [10, 15, 20]),
                        notes=REMOTE_NOTES.get(form) or rng.choice(NOTES[category]),
                        due_on=due,
                        visitor=admin,
                    )
                )
                last = day
                due = day + datetime.timedelta(days=cadence)
                day += datetime.timedelta(days=max(1, cadence + rng.randint(-4, 2)))
            CarePairing.objects.filter(pk=pairing.pk).update(last_visited_on=last, next_visit_due=due)
            overdue += due < today
    for visit, (need, code) in zip(visits[::40], NEEDS * 10, strict=False):
        visit.need_found, visit.need_item_code = need, code
    CareVisit.objects.bulk_create(visits, batch_size=500)
    return CareSummary(recipients=RECIPIENTS, pairings=pairings, visits=len(visits), overdue=overdue)
