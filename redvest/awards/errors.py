"""The awards' business-rule errors (Chinese messages; the API maps them to JSON)."""

from __future__ import annotations

from redvest.core.errors import Conflict, DomainError, PermissionDenied


class StageClosed(DomainError):
    code = "stage_closed"
    status = 409
    default_message = "当前阶段不能进行此操作"


class AlreadyVoted(Conflict):
    code = "already_voted"
    default_message = "已对该参评对象投过票"


class AlreadyScored(Conflict):
    code = "already_scored"
    default_message = "已为该入围对象评过分"


class OwnOrganisation(PermissionDenied):
    code = "own_organisation"
    default_message = "不能评本单位（含下级单位）推荐的参评对象"


class NotAJudge(PermissionDenied):
    code = "not_a_judge"
    default_message = "您不是本次评选的评委"


class VotesUsedUp(Conflict):
    code = "votes_used_up"
    default_message = "您的票数已用完"


class QuotaExceeded(Conflict):
    code = "quota_exceeded"
    default_message = "推荐名额已用完"
