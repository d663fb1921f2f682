"""Demo 服装装备: kit received at the demo unit's service point (the `keeper` login's station), issued to
the demo volunteer, the team's leader and liaison and a few members; one member has brought a vest back.

Every movement goes through `stock_move`, so the station's balance is the sum of its movements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from redvest.equipment import services
from redvest.equipment.models import EquipmentItem, MovementKind, ReturnCondition
from redvest.teams.models import MembershipKind
from redvest.volunteers.models import Volunteer, VolunteerStatus

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.orgs.models import OrgNode
    from redvest.teams.models import Team

# (name, unit, received): the catalog the equipment migration seeds, restocked for the year.
STOCK = (("红马甲", "件", 60), ("帽子", "顶", 40), ("袖标", "个", 50))
VEST, CAP, ARMBAND = (name for name, _, _ in STOCK)
RECEIVE_NOTE = "县委组织部统一配发"
# Officers and the demo volunteer get the full kit; a few plain members a vest and an armband.
FULL_KIT = (VEST, CAP, ARMBAND)
MEMBER_KIT = (VEST, ARMBAND)
MEMBERS = 4


@dataclass
class EquipmentSummary:
    movements: int
    holders: int


def write_equipment(
    *, admin: User, keeper: User, station: OrgNode, team: Team, demo_people: list[Volunteer]
) -> EquipmentSummary:
    """admin: may add missing items to the catalog (a flushed database has none); keeper: the station's."""
    items = {i.name: i for i in EquipmentItem.objects.filter(name__in=[name for name, _, _ in STOCK])}
    for name, unit, _ in STOCK:
        if name not in items:
            items[name] = services.item_create(actor=admin, name=name, unit=unit)
    movements = 0

    def move(kind: str, name: str, quantity: int, volunteer: Volunteer | None = None, **extra: str) -> None:
        nonlocal movements
        services.stock_move(
            actor=keeper,
            station=station,
            data=services.MovementData(
                kind=kind,
                item_id=items[name].pk,
                quantity=quantity,
                volunteer_number=volunteer.number if volunteer else "",
                **extra,
            ),
        )
        movements += 1

    for name, _, received in STOCK:
        move(MovementKind.RECEIVE, name, received, note=RECEIVE_NOTE)
    people = {v.pk for v in demo_people}
    members = list(
        Volunteer.objects.filter(
            memberships__team=team,
            memberships__kind=MembershipKind.ORGANISATIONAL,
            memberships__left_at__isnull=True,
            status=VolunteerStatus.REGISTERED,
        )
        .exclude(pk__in=people)
        .order_by("pk")[:MEMBERS]
    )
    for volunteer in demo_people:
        for name in FULL_KIT:
            move(MovementKind.ISSUE, name, 1, volunteer, note="入队领取")
    for volunteer in members:
        for name in MEMBER_KIT:
            move(MovementKind.ISSUE, name, 1, volunteer, note="入队领取")
    if members:  # one member took a second vest for an activity and brought it back
        move(MovementKind.ISSUE, VEST, 1, members[-1], note="活动借用")
        move(MovementKind.RETURN, VEST, 1, members[-1], condition=ReturnCondition.GOOD, note="活动结束归还")
    return EquipmentSummary(movements=movements, holders=len(demo_people) + len(members))
