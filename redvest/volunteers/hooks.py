"""Where the teams app takes part in the volunteer ledger; it registers from TeamsConfig.ready()
(`redvest.teams.volunteers_hooks`). Teams sits above volunteers (a membership points at a volunteer), so
the ledger reaches a person's teams only through these hooks.

Called positionally, inside the caller's transaction (see `redvest.core.hooks`). The readers have one
registrant; `one()` takes its result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from redvest.core.hooks import Hook

if TYPE_CHECKING:
    from django.db.models import Prefetch, QuerySet
    from django.http import HttpRequest

    from redvest.accounts.models import User
    from redvest.orgs.models import OrgNode
    from redvest.volunteers.models import Volunteer

T = TypeVar("T")


def one(results: list[T]) -> T:
    """The result of a hook with exactly one registrant."""
    (result,) = results
    return result


# Writes. A person registered (actor, volunteer, team): the team becomes their organisational team.
volunteer_registered: Hook[[User | None, Volunteer, Any], Any] = Hook("volunteers.volunteer_registered")

# The Excel import wrote volunteers in bulk (actor, volunteers, team ids, reason): `volunteers[i]` joins
# `team_ids[i]`. Raises `volunteers.errors.TeamUnavailable` when a team was dissolved meanwhile.
volunteers_imported: Hook[[User | None, list[Volunteer], list[int], str], Any] = Hook("volunteers.volunteers_imported")

# A volunteer was deregistered (actor, volunteer, reason): every current membership ends (history kept).
volunteer_deregistered: Hook[[User | None, Volunteer, str], Any] = Hook("volunteers.volunteer_deregistered")

# A transfer was accepted (actor, volunteer now at the new org, reason): memberships of teams outside the new
# org's subtree end (history kept); led teams get their successor.
volunteer_transferred: Hook[[User | None, Volunteer, str], Any] = Hook("volunteers.volunteer_transferred")

# Reads. The Prefetch putting the current organisational membership (with its team) on each volunteer as
# `current_org_memberships`, read by `Volunteer.org_team`.
org_team_prefetch: Hook[[], Prefetch[Any]] = Hook("volunteers.org_team_prefetch")

# A volunteer's current organisational team (or None), when it was not prefetched.
org_team_of: Hook[[Volunteer], Any] = Hook("volunteers.org_team_of")

# The name of a volunteer's current organisational team as an expression on the volunteer's row (a
# subquery on `OuterRef("pk")`, NULL without one): the export reads it in its own query.
org_team_name: Hook[[], Any] = Hook("volunteers.org_team_name")

# Ids of a team's current members, as a subquery (team id).
current_member_ids: Hook[[int], QuerySet[Any]] = Hook("volunteers.current_member_ids")

# A volunteer's current memberships (organisational first), and every membership, oldest first.
current_memberships: Hook[[Volunteer], QuerySet[Any]] = Hook("volunteers.current_memberships")
membership_history: Hook[[Volunteer], QuerySet[Any]] = Hook("volunteers.membership_history")

# Team pickers: active teams the user may assign people to (user, org subtree or None); active teams the
# public may choose; one team by id (or None).
team_choices: Hook[[User, OrgNode | None], QuerySet[Any]] = Hook("volunteers.team_choices")
public_team_choices: Hook[[], QuerySet[Any]] = Hook("volunteers.public_team_choices")
team_get: Hook[[int], Any] = Hook("volunteers.team_get")

# The import's 服务队 column: (id, name, org path) of the active teams in an org's subtree.
import_teams: Hook[[OrgNode], list[tuple[int, str, str]]] = Hook("volunteers.import_teams")


# Pages. The record page's extra sections from apps above (request, volunteer) → rendered HTML, each
# costing a constant number of queries: equipment (领用的服装装备, `equipment.volunteers_hooks`).
volunteer_page_sections: Hook[[HttpRequest, Volunteer], Any] = Hook("volunteers.volunteer_page_sections")

# Panels on a volunteer's page from apps above (the data exchange's 转入记录): each returns a line of text
# and a link (text, url), or None when it has nothing for this volunteer.
detail_panels: Hook[[Volunteer], tuple[str, str] | None] = Hook("volunteers.detail_panels")
