"""Settings that an org node inherits down the tree: earning rules, points policy, pioneer weights."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from redvest.orgs.models import OrgNode
from redvest.orgs.selectors import ancestors_paths, in_subtree_q
from redvest.points.models import EarningRule, PioneerConfig, PointsPolicy, PointType
from redvest.records.models import RecordKind, ServiceTotal
from redvest.records.selectors import star_level, star_thresholds_for

if TYPE_CHECKING:
    from redvest.volunteers.models import Volunteer

DEFAULT_ALLOW_FUND_DONATION = True
DEFAULT_ALLOW_TRANSFER = False
DEFAULT_EXPIRY_YEARS = 0  # never
DEFAULT_HOLD_HOURS = 72


@dataclass(frozen=True)
class RuleInForce:
    point_type: str
    label: str
    rule: EarningRule | None  # None: no rule anywhere up the tree, or switched off

    @property
    def earns(self) -> bool:
        return self.rule is not None and self.rule.is_active


def rules_in_force(*, org: OrgNode) -> list[RuleInForce]:
    """For each point type, the nearest rule up the tree (one query); an inactive nearest rule switches
    the type off for the subtree."""
    paths = ancestors_paths(org.path)
    nearest: dict[str, EarningRule] = {}
    for rule in EarningRule.objects.filter(org__path__in=paths).select_related("org"):
        current = nearest.get(rule.point_type)
        if current is None or len(rule.org.path) > len(current.org.path):
            nearest[rule.point_type] = rule
    return [RuleInForce(point_type=t.value, label=t.label, rule=nearest.get(t.value)) for t in PointType]


def rule_in_force(*, org: OrgNode, point_type: str) -> EarningRule | None:
    """The active rule for one type at a node, or None when that type earns nothing there."""
    for item in rules_in_force(org=org):
        if item.point_type == point_type:
            return item.rule if item.earns else None
    return None


@dataclass(frozen=True)
class EffectivePolicy:
    allow_fund_donation: bool
    allow_transfer: bool
    expiry_years: int
    hold_hours: int
    expiry_org_id: int | None  # the node whose setting decides expiry (its bank takes expired points)


def policy_for(*, org: OrgNode) -> EffectivePolicy:
    """Each field from the nearest node that sets it, else the defaults (one query)."""
    rows = sorted(
        PointsPolicy.objects.filter(org__path__in=ancestors_paths(org.path)).select_related("org"),
        key=lambda p: len(p.org.path),
        reverse=True,
    )

    def nearest(field: str) -> PointsPolicy | None:
        return next((row for row in rows if getattr(row, field) is not None), None)

    fund, transfer, expiry, hold = (
        nearest(f) for f in ("allow_fund_donation", "allow_transfer", "expiry_years", "hold_hours")
    )
    return EffectivePolicy(
        allow_fund_donation=bool(fund.allow_fund_donation) if fund else DEFAULT_ALLOW_FUND_DONATION,
        allow_transfer=bool(transfer.allow_transfer) if transfer else DEFAULT_ALLOW_TRANSFER,
        expiry_years=int(expiry.expiry_years or 0) if expiry else DEFAULT_EXPIRY_YEARS,
        hold_hours=int(hold.hold_hours or DEFAULT_HOLD_HOURS) if hold else DEFAULT_HOLD_HOURS,
        expiry_org_id=expiry.org_id if expiry else None,
    )


def pioneer_config_for(*, org: OrgNode) -> PioneerConfig:
    """The nearest weights up the tree, else the defaults (an unsaved row)."""
    rows = PioneerConfig.objects.filter(org__path__in=ancestors_paths(org.path)).select_related("org")
    best = max(rows, key=lambda c: len(c.org.path), default=None)
    return best if best is not None else PioneerConfig(org=org)


def pioneer_configs_under(*, org: OrgNode) -> list[PioneerConfig]:
    """The config in force at `org` and every config set inside its subtree, deepest first: what a
    ranking over the subtree needs to weigh each member by their own org's config."""
    inherited = pioneer_config_for(org=org)
    inside = list(
        PioneerConfig.objects.filter(in_subtree_q("org__path", org.path))
        .exclude(org__path=org.path)
        .select_related("org")
    )
    inside.sort(key=lambda c: len(c.org.path), reverse=True)
    return [*inside, inherited]


def volunteer_tier(*, volunteer: Volunteer) -> int:
    """The volunteer's star level (0–5) from lifetime credit hours: the privilege tier for 礼遇 items."""
    from django.db.models import Sum

    minutes = (
        ServiceTotal.objects.filter(volunteer=volunteer, kind=RecordKind.CREDIT).aggregate(total=Sum("minutes"))[
            "total"
        ]
        or 0
    )
    return star_level(credit_minutes=int(minutes), thresholds_hours=star_thresholds_for(org=volunteer.org)).stars
