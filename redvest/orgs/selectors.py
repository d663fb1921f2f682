"""Reads over the org tree. Subtree scoping for every app goes through `subtree`.

Tree reads never recurse per request: a subtree is one prefix match on the materialized path, a
level of children is one query, and the highest visible nodes are found in one query.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Length, Substr

from redvest.core.errors import NotFound
from redvest.core.pagination import Page, paginate
from redvest.core.policy import can, can_administer, can_manage_under, is_system_admin, scope
from redvest.core.subtree import in_subtree_q
from redvest.core.validators import id_in_range
from redvest.orgs import hooks
from redvest.orgs.models import (
    DEFAULT_TEAM_MIN_SIZE,
    REGION_KINDS,
    STATION_KINDS,
    FiveHaveEvidence,
    FiveHaveInspection,
    FiveHaveItem,
    FiveHaveKind,
    InspectionResult,
    OrgKind,
    OrgNode,
    Station,
    is_county_root,
)

if TYPE_CHECKING:
    from redvest.accounts.models import User

MOVE_TARGET_LIMIT = 200


def _term(value: str) -> str:
    """A search term or code as the database can take it (PostgreSQL refuses NUL characters)."""
    return value.replace("\x00", "").strip()[:100]


def subtree(node: OrgNode) -> QuerySet[OrgNode]:
    """The node and all its descendants: one indexed prefix match on the materialized path."""
    return OrgNode.objects.filter(path__startswith=node.path)


def child_nodes(node: OrgNode) -> QuerySet[OrgNode]:
    """One level below a node, unscoped (for views that scope themselves use `node_children`)."""
    return OrgNode.objects.filter(in_subtree_q("path", node.path), depth=node.depth + 1)


def child_path(lookup: str, node: OrgNode) -> Substr:
    """SQL for the path of the child of `node` that a row (org path `lookup`) falls under; rows at the node
    itself give the node's own path."""
    return Substr(lookup, 1, len(node.path) + OrgNode.steplen)


def by_child(qs: QuerySet[Any], lookup: str, node: OrgNode) -> QuerySet[Any]:
    """The rows of `qs` in the node's subtree as `values("bucket")`, one group per child of the node it
    falls under (the bucket is that child's path, or the node's own path for rows at the node): annotate
    the aggregates on the result for one GROUP BY query per source, whatever the tree's size."""
    return qs.filter(in_subtree_q(lookup, node.path)).annotate(bucket=child_path(lookup, node)).values("bucket")


def subtree_ids(node: OrgNode) -> QuerySet[OrgNode]:
    return subtree(node).values("id")  # type: ignore[return-value]  # values() queryset used as a subquery


def ancestors_paths(path: str, steplen: int = OrgNode.steplen) -> list[str]:
    return [path[:i] for i in range(steplen, len(path) + 1, steplen)]


def team_min_size_for(node: OrgNode) -> int:
    """The nearest setting up the tree, or the default."""
    rows = dict(
        OrgNode.objects.filter(path__in=ancestors_paths(node.path), team_min_size__isnull=False).values_list(
            "path", "team_min_size"
        )
    )
    for path in reversed(ancestors_paths(node.path)):
        if path in rows:
            return int(rows[path])
    return DEFAULT_TEAM_MIN_SIZE


def _parent_path_of_outer() -> Substr:
    """SQL for the parent's path of the outer row: the path minus its last step."""
    return Substr(OuterRef("path"), 1, Length(OuterRef("path")) - OrgNode.steplen)


def _with_parent_id(qs: QuerySet[OrgNode]) -> QuerySet[OrgNode]:
    return qs.annotate(parent_id=Subquery(OrgNode.objects.filter(path=_parent_path_of_outer()).values("id")[:1]))


# ---- counties ----------------------------------------------------------------------------------


def county_roots() -> list[OrgNode]:
    """The counties of a multi-county deployment (a 县委组织部 directly under a city or province), in tree
    order; empty for a single county without a province or city above it. One query over the few nodes of
    the three upper kinds."""
    upper = list(
        OrgNode.objects.filter(kind__in=[*REGION_KINDS, OrgKind.ORG_DEPT])
        .order_by("path")
        .only("id", "name", "kind", "path", "depth", "code")
    )
    kinds = {n.path: n.kind for n in upper}
    return [n for n in upper if is_county_root(n.kind, kinds.get(n.path[: -OrgNode.steplen]))]


def county_short_name(node: OrgNode) -> str:
    """长兴县委组织部 → 长兴县: how residents name their county."""
    return node.name.removesuffix("委组织部") or node.name


def county_of(path: str, counties: list[OrgNode]) -> OrgNode | None:
    """The county a node lies in (None outside every county)."""
    return next((county for county in counties if path.startswith(county.path)), None)


