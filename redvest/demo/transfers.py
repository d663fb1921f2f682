"""Demo 转移接续: one roster volunteer of another town asked to move to 金陵社区 (雉城街道), waiting for a
decision, so the `county` and `town` logins find 待接收的转移接续 on their workbench.

Asked through `transfer_request`, by the county admin (an admin over the volunteer's org)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from redvest.orgs.models import OrgKind
from redvest.orgs.selectors import in_subtree_q
from redvest.volunteers.models import Volunteer, VolunteerStatus, VolunteerTransfer
from redvest.volunteers.services import transfer_request

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.orgs.models import OrgNode

REASON = "工作调动，全家搬到雉城街道金陵社区居住，申请转入金陵社区服务"


def write_transfer(*, admin: User, town: OrgNode, community: OrgNode) -> VolunteerTransfer | None:
    """The first registered volunteer of a community outside `town` (no demo login) asks to join `community`."""
    volunteer = (
        Volunteer.objects.filter(status=VolunteerStatus.REGISTERED, user__isnull=True, org__kind=OrgKind.COMMUNITY)
        .exclude(in_subtree_q("org__path", town.path))
        .order_by("pk")
        .first()
    )
    if volunteer is None:
        return None
    return transfer_request(actor=admin, volunteer=volunteer, to_org=community, reason=REASON)
