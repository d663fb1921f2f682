"""What can go wrong in the demand loop, each with its Chinese message."""

from __future__ import annotations

from redvest.core.errors import Conflict, DomainError, NotFound, PermissionDenied


class UnknownServiceItem(NotFound):
    code = "unknown_service_code"
    default_message = "服务项目不存在或已停用"


class LocationRequired(DomainError):
    code = "location_required"
    default_message = "请填写服务地址或经纬度坐标"


class RequestNotOpen(Conflict):
    code = "request_not_open"
    default_message = "该工单已办结或已撤销，不能再进行此操作"


class DispatchStateInvalid(Conflict):
    code = "dispatch_state_invalid"
    default_message = "该派单当前状态不能进行此操作"


class AlreadyDone(Conflict):
    code = "already_done"
    default_message = "已办结，请勿重复操作"


class OutsideDispatchArea(PermissionDenied):
    code = "outside_dispatch_area"
    default_message = "只能派单给您调度范围内的站点、服务队或志愿者"


class DuplicateAssignee(Conflict):
    code = "duplicate_assignee"
    default_message = "该对象已有进行中的派单"


class NoCandidate(Conflict):
    code = "no_candidate"
    default_message = "附近没有合适的派单对象，请人工派单"


class ErrandIncomplete(Conflict):
    code = "errand_incomplete"
    default_message = "红色代办尚有未完成的步骤或未收齐的材料"


class IdempotencyConflict(Conflict):
    code = "idempotency_conflict"
    default_message = "该提交编号已被其他来源使用，请刷新页面后重新提交"


class AlreadyEvaluated(Conflict):
    code = "already_evaluated"
    default_message = "本轮办理已评价，请勿重复提交"