# ---- nodes -------------------------------------------------------------------------------------


def node_visible(*, user: User, action: str = "view") -> QuerySet[OrgNode]:
    return scope(user, "org", OrgNode.objects.all(), action)  # type: ignore[arg-type]  # action is "view"|"change"


def node_get(*, user: User, node_id: int) -> OrgNode:
    """A node the user may see, or NotFound (existence is not revealed)."""
    node = _with_parent_id(node_visible(user=user)).filter(pk=node_id).first() if id_in_range(node_id) else None
    if node is None:
        raise NotFound("组织节点不存在或您无权查看")
    return node


def node_roots(*, user: User) -> QuerySet[OrgNode]:
    """The highest nodes the user may see: visible nodes whose parent is not visible (one query)."""
    visible = node_visible(user=user)
    parent_visible = Exists(visible.filter(path=_parent_path_of_outer()))
    return visible.annotate(parent_visible=parent_visible).filter(parent_visible=False).order_by("path")


def node_children(*, user: User, node: OrgNode) -> QuerySet[OrgNode]:
    """One level below a node, in tree order, limited to what the user may see."""
    return scope(user, "org", OrgNode.objects.get_children(node)).order_by("path")


def node_search(*, user: User, q: str = "", kind: str = "", parent: OrgNode | None = None) -> QuerySet[OrgNode]:
    """A flat, filtered list of visible nodes in tree order, each with its parent's id."""
    qs = node_visible(user=user)
    q, kind = _term(q), _term(kind)
    if parent is not None:
        qs = qs.filter(path__startswith=parent.path, depth=parent.depth + 1)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__startswith=q))
    return _with_parent_id(qs).order_by("path")


@dataclass
class NodeCounts:
    children: int
    stations: int
    teams: int
    volunteers: int


@dataclass
class NodeDetail:
    node: OrgNode
    ancestors: list[OrgNode]
    counts: NodeCounts
    children: Page[OrgNode]
    can_change: bool
    can_manage: bool
    can_administer: bool
    can_move: bool


def node_counts(node: OrgNode) -> NodeCounts:
    """Counts over the whole subtree: indexed prefix-match counts, whatever the tree's size (teams and
    volunteers are counted by those apps, through `orgs.hooks.subtree_counts`)."""
    counts: dict[str, int] = {}
    for part in hooks.subtree_counts(node):
        counts.update(part)
    return NodeCounts(
        children=node.numchild,
        stations=Station.objects.filter(node__path__startswith=node.path).count(),
        teams=counts.get("teams", 0),
        volunteers=counts.get("volunteers", 0),
    )


def node_detail(*, user: User, node_id: int, children_page: int = 1) -> NodeDetail:
    """A visible node with its path from the top, subtree counts, a page of children and what the user
    may do there (its role holders are accounts' section of the page). Constant query count."""
    node = node_get(user=user, node_id=node_id)
    administer = can_administer(user, node)
    manage = can_manage_under(user, node)
    return NodeDetail(
        node=node,
        ancestors=list(node_visible(user=user).filter(path__in=ancestors_paths(node.path)[:-1]).order_by("path")),
        counts=node_counts(node),
        children=paginate(node_children(user=user, node=node), page=children_page),
        can_change=can(user, "change", node),
        can_manage=manage,
        can_administer=administer,
        can_move=manage and (node.depth > 1 or is_system_admin(user)),
    )


def node_move_targets(*, user: User, node: OrgNode, q: str = "") -> list[OrgNode]:
    """Nodes the user can manage, outside the node's own subtree: the choices for a move."""
    qs = node_visible(user=user, action="change").exclude(path__startswith=node.path)
    q = _term(q)
    if q:
        qs = qs.filter(name__icontains=q)
    return list(qs.order_by("path")[:MOVE_TARGET_LIMIT])


def node_manageable(*, user: User) -> QuerySet[OrgNode]:
    return node_visible(user=user, action="change")


def org_filter_choices(*, user: User, max_depth_below_top: int = 2) -> list[OrgNode]:
    """Non-station nodes near the top of the user's view, for filter pickers (one query)."""
    roots = list(node_roots(user=user).values_list("depth", flat=True)[:1])
    top = roots[0] if roots else 1
    return list(
        node_visible(user=user)
        .filter(depth__lte=top + max_depth_below_top)
        .exclude(kind__in=STATION_KINDS)
        .order_by("path")[:MOVE_TARGET_LIMIT]
    )


# ---- stations ----------------------------------------------------------------------------------


def _latest_result(kind: str) -> Subquery:
    return Subquery(
        FiveHaveInspection.objects.filter(item__station_id=OuterRef("pk"), item__kind=kind)
        .order_by("-inspected_on", "-id")
        .values("result")[:1]
    )


