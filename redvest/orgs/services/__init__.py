"""Writes over the org tree, by capability: nodes (`nodes`), stations and their 五有 checklist (`stations`),
role assignments at a node (`roles`).

Every write is one transaction with its audit row; bad input raises a DomainError before anything
is written. Permissions are asked of `redvest.accounts.policy` only."""

from __future__ import annotations

from redvest.orgs.services._common import UNSET
from redvest.orgs.services.nodes import TEAM_MIN_SIZE_RANGE, node_create, node_delete, node_move, node_update
from redvest.orgs.services.roles import NewAccount, node_role_grant, role_revoke
from redvest.orgs.services.stations import (
    EVIDENCE_MAX_BYTES,
    EVIDENCE_SIGNATURES,
    fivehave_evidence_add,
    fivehave_inspect,
    station_update,
)

__all__ = [
    "EVIDENCE_MAX_BYTES",
    "EVIDENCE_SIGNATURES",
    "NewAccount",
    "TEAM_MIN_SIZE_RANGE",
    "UNSET",
    "fivehave_evidence_add",
    "fivehave_inspect",
    "node_create",
    "node_delete",
    "node_move",
    "node_role_grant",
    "node_update",
    "role_revoke",
    "station_update",
]
