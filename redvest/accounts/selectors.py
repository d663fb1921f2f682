from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from redvest.accounts.models import Role
from redvest.accounts.policy import grants_for
from redvest.orgs.models import OrgNode


@dataclass
class RoleLine:
    role: str
    org_name: str


@dataclass
class Profile:
    user: Any
    roles: list[RoleLine]
    volunteer: Any


def profile_for(*, user: Any) -> Profile:
    grants = grants_for(user)
    names = dict(OrgNode.objects.filter(pk__in={g.org_id for g in grants}).values_list("id", "name"))
    labels = dict(Role.choices)
    from redvest.volunteers.models import Volunteer

    volunteer = Volunteer.objects.filter(user=user).select_related("org").first()
    return Profile(
        user=user,
        roles=[RoleLine(role=labels[g.role], org_name=names.get(g.org_id, "全部")) for g in grants],
        volunteer=volunteer,
    )
