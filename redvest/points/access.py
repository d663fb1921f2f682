"""Who sees and changes points accounts, earning rules, good-deed claims, the bank's rewards, alliance
merchants, redemptions and pioneer-index entries, and who runs a node's good-deeds bank (registered from
PointsConfig.ready())."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from redvest.core.policy import Action, Grant, ResourceRules, Rows, Rule, grants_for, register_resource
from redvest.core.roles import Role
from redvest.orgs.selectors import in_subtree_q

# Merchant operators' own rows: the lookup from each resource to the shop's operator.
_OPERATOR = {
    "merchant": "operator_id",
    "reward": "merchant__operator_id",
    "redemption": "item__merchant__operator_id",
}


def _points_rule(resource: str) -> Rule:
    def rule(grant: Grant, action: Action, rows: Rows) -> Q | None:
        """Points resources below org admin. A volunteer sees their own account, claims, redemptions and
        index entries and spends from their own account; a station keeper runs the bank counter of their
        own station; a merchant runs their own shop at the node they were approved at; whoever reported a
        good deed can follow it."""
        role = grant.role
        reported_by_me = Q(reporter_id=grant.user_id)
        if role == Role.VOLUNTEER:
            mine = Q(volunteer_id=grant.volunteer_id)
            if resource == "points_account":
                return mine
            if resource == "points_claim" and action == "view":
                return mine | reported_by_me
            return mine if action == "view" and resource in {"redemption", "pioneer_index"} else None
        if role == Role.STATION_KEEPER:
            if resource == "reward":
                return rows.subtree if action == "view" else rows.own & Q(merchant__isnull=True)
            if resource == "redemption":
                return rows.own & Q(item__merchant__isnull=True)  # the bank counter, not a merchant at the same node
            return reported_by_me if resource == "points_claim" and action == "view" else None
        if role == Role.MERCHANT:
            if resource in _OPERATOR:
                return rows.own & Q(**{_OPERATOR[resource]: grant.user_id})
            return None
        if role == Role.RESIDENT:
            return reported_by_me if resource == "points_claim" and action == "view" else None
        return None

    return rule


def can_manage_bank(user: Any, org: Any) -> bool:
    """The good-deeds bank of a node (its catalog, its counter, its reports): system admins, org admins
    whose subtree holds it, and the station keeper of exactly that node."""
    path = org.path
    return any(
        g.role == Role.SYSTEM_ADMIN
        or (g.role == Role.ORG_ADMIN and path.startswith(g.path))
        or (g.role == Role.STATION_KEEPER and path == g.path)
        for g in grants_for(user)
    )


def bank_nodes_q(user: Any) -> Q:
    """The org nodes whose bank the user runs (as a filter on OrgNode): stations they keep and the
    subtrees they administer; Q() for a system admin, no node for anyone else."""
    q = Q(pk__in=[])
    for grant in grants_for(user):
        if grant.role == Role.SYSTEM_ADMIN:
            return Q()
        if grant.role == Role.ORG_ADMIN:
            q |= in_subtree_q("path", grant.path)
        elif grant.role == Role.STATION_KEEPER:
            q |= Q(path=grant.path)
    return q


def register() -> None:
    declared = [
        # a volunteer's points account (banks and funds: can_manage_bank)
        ("points_account", "points.pointsaccount", "volunteer__org__path", frozenset()),
        ("earning_rule", "points.earningrule", "org__path", frozenset({Role.VOLUNTEER})),
        ("points_claim", "points.pointsclaim", "volunteer__org__path", frozenset()),
        # the bank counter's or the merchant's node
        ("reward", "points.rewarditem", "org__path", frozenset({Role.VOLUNTEER, Role.MERCHANT})),
        ("merchant", "points.merchant", "org__path", frozenset({Role.VOLUNTEER})),
        ("redemption", "points.redemption", "item__org__path", frozenset()),  # where it is picked up
        ("pioneer_index", "points.pioneerentry", "volunteer__org__path", frozenset()),  # manual bonus/deduction
    ]
    for name, label, path, public_to in declared:
        register_resource(
            ResourceRules(name=name, models=(label,), path=path, rule=_points_rule(name), public_to=public_to)
        )
