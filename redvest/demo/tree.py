"""Plan an org tree in memory, then insert it with a few bulk INSERTs.

Treebeard's add_child costs several queries per node; for thousands of nodes we compute the
materialized paths ourselves: siblings get consecutive steps in name order (OrgNode.node_order_by),
with depth and numchild filled in, so later add_child/move calls see a well-formed tree.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from redvest.orgs.models import OrgNode

if TYPE_CHECKING:
    from redvest.demo.stations import StationPlan


@dataclass
class PlannedNode:
    key: str
    name: str
    kind: str
    code: str = ""
    children: list[PlannedNode] = field(default_factory=list)
    station: StationPlan | None = None
    centre: tuple[float, float] | None = None  # a town's or village's 中心点
    instance: OrgNode | None = None

    def add(self, key: str, name: str, kind: str, code: str = "") -> PlannedNode:
        child = PlannedNode(key=key, name=name, kind=kind, code=code)
        self.children.append(child)
        return child

    def walk(self) -> Iterator[PlannedNode]:
        """Depth-first, parents before children."""
        yield self
        for child in self.children:
            yield from child.walk()

    @property
    def node(self) -> OrgNode:
        if self.instance is None:
            raise LookupError(f"{self.key} has not been written yet")
        return self.instance


def _next_root_step() -> int:
    last = OrgNode.objects.get_last_root_node()
    return 1 if last is None else OrgNode._str2int(last.path[-OrgNode.steplen :]) + 1


def write_tree(root: PlannedNode, *, batch_size: int = 2000) -> dict[str, PlannedNode]:
    """Insert `root` and its subtree as a new root; returns every planned node by key, instances set."""
    index: dict[str, PlannedNode] = {}
    rows: list[OrgNode] = []

    def place(planned: PlannedNode, path: str, depth: int) -> None:
        if planned.key in index:
            raise ValueError(f"duplicate node key {planned.key}")
        index[planned.key] = planned
        planned.instance = OrgNode(
            name=planned.name,
            kind=planned.kind,
            code=planned.code,
            path=path,
            depth=depth,
            latitude=Decimal(f"{planned.centre[0]:.6f}") if planned.centre else None,
            longitude=Decimal(f"{planned.centre[1]:.6f}") if planned.centre else None,
            numchild=len(planned.children),
        )
        rows.append(planned.instance)
        for step, child in enumerate(sorted(planned.children, key=lambda c: c.name), start=1):
            place(child, OrgNode._get_path(path, depth + 1, step), depth + 1)

    place(root, OrgNode._get_path(None, 1, _next_root_step()), 1)
    OrgNode.objects.bulk_create(rows, batch_size=batch_size)
    return index
