"""党建考核 bonus for 组团 services, computed per quarter for a subtree.

A 组团 request is one resolved in the quarter with two or more completed dispatch parts. The request's
area node organised it (牵头); the org of every team that completed one of its parts joined it (参与;
once per request and org, however many of its teams took part). An org's points are organised × the
rule's organising points + joined × its joining points, capped at the rule's cap per quarter. The rule
is the nearest one up the tree from the org (an inactive nearest rule switches the bonus off).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from openpyxl import Workbook

from redvest.core.excel import BOLD, excel_append, excel_bytes, excel_sheet
from redvest.demand.models import Dispatch, DispatchStatus, ServiceRequest
from redvest.evaluation.models import BonusRule
from redvest.evaluation.period import Period
from redvest.orgs.models import OrgNode
from redvest.orgs.selectors import ancestors_paths, in_subtree_q


@dataclass(frozen=True)
class BonusRow:
    org_id: int
    org_name: str
    org_path: str
    organised: int
    joined: int
    raw_points: int
    points: int
    rule: BonusRule | None

    @property
    def capped(self) -> bool:
        return self.points < self.raw_points


def bonus_rule_in_force(*, org: OrgNode) -> BonusRule | None:
    rows = BonusRule.objects.filter(org__path__in=ancestors_paths(org.path)).select_related("org")
    return max(rows, key=lambda r: len(r.org.path), default=None)


def _rules_for(root: OrgNode) -> dict[str, BonusRule]:
    """Rules above and inside the subtree, by their node's path (one query)."""
    rows = BonusRule.objects.filter(
        Q(org__path__in=ancestors_paths(root.path)) | in_subtree_q("org__path", root.path)
    ).select_related("org")
    return {r.org.path: r for r in rows}


def _nearest(path: str, rules: dict[str, BonusRule]) -> BonusRule | None:
    for p in reversed(ancestors_paths(path)):
        if p in rules:
            return rules[p]
    return None


def bonus_table(*, org: OrgNode, period: Period) -> list[BonusRow]:
    """Every org in the subtree that organised or joined a 组团 request in the quarter, most points first
    (three queries, whatever the size of the subtree)."""

    lo, hi = period.bounds
    grouped = (
        Dispatch.objects.filter(status=DispatchStatus.DONE, request__resolved_at__gte=lo, request__resolved_at__lt=hi)
        .order_by()
        .values("request_id")
        .annotate(parts=Count("id"))
        .filter(parts__gte=2)
        .values("request_id")
    )
    organised = (
        ServiceRequest.objects.filter(in_subtree_q("area__path", org.path), pk__in=grouped)
        .order_by()
        .values_list("area_id", "area__name", "area__path")
        .annotate(n=Count("id"))
    )
    joined = (
        Dispatch.objects.filter(
            in_subtree_q("team__org__path", org.path),
            status=DispatchStatus.DONE,
            team__isnull=False,
            request_id__in=grouped,
        )
        .order_by()
        .values_list("team__org_id", "team__org__name", "team__org__path")
        .annotate(n=Count("request_id", distinct=True))
    )
    counts: dict[int, list[Any]] = {}
    for org_id, name, path, n in organised:
        counts.setdefault(org_id, [name, path, 0, 0])[2] = n
    for org_id, name, path, n in joined:
        counts.setdefault(org_id, [name, path, 0, 0])[3] = n
    rules = _rules_for(org)
    rows: list[BonusRow] = []
    for org_id, (name, path, n_org, n_join) in counts.items():
        rule = _nearest(path, rules)
        raw = 0
        points = 0
        if rule is not None and rule.is_active:
            raw = n_org * rule.organise_points + n_join * rule.join_points
            points = raw if rule.cap_per_period is None else min(raw, rule.cap_per_period)
        rows.append(
            BonusRow(
                org_id=org_id,
                org_name=name,
                org_path=path,
                organised=n_org,
                joined=n_join,
                raw_points=raw,
                points=points,
                rule=rule,
            )
        )
    rows.sort(key=lambda r: (-r.points, -(r.organised + r.joined), r.org_path))
    return rows


def bonus_xlsx(*, org: OrgNode, period: Period, rows: Iterable[BonusRow]) -> bytes:
    """The bonus table as a workbook for the party-building assessment (党建考核)."""
    wb = Workbook(write_only=True)
    ws = excel_sheet(wb, "党建考核组团加分", widths=(30, 12, 12, 12, 12, 30))
    excel_append(ws, [f"{org.name} {period.label} 组团服务党建考核加分"])
    excel_append(ws, ("组织", "牵头组团（次）", "参与组团（次）", "应得分", "加分（封顶后）", "适用规则"), font=BOLD)
    for r in rows:
        rule = str(r.rule) if r.rule else "未设置规则"
        excel_append(ws, [r.org_name, r.organised, r.joined, r.raw_points, r.points, rule])
    return excel_bytes(wb)
