"""Writes over the org tree, by capability: nodes (`nodes`), stations and their 五有 checklist (`stations`).
Role assignments at a node are accounts' (`redvest.accounts.services.node_role_grant`).

Every write is one transaction with its audit row; bad input raises a DomainError before anything
is written. Permissions are asked of `redvest.accounts.policy` only."""

from __future__ import annotations

from redvest.orgs.services._common import UNSET, clean_text, lock_node
from redvest.orgs.services.nodes import TEAM_MIN_SIZE_RANGE, node_create, node_delete, node_move, node_update
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
    "TEAM_MIN_SIZE_RANGE",
    "UNSET",
    "clean_text",
    "fivehave_evidence_add",
    "fivehave_inspect",
    "lock_node",
    "node_create",
    "node_delete",
    "node_move",
    "node_update",
    "station_update",
]
