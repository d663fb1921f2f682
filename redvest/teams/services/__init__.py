"""Writes of the teams capability. Every function is atomic, audited, keyword-only, with an explicit actor."""

from redvest.teams.errors import TeamInactive
from redvest.teams.services.announcements import (
    AnnouncementData,
    announcement_mark_read,
    announcement_post,
    announcement_revise,
)
from redvest.teams.services.brands import BrandData, brand_create, brand_update
from redvest.teams.services.memberships import (
    join_request_approve,
    join_request_create,
    join_request_reject,
    join_request_withdraw,
    leader_succeed,
    membership_add,
    membership_assign_org_team,
    membership_leave,
    membership_leave_all,
    memberships_create_org_bulk,
)
from redvest.teams.services.teams import (
    TeamData,
    backbone_set,
    team_create,
    team_deactivate,
    team_document_upload,
    team_leader_step_down,
    team_set_leader,
    team_set_liaison,
    team_update,
)

__all__ = [
    "AnnouncementData",
    "announcement_mark_read",
    "announcement_post",
    "announcement_revise",
    "BrandData",
    "TeamData",
    "TeamInactive",
    "backbone_set",
    "brand_create",
    "brand_update",
    "join_request_approve",
    "join_request_create",
    "join_request_reject",
    "join_request_withdraw",
    "leader_succeed",
    "membership_add",
    "membership_assign_org_team",
    "membership_leave",
    "membership_leave_all",
    "memberships_create_org_bulk",
    "team_create",
    "team_deactivate",
    "team_document_upload",
    "team_leader_step_down",
    "team_set_leader",
    "team_set_liaison",
    "team_update",
]