def shortfall_q() -> Q:
    """A station falls short when any 五有 item has no inspection yet or its latest one failed."""
    q = Q()
    for kind in FiveHaveKind:
        q |= Q(**{f"fh_{kind.value}__isnull": True}) | Q(**{f"fh_{kind.value}": InspectionResult.FAIL})
    return q


def stations_short_count(*, user: User) -> int:
    """Stations the user looks after (may change) whose 五有 checklist falls short: the admin's subtree, the
    keeper's own station."""
    qs = scope(user, "station", Station.objects.all(), "change")
    return qs.annotate(**{f"fh_{k.value}": _latest_result(k.value) for k in FiveHaveKind}).filter(shortfall_q()).count()


def stations_located(*, q: str = "") -> QuerySet[Station]:
    """Stations with coordinates and their node, for the public portal's "stations near me" (no login:
    addresses, hours and amenities are public)."""
    qs = Station.objects.select_related("node").filter(latitude__isnull=False, longitude__isnull=False)
    q = _term(q)
    if q:
        qs = qs.filter(Q(node__name__icontains=q) | Q(address__icontains=q))
    return qs.order_by("node__path")


def station_list(
    *, user: User, org_id: int | None = None, kind: str = "", shortfall_only: bool = False, q: str = ""
) -> QuerySet[Station]:
    """Visible stations in tree order, each annotated with its six items' latest results (`fh_<kind>`,
    NULL when never inspected) in the same query."""
    qs = scope(user, "station", Station.objects.select_related("node"))
    q, kind = _term(q), _term(kind)
    if org_id is not None:
        org = OrgNode.objects.filter(pk=org_id).only("path").first() if id_in_range(org_id) else None
        qs = qs.filter(node__path__startswith=org.path) if org else qs.none()
    if kind:
        qs = qs.filter(node__kind=kind)
    if q:
        qs = qs.filter(Q(node__name__icontains=q) | Q(address__icontains=q))
    qs = qs.annotate(**{f"fh_{k.value}": _latest_result(k.value) for k in FiveHaveKind})
    if shortfall_only:
        qs = qs.filter(shortfall_q())
    return qs.order_by("node__path")


@dataclass
class ChecklistEntry:
    kind: str
    label: str
    description: str
    evidence: list[FiveHaveEvidence]
    inspections: list[FiveHaveInspection]

    @property
    def latest(self) -> FiveHaveInspection | None:
        return self.inspections[0] if self.inspections else None

    @property
    def passed(self) -> bool:
        return self.latest is not None and self.latest.result == InspectionResult.PASS


@dataclass
class StationDetail:
    station: Station
    checklist: list[ChecklistEntry]
    can_change: bool
    can_inspect: bool

    @property
    def falls_short(self) -> bool:
        return any(not e.passed for e in self.checklist)


def station_get(*, user: User, station_id: int) -> Station:
    qs = scope(user, "station", Station.objects.select_related("node"))
    station = qs.filter(pk=station_id).first() if id_in_range(station_id) else None
    if station is None:
        raise NotFound("站点不存在或您无权查看")
    return station


def station_detail(*, user: User, station_id: int) -> StationDetail:
    """A visible station with all six items in checklist order, their evidence and inspection
    history newest first, and what the user may do (constant query count)."""
    station = station_get(user=user, station_id=station_id)
    items = {
        item.kind: item
        for item in FiveHaveItem.objects.filter(station=station).prefetch_related(
            Prefetch("evidence", queryset=FiveHaveEvidence.objects.select_related("uploaded_by")),
            Prefetch("inspections", queryset=FiveHaveInspection.objects.select_related("inspector")),
        )
    }
    checklist = []
    for kind in FiveHaveKind:
        item = items.get(kind.value)
        checklist.append(
            ChecklistEntry(
                kind=kind.value,
                label=kind.label,
                description=item.description if item else "",
                evidence=list(item.evidence.all()) if item else [],
                inspections=list(item.inspections.all()) if item else [],
            )
        )
    for entry in checklist:  # the same `fh_<kind>` attributes station_list annotates, from rows in hand
        setattr(station, f"fh_{entry.kind}", entry.latest.result if entry.latest else None)
    return StationDetail(
        station=station,
        checklist=checklist,
        can_change=can(user, "change", station),
        can_inspect=can_administer(user, station.node),
    )


def evidence_get(*, user: User, evidence_id: int) -> FiveHaveEvidence:
    """Evidence of a station the user may see, or NotFound."""
    qs = FiveHaveEvidence.objects.select_related("item__station__node")
    evidence = qs.filter(pk=evidence_id).first() if id_in_range(evidence_id) else None
    if evidence is None or not can(user, "view", evidence.item.station):
        raise NotFound("文件不存在或您无权查看")
    return evidence
