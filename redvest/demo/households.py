"""Demo 联户: a handful of households of 金陵社区 looked after by the demo volunteer and the demo team, each
with a few contacts over the past weeks logged by whoever looks after it; one has gone without a contact
longer than the interval, so 联系户久未联系 shows on the demo volunteer's workbench.

Households and contacts go through the households services (a few rows: no bulk path needed).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from redvest.households import services
from redvest.households.models import ContactWay

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.orgs.models import OrgNode
    from redvest.teams.models import Team
    from redvest.volunteers.models import Volunteer


@dataclass(frozen=True)
class DemoHousehold:
    head_name: str
    address: str
    notes: str
    by_team: bool
    # (days ago, way, content, follow-up), oldest first; the last decides 最近联系. LATE: two weeks past
    # the contact interval (as far back as the service lets a contact be logged).
    contacts: tuple[tuple[int | None, str, str, bool], ...]


LATE = None
V, P, W = ContactWay.VISIT, ContactWay.PHONE, ContactWay.WECHAT
HOUSEHOLDS = (
    DemoHousehold(
        "陈阿毛",
        "金陵北路56号3幢201室",
        "独居老人，子女在杭州工作",
        False,
        (
            (26, V, "上门走访，老人身体尚好，帮忙检查燃气灶和热水器", False),
            (12, P, "电话问候，提醒近期降温注意保暖、按时服药", False),
            (3, V, "陪老人到社区卫生服务站量血压，血压偏高，已告知家属", True),
        ),
    ),
    DemoHousehold(
        "沈桂芬",
        "金陵北路56号5幢102室",
        "老两口同住，老伴行动不便",
        False,
        (
            (20, V, "上门了解需求，反映楼道灯损坏，已联系物业报修", True),
            (6, W, "在楼道微信群转发防范电信诈骗提示，老人已知晓", False),
        ),
    ),
    DemoHousehold(
        "王建明",
        "金陵中路112号2幢402室",
        "外来务工家庭，孩子在县实验小学读书",
        False,
        ((9, V, "上门宣传垃圾分类，发放分类指南和垃圾袋", False),),
    ),
    DemoHousehold(
        "钱小英",
        "金陵中路112号6幢301室",
        "低保户，本人患慢性病",
        False,
        # Overdue: nothing since this visit, more than the contact interval ago.
        ((LATE, V, "上门送去米油，了解低保年审材料准备情况", True),),
    ),
    DemoHousehold(
        "周国庆",
        "金陵南路8号1幢101室",
        "退役军人家庭",
        True,
        (
            (24, V, "服务队上门慰问，了解家中困难", False),
            (10, W, "服务队微信群通知社区义诊时间，户主报名参加", False),
        ),
    ),
    DemoHousehold(
        "费秀兰",
        "金陵南路8号4幢203室",
        "空巢老人，听力较差，需当面沟通",
        True,
        (
            (18, V, "上门帮忙更换厨房水龙头", False),
            (4, V, "上门讲解医保缴费办法，协助完成缴费", False),
        ),
    ),
)


@dataclass
class HouseholdSummary:
    households: int
    contacts: int


def write_households(
    *,
    admin: User,
    community: OrgNode,
    volunteer_user: User,
    demo_volunteer: Volunteer,
    leader_user: User,
    demo_team: Team,
    today: datetime.date | None = None,
) -> HouseholdSummary:
    """Register the demo households (admin: an org admin over the community, the volunteer and the team)
    and log their contacts as the volunteer, or the team's leader, would."""
    today = today or timezone.localdate()
    late = min(settings.HOUSEHOLD_CONTACT_DAYS + 14, services.BACKDATE_DAYS)
    contacts = 0
    for index, spec in enumerate(HOUSEHOLDS):
        household = services.household_create(
            actor=admin,
            data=services.HouseholdData(
                org_id=community.pk,
                head_name=spec.head_name,
                address=spec.address,
                phone=f"1585720{6100 + index:04d}",
                notes=spec.notes,
                volunteer_id=None if spec.by_team else demo_volunteer.pk,
                team_id=demo_team.pk if spec.by_team else None,
            ),
        )
        for days_ago, way, content, follow_up in spec.contacts:
            services.contact_log(
                actor=leader_user if spec.by_team else volunteer_user,
                household=household,
                data=services.ContactData(
                    contacted_on=today - datetime.timedelta(days=late if days_ago is LATE else days_ago),
                    way=way,
                    content=content,
                    follow_up=follow_up,
                ),
            )
            contacts += 1
    return HouseholdSummary(households=len(HOUSEHOLDS), contacts=contacts)
