"""Errors of the teams capability (messages are shown to users as they are)."""

from __future__ import annotations

from redvest.core.errors import AppendOnlyError, Conflict, DomainError
from redvest.volunteers.errors import TeamUnavailable


class TeamInactive(TeamUnavailable):
    """A dissolved team: raised by its writes, and on the ledger's import through `volunteers.hooks`."""


class AlreadyMember(Conflict):
    code = "already_member"
    default_message = "该志愿者已是本队队员"


class NotAMember(DomainError):
    code = "not_a_member"
    default_message = "该志愿者不是本队的在册队员"


class RequestNotPending(Conflict):
    code = "request_not_pending"
    default_message = "该申请已处理，不能重复操作"


class PendingRequestExists(Conflict):
    code = "pending_request_exists"
    default_message = "已有待审批的入队申请，请耐心等待"


class TeamHasActiveChildren(Conflict):
    code = "team_has_children"
    default_message = "该队还有未撤销的下级队伍，请先撤销或调整下级队伍"


class VolunteerNotEligible(DomainError):
    code = "volunteer_not_eligible"
    default_message = "志愿者注册审核通过后才能加入服务队"


class AnnouncementAppendOnly(AppendOnlyError):
    default_message = "群公告发布后不能修改或删除；如需更正请发布修订版"


class AnnouncementSuperseded(Conflict):
    code = "announcement_superseded"
    default_message = "该公告已有修订版，请在最新版本上修订"
