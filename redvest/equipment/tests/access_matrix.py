"""Kit in the permission matrix: one movement at each position; at the own position a volunteer world's
user is the one the kit was issued to."""

from __future__ import annotations

from redvest.accounts.tests.matrix import ALL, NONE, OWN, SUBTREE, Expected, World
from redvest.core.roles import Role
from redvest.equipment.models import MovementKind
from redvest.equipment.tests.factories import EquipmentItemFactory, StockMovementFactory


def build(world: World) -> None:
    item = EquipmentItemFactory(name="红马甲")
    for position, node in world.nodes.items():
        if position == "own" and world.role == Role.VOLUNTEER and world.me is not None:
            movement = StockMovementFactory(
                station=node, item=item, kind=MovementKind.ISSUE, volunteer=world.me, stock_delta=-1, held_delta=1
            )
        else:
            movement = StockMovementFactory(station=node, item=item)
        world.put("stock_movement", position, movement)


# A station keeper sees the ledgers below them and moves stock at their own station; a volunteer sees
# what was issued to them.
EXPECTED: Expected = {
    "stock_movement": {
        Role.SYSTEM_ADMIN: (ALL, ALL),
        Role.ORG_ADMIN: (SUBTREE, SUBTREE),
        Role.STATION_KEEPER: (SUBTREE, OWN),
        Role.VOLUNTEER: (OWN, NONE),
    },
}
