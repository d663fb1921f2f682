"""Who sees and changes service records, certificates and proposals to add credit minutes, who corrects
a record or reviews an anomaly, and who grants honour hours (registered from RecordsConfig.ready())."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from redvest.activities.access import activities_run_by
from redvest.core.policy import Action, Grant, ResourceRules, Rows, can, register_resource, roles_of
from redvest.core.roles import ADMIN_ROLES, LEAD_ROLES, Role

if TYPE_CHECKING:
    from redvest.records.models import Anomaly, ServiceRecord


def _record_rule(grant: Grant, action: Action, rows: Rows) -> Q | None:
    """Below org admin: team leaders and liaisons view and change the records of the activities their team
    runs; a volunteer views their own records."""
    if grant.role in LEAD_ROLES:
        return Q(activity_id__in=activities_run_by(grant.team_id or 0))
    if grant.role == Role.VOLUNTEER and action == "view":
        return Q(volunteer_id=grant.volunteer_id)
    return None


def _certificate_rule(grant: Grant, action: Action, rows: Rows) -> Q | None:
    """Below org admin: a volunteer's own certificates (viewed, and requested)."""
    return Q(volunteer_id=grant.volunteer_id) if grant.role == Role.VOLUNTEER else None


def _correction_proposal_rule(grant: Grant, action: Action, rows: Rows) -> Q | None:
    """A proposal to add credit minutes is decided by an org admin strictly above its anchor node, so the
    admins at that node see it but do not decide; the team that ran the activity sees its proposals."""
    if grant.role == Role.ORG_ADMIN:
        return rows.subtree if action == "view" else rows.subtree & ~rows.own
    if grant.role in LEAD_ROLES and action == "view":
        return Q(record__activity_id__in=activities_run_by(grant.team_id or 0))
    return None


def may_change_record(user: Any, record: ServiceRecord) -> bool:
    """The record policy, or the activity policy for the activity the record belongs to."""
    if can(user, "change", record):
        return True
    activity = record.activity
    return activity is not None and can(user, "change", activity)


def may_review_anomaly(user: Any, anomaly: Anomaly) -> bool:
    """The record policy for its record, or the activity policy for its activity."""
    if anomaly.record is not None and may_change_record(user, anomaly.record):
        return True
    return anomaly.activity is not None and can(user, "change", anomaly.activity)


def can_grant_honour(user: Any) -> bool:
    """Honour hours are granted by administrators only (the service then checks the volunteer's node): the
    grant form and its links are offered to system admins and org admins, never to leaders or volunteers."""
    return bool(roles_of(user) & ADMIN_ROLES)


def can_approve_corrections(user: Any) -> bool:
    """Who may decide proposals to add credit minutes somewhere (each proposal then asks `can`)."""
    return bool(roles_of(user) & ADMIN_ROLES)


def register() -> None:
    register_resource(
        ResourceRules(name="record", models=("records.servicerecord",), path="volunteer__org__path", rule=_record_rule)
    )
    register_resource(
        ResourceRules(
            name="certificate", models=("records.certificate",), path="volunteer__org__path", rule=_certificate_rule
        )
    )
    register_resource(
        ResourceRules(
            name="correction_proposal",
            models=("records.correctionproposal",),
            path="anchor_org__path",  # the node the approver must be strictly above
            rule=_correction_proposal_rule,
            admins_subtree=False,
        )
    )
