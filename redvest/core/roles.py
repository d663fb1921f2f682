"""The roles a user can hold, and the groups the menus, to-dos and access rules of every app ask about.

They live at the bottom (core) so that the access engine (`redvest.core.policy`) and the apps below
accounts can name them; `redvest.accounts.models` re-exports them for everyone else.
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    ORG_ADMIN = "org_admin", "组织管理员"
    TEAM_LEADER = "team_leader", "服务队负责人"
    TEAM_LIAISON = "team_liaison", "服务队联络员"
    DISPATCHER = "dispatcher", "热线调度员"
    STATION_KEEPER = "station_keeper", "站点管理员"
    MERCHANT = "merchant", "加盟商家"
    VOLUNTEER = "volunteer", "志愿者"
    RESIDENT = "resident", "群众"


# Role groups the menus and to-dos of every app ask about.
ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.ORG_ADMIN})
LEAD_ROLES = frozenset({Role.TEAM_LEADER, Role.TEAM_LIAISON})
STAFF_ROLES = ADMIN_ROLES | {Role.DISPATCHER, Role.STATION_KEEPER}
