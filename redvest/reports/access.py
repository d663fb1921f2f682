"""Who files and reviews quarterly reports and who reads circulars (registered from ReportsConfig.ready())."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from redvest.core.errors import PermissionDenied
from redvest.core.policy import Action, Grant, ResourceRules, Rows, Rule, can, grants_for, register_resource
from redvest.core.roles import Role
from redvest.orgs.selectors import ancestors_paths
from redvest.reports.models import QuarterlyReport
from redvest.reports.selectors import records_path


def _reports_rule(resource: str) -> Rule:
    def rule(grant: Grant, action: Action, rows: Rows) -> Q | None:
        """Quarterly reports and circulars are org admins' business only: their subtree's reports (their
        own node files, the nodes below are reviewed) and circulars; a published circular is also read by
        the org admins below the node that issued it."""
        if grant.role != Role.ORG_ADMIN:
            return None
        if resource == "circular" and action == "view":
            return rows.subtree | Q(status="published", org__path__in=ancestors_paths(grant.path))
        return rows.subtree

    return rule


def require_may_file(actor: Any, report: QuarterlyReport) -> None:
    """Filling in and submitting a report: whoever may change it (the filing node's admins and above)."""
    if not can(actor, "change", report):
        raise PermissionDenied("您无权填报该组织的季报")


def can_review(user: Any, report: QuarterlyReport) -> bool:
    """The 工委 reviews: a system admin, or an org admin at a node strictly above the organisation and
    its host (the 党支部's own 单位/村社区 admins file, they do not review themselves)."""
    host = records_path(report.org)
    for grant in grants_for(user):
        if grant.role == Role.SYSTEM_ADMIN:
            return True
        if grant.role == Role.ORG_ADMIN and host.startswith(grant.path) and len(grant.path) < len(host):
            return True
    return False


def register() -> None:
    register_resource(
        ResourceRules(
            name="quarterly_report",
            models=("reports.quarterlyreport",),
            path="org__path",  # the filing party organisation
            rule=_reports_rule("quarterly_report"),
            admins_subtree=False,
        )
    )
    register_resource(
        ResourceRules(
            name="circular",
            models=("reports.circular",),
            path="org__path",  # the reviewing node that issues it
            rule=_reports_rule("circular"),
            admins_subtree=False,
        )
    )
