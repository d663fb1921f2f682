"""Publicity's business-rule errors (Chinese messages, HTTP status from the base class)."""

from __future__ import annotations

from redvest.core.errors import Conflict, DomainError


class CommitmentExists(Conflict):
    code = "commitment_exists"
    default_message = "该志愿者本年度在此服务场景已作出承诺，每人每年每个场景只能作一项承诺"


class NotAVolunteer(DomainError):
    code = "not_a_volunteer"
    status = 403
    default_message = "您还不是注册志愿者，无法作出承诺或报名培训"


class BadExemplarStatus(Conflict):
    code = "exemplar_status"
    default_message = "典型当前的状态不允许此操作"


class SessionFull(Conflict):
    code = "session_full"
    default_message = "培训名额已满"


class AlreadyEnrolled(Conflict):
    code = "already_enrolled"
    default_message = "已报名该培训，请勿重复报名"
