"""Reads: who may open which dashboard, the panels of one node's dashboard (from the rollups, a fixed
number of queries whatever the tree holds), and the user's exports."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce, Length, Substr
from django.utils import timezone

from redvest.accounts import policy
from redvest.accounts.models import Role
from redvest.care.selectors import visit_stats
from redvest.core.errors import NotFound, PermissionDenied
from redvest.dashboards.access import Access, dashboard_access
from redvest.dashboards.models import DataExport, MonthlyOrgStat, OrgStock, RefreshRun
from redvest.dashboards.services.rollups import month_start, next_month
from redvest.dashboards.tables import tables
from redvest.demand.selectors.requests import request_list
from redvest.demand.selectors.stats import demand_stats
from redvest.orgs.access import service_area_path
from redvest.orgs.models import REGION_KINDS, OrgKind, OrgNode, is_county_root
from redvest.orgs.selectors import (
    ancestors_paths,
    by_child,
    child_nodes,
    in_subtree_q,
    org_filter_choices,
    station_list,
)
from redvest.volunteers.models import PoliticalStatus

if TYPE_CHECKING:
    from redvest.accounts.models import User

MONTHS = 12
REQUEST_DAYS = 7
MAX_STATIONS = 2000
OUT_OF_SCOPE = "该组织不在您的管理范围内，无法查看其数据看板"
MONTH_FIELDS = (
    "activities",
    "credit_minutes",
    "honour_minutes",
    "records",
    "volunteers_joined",
    "points_earned",
    "points_spent",
    "requests_opened",
    "requests_closed",
    "requests_on_time",
    "callbacks_satisfied",
    "callbacks_basic",
    "callbacks_unsatisfied",
    "care_visits",
)
STOCK_FIELDS = ("volunteers", "party_members", "probationary", "league_members", "masses", "teams", "stations")
POLITICAL = (
    ("party_members", PoliticalStatus.PARTY_MEMBER.label),
    ("probationary", PoliticalStatus.PROBATIONARY.label),
    ("league_members", PoliticalStatus.LEAGUE_MEMBER.label),
    ("masses", PoliticalStatus.MASSES.label),
)


# ---- access -------------------------------------------------------------------------------------


def dashboard_home(*, user: User) -> OrgNode:
    """Where the viewer starts: the root for a system admin, else the highest node they administer (or,
    for a dispatcher, the area their hotline serves)."""
    grants = policy.grants_for(user)
    if any(g.role == Role.SYSTEM_ADMIN for g in grants):
        root = OrgNode.objects.get_root_nodes().order_by("path").first()
        if root is not None:
            return root
    paths = sorted((g.path for g in grants if g.role == Role.ORG_ADMIN), key=len)
    paths += sorted((service_area_path(g) for g in grants if g.role == Role.DISPATCHER), key=len)
    node = OrgNode.objects.filter(path=paths[0]).first() if paths else None
    if node is None:
        raise PermissionDenied("数据看板仅对管理员和调度员开放")
    return node


def dashboard_node(*, user: User, org_id: int) -> tuple[OrgNode, Access]:
    """The node of a dashboard and what the viewer sees of it; NotFound / PermissionDenied (outside the
    viewer's subtree) otherwise."""
    node = OrgNode.objects.filter(pk=org_id).first() if 0 < org_id < 2**31 else None
    if node is None:
        raise NotFound("组织节点不存在")
    access = dashboard_access(user, node)
    if access is None:
        raise PermissionDenied(OUT_OF_SCOPE)
    return node, access


@dataclass(frozen=True)
class Overview:
    """An administrator's subtree in four figures, counted as the dashboard counts them."""

    node: OrgNode
    volunteers: int
    teams: int
    activities: int
    credit_minutes: int


def admin_overview(*, user: Any, today: datetime.date | None = None) -> Overview | None:
    """This year's figures of the subtree an org or system admin looks after (None for anyone else): the
    dashboard's 在册 volunteers and teams, and its activities and credit minutes since January. Three
    queries."""
    grants = policy.grants_for(user)
    if not any(g.role in (Role.SYSTEM_ADMIN, Role.ORG_ADMIN) for g in grants):
        return None
    try:
        node = dashboard_home(user=user)
    except PermissionDenied:
        return None
    today = today or timezone.localdate()
    stock = OrgStock.objects.filter(in_subtree_q("path", node.path)).aggregate(
        volunteers=Coalesce(Sum("volunteers"), 0), teams=Coalesce(Sum("teams"), 0)
    )
    year = MonthlyOrgStat.objects.filter(
        in_subtree_q("path", node.path), month__gte=datetime.date(today.year, 1, 1), month__lte=today
    ).aggregate(activities=Coalesce(Sum("activities"), 0), credit_minutes=Coalesce(Sum("credit_minutes"), 0))
    return Overview(node=node, **stock, **year)


# ---- the panels ---------------------------------------------------------------------------------


@dataclass
class Crumb:
    id: int
    name: str


@dataclass
class Dashboard:
    node: OrgNode
    access: Access
    breadcrumb: list[Crumb]
    children: list[dict[str, Any]]
    updated_at: datetime.datetime | None
    panels: dict[str, Any] = field(default_factory=dict)

    @property
    def updated_label(self) -> str:
        """HH:MM of the last refresh, with the date when it was not today (a stalled scheduler shows)."""
        if self.updated_at is None:
            return "尚未汇总"
        local = timezone.localtime(self.updated_at)
        return local.strftime("%H:%M" if local.date() == timezone.localdate() else "%m-%d %H:%M")

    def as_json(self) -> dict[str, Any]:
        return {
            "node": {"id": self.node.pk, "name": self.node.name, "kind": self.node.get_kind_display()},
            "access": self.access,
            "breadcrumb": [{"id": c.id, "name": c.name} for c in self.breadcrumb],
            "children": self.children,
            "updated_at": timezone.localtime(self.updated_at).isoformat() if self.updated_at else None,
            "updated_label": self.updated_label,
            **self.panels,
        }


def _months(today: datetime.date) -> list[datetime.date]:
    months = [month_start(today)]
    while len(months) < MONTHS:
        months.insert(0, month_start(months[0] - datetime.timedelta(days=1)))
    return months


def _sums(fields: tuple[str, ...]) -> dict[str, Sum]:
    return {f: Sum(f) for f in fields}


def _breadcrumb(user: User, node: OrgNode) -> list[Crumb]:
    """From the highest node the viewer may open down to this one."""
    crumbs = []
    for ancestor in OrgNode.objects.filter(path__in=ancestors_paths(node.path)).order_by("path"):
        if ancestor.pk == node.pk or dashboard_access(user, ancestor) is not None:
            crumbs.append(Crumb(id=ancestor.pk, name=ancestor.name))
    return crumbs


def _children(node: OrgNode, months: list[datetime.date]) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """One row per child node (and one for the node's own level when it has figures of its own): the
    subtree sums of the child, from the rollups grouped by the first depth+1 steps of the path."""
    kids = list(child_nodes(node).order_by("path"))
    stock: dict[str, dict[str, Any]] = {
        row["bucket"]: dict(row)
        for row in by_child(OrgStock.objects.all(), "path", node).annotate(**_sums(STOCK_FIELDS))
    }
    monthly: dict[str, dict[str, Any]] = {
        row["bucket"]: dict(row)
        for row in by_child(MonthlyOrgStat.objects.filter(month__gte=months[0]), "path", node).annotate(
            **_sums(("activities", "credit_minutes", "honour_minutes", "requests_opened"))
        )
    }
    rows = []
    for kid in kids:
        s, m = stock.get(kid.path, {}), monthly.get(kid.path, {})
        rows.append(_child_row(kid.pk, kid.name, kid.get_kind_display(), s, m))
    own_s, own_m = stock.get(node.path), monthly.get(node.path)
    if own_s or own_m:
        rows.append(_child_row(None, f"{node.name}（本级）", node.get_kind_display(), own_s or {}, own_m or {}))
    totals = {f: sum(int(r.get(f) or 0) for r in stock.values()) for f in STOCK_FIELDS}
    return rows, totals


def _child_row(pk: int | None, name: str, kind: str, stock: dict[str, Any], monthly: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": pk,
        "name": name,
        "kind": kind,
        **{f: int(stock.get(f) or 0) for f in STOCK_FIELDS},
        "activities": int(monthly.get("activities") or 0),
        "credit_minutes": int(monthly.get("credit_minutes") or 0),
        "honour_minutes": int(monthly.get("honour_minutes") or 0),
        "requests_opened": int(monthly.get("requests_opened") or 0),
    }


def _counties(node: OrgNode, months: list[datetime.date]) -> list[dict[str, Any]]:
    """A province's or city's counties side by side (the 县委组织部 directly under it or under its cities),
    most credit hours first: one query for the nodes, then two grouped queries per depth the counties sit at
    (at most two: under a city, or run directly by the province) whatever the number of counties."""
    if node.kind not in REGION_KINDS:
        return []
    upper = list(
        OrgNode.objects.filter(
            in_subtree_q("path", node.path),
            depth__lte=node.depth + 2,
            kind__in=[OrgKind.PROVINCE, OrgKind.CITY, OrgKind.ORG_DEPT],
        )
        .order_by("path")
        .only("id", "name", "kind", "path", "depth")
    )
    by_path = {n.path: n for n in upper}
    counties = []
    for n in upper:
        parent = by_path.get(n.path[: -OrgNode.steplen])
        if parent is not None and is_county_root(n.kind, parent.kind):
            counties.append((n, parent))
    stock: dict[str, dict[str, Any]] = {}
    monthly: dict[str, dict[str, Any]] = {}
    for length in sorted({len(c.path) for c, _parent in counties}):
        bucket = Substr("path", 1, length)
        in_node = in_subtree_q("path", node.path)
        # Rows at least as deep as the counties of this depth (a shorter row would group under its own path).
        stock |= {
            row["bucket"]: dict(row)
            for row in OrgStock.objects.filter(in_node)
            .annotate(path_length=Length("path"), bucket=bucket)
            .filter(path_length__gte=length)
            .values("bucket")
            .annotate(**_sums(STOCK_FIELDS))
        }
        monthly |= {
            row["bucket"]: dict(row)
            for row in MonthlyOrgStat.objects.filter(in_node, month__gte=months[0])
            .annotate(path_length=Length("path"), bucket=bucket)
            .filter(path_length__gte=length)
            .values("bucket")
            .annotate(**_sums(("activities", "credit_minutes", "honour_minutes", "requests_opened")))
        }
    rows = []
    for county, parent in counties:
        row = _child_row(
            county.pk, county.name, county.get_kind_display(), stock.get(county.path, {}), monthly.get(county.path, {})
        )
        row["region"] = parent.name if parent.pk != node.pk else ""
        row["credit_minutes_per_volunteer"] = row["credit_minutes"] // row["volunteers"] if row["volunteers"] else 0
        rows.append(row)
    rows.sort(key=lambda r: (-r["credit_minutes"], r["name"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows


def _trend(node: OrgNode, months: list[datetime.date]) -> dict[str, list[int]]:
    by_month: dict[datetime.date, dict[str, Any]] = {
        row["month"]: dict(row)
        for row in MonthlyOrgStat.objects.filter(in_subtree_q("path", node.path), month__gte=months[0])
        .values("month")
        .annotate(**_sums(MONTH_FIELDS))
    }
    return {f: [int((by_month.get(m) or {}).get(f) or 0) for m in months] for f in MONTH_FIELDS}


def _stations(user: User, node: OrgNode) -> list[dict[str, Any]]:
    """Stations with coordinates in the subtree, each with its kind and whether it falls short of 五有."""

    points = []
    for station in station_list(user=user, org_id=node.pk).filter(latitude__isnull=False, longitude__isnull=False)[
        :MAX_STATIONS
    ]:
        points.append(
            {
                "id": station.pk,
                "name": station.node.name,
                "kind": station.node.get_kind_display(),
                "lng": float(station.longitude or 0),  # coordinates, not figures of record
                "lat": float(station.latitude or 0),
                "shortfall": station.falls_short,
            }
        )
    return points


def _requests(user: User, node: OrgNode, today: datetime.date) -> dict[str, Any]:
    """The demand statistics of the last 7 days (the demand app's own selector) and the live open count."""

    end = timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time.min))
    start = end - datetime.timedelta(days=REQUEST_DAYS)
    stats = demand_stats(user=user, root=node, start=start, end=end)
    open_now = request_list(user=user, status="open").filter(in_subtree_q("area__path", node.path))
    return {
        "days": REQUEST_DAYS,
        "total": stats.total,
        "by_category": [{"name": n, "value": v} for n, v in stats.by_category],
        "by_status": [{"name": n, "value": v} for n, v in stats.by_status],
        "arrival_on_time": stats.arrival_on_time,
        "resolution_on_time": stats.resolution_on_time,
        "response_p50": stats.response_p50,
        "response_p90": stats.response_p90,
        "satisfaction": stats.satisfaction,
        "open_now": open_now.count(),
        "overdue_now": request_list(user=user, status="open", overdue=True)
        .filter(in_subtree_q("area__path", node.path))
        .count(),
    }


def _care(node: OrgNode, today: datetime.date) -> dict[str, int]:
    """This month's care visits: the care app's own punctuality selector."""

    stats = visit_stats(node.path, month_start(today), next_month(month_start(today)) - datetime.timedelta(days=1))
    return {
        "visits": int(stats.visits),
        "due": int(stats.due),
        "on_time": int(stats.on_time),
        "overdue_pairings": int(stats.overdue_pairings),
    }


def last_refresh_at() -> datetime.datetime | None:
    run = RefreshRun.objects.filter(finished_at__isnull=False).order_by("-finished_at").only("finished_at").first()
    return run.finished_at if run else None


def dashboard_get(*, user: User, org_id: int) -> Dashboard:
    """One node's dashboard for the viewer: one figure per child, the trends of the last 12 months, points,
    requests and SLA, satisfaction, care visits and the station map. A fixed number of queries."""
    node, access = dashboard_node(user=user, org_id=org_id)
    today = timezone.localdate()
    months = _months(today)
    children, stock = _children(node, months)
    dashboard = Dashboard(
        node=node,
        access=access,
        breadcrumb=_breadcrumb(user, node),
        children=children if access == "full" else [{"id": c["id"], "name": c["name"]} for c in children],
        updated_at=last_refresh_at(),
    )
    panels: dict[str, Any] = {"requests": _requests(user, node, today)}
    if access == "full":
        trend = _trend(node, months)
        rated = {
            "满意": sum(trend["callbacks_satisfied"]),
            "基本满意": sum(trend["callbacks_basic"]),
            "不满意": sum(trend["callbacks_unsatisfied"]),
        }
        panels |= {
            "totals": {
                **stock,
                "activities": sum(trend["activities"]),
                "credit_minutes": sum(trend["credit_minutes"]),
                "honour_minutes": sum(trend["honour_minutes"]),
                "points_earned": sum(trend["points_earned"]),
                "care_visits": sum(trend["care_visits"]),
            },
            "political": [{"name": label, "value": stock[f]} for f, label in POLITICAL],
            "months": [m.strftime("%Y-%m") for m in months],
            "trend": trend,
            "satisfaction": [{"name": k, "value": v} for k, v in rated.items()],
            "care": _care(node, today),
            "stations": _stations(user, node),
            "counties": _counties(node, months),
        }
    dashboard.panels = panels
    return dashboard


# ---- exports ------------------------------------------------------------------------------------


def export_list(*, user: User) -> QuerySet[DataExport]:
    """The user's own exports, newest first (paginate the result)."""
    return policy.scope(user, "data_export", DataExport.objects.filter(created_by=user)).select_related("org")


def export_get(*, user: User, pk: int) -> DataExport:
    export = (
        policy.scope(user, "data_export", DataExport.objects.select_related("org", "created_by")).filter(pk=pk).first()
        if 0 < pk < 2**31
        else None
    )
    if export is None:
        raise NotFound("导出记录不存在或您无权查看")
    return export


def export_table_choices() -> list[tuple[str, str]]:
    return [(t.key, t.label) for t in tables().values()]


def export_category_choices() -> dict[str, list[tuple[str, str]]]:
    return {t.key: list(t.categories) for t in tables().values() if t.categories}


def export_org_choices(*, user: User) -> list[OrgNode]:
    """Nodes the user administers, down to two levels below their top nodes (for the export form)."""

    return [n for n in org_filter_choices(user=user) if policy.can_administer(user, n)]
