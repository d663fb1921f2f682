"""What can go wrong with service records and certificates, in the words the user sees."""

from __future__ import annotations

from redvest.core.errors import AppendOnlyError, Conflict, DomainError, PermissionDenied


class ReasonRequired(DomainError):
    code = "reason_required"
    default_message = "请填写原因"


class InvalidMinutes(DomainError):
    code = "invalid_minutes"
    default_message = "时长无效"


class RecordAlreadyReversed(Conflict):
    code = "record_already_reversed"
    default_message = "该记录已被冲销，不能再次更正；请对其更正记录进行更正"


class ReversalNotCorrectable(Conflict):
    code = "reversal_not_correctable"
    default_message = "冲销记录不能更正"


class SameMinutes(DomainError):
    code = "same_minutes"
    default_message = "更正后的时长与原记录相同，无需更正"


class NotOwnRecord(PermissionDenied):
    code = "not_own_record"
    default_message = "只能对本人的服务记录提出异议"


class DisputeAlreadyOpen(Conflict):
    code = "dispute_already_open"
    default_message = "该记录已有待处理的异议，请等待处理结果"


class DisputeClosed(Conflict):
    code = "dispute_closed"
    default_message = "该异议已处理"


class SelfReview(PermissionDenied):
    code = "self_review"
    default_message = "不能处理本人提出的异议"


class ActivityNotEnded(Conflict):
    code = "activity_not_ended"
    default_message = "活动尚未结束，不能补录"


class ActivityCancelled(Conflict):
    code = "activity_cancelled"
    default_message = "活动已取消，不能补录"


class MakeupWindowClosed(Conflict):
    code = "makeup_window_closed"
    default_message = "已超过活动结束后10个工作日的补录期限"


class MakeupTooLong(DomainError):
    code = "makeup_too_long"
    default_message = "补录时长不能超过活动计划时长"


class AlreadyRecorded(Conflict):
    code = "already_recorded"
    default_message = "该志愿者在此活动已有服务记录，如有错误请提交更正"


class EvidenceRequired(DomainError):
    code = "evidence_required"
    default_message = "请上传佐证材料"


class EvidenceInvalid(DomainError):
    code = "evidence_invalid"
    default_message = "佐证材料须为照片（JPG/PNG/WebP）或文档（PDF/Word），且不超过10MB"


class FutureDate(DomainError):
    code = "future_date"
    default_message = "服务日期不能晚于今天"


class AnomalyClosed(Conflict):
    code = "anomaly_closed"
    default_message = "该异常已处理"


class AnomalyNeedsAttendanceConfirm(Conflict):
    code = "anomaly_needs_attendance_confirm"
    default_message = "自动签退的记录请在活动签到管理中确认"


class AnomalyHasNoRecord(Conflict):
    code = "anomaly_has_no_record"
    default_message = "该异常尚无对应的服务记录，无法更正，可核实后标记无误"


class InvalidThresholds(DomainError):
    code = "invalid_thresholds"
    default_message = "星级门槛须为5个依次递增的正整数（小时）"


class InvalidPeriod(DomainError):
    code = "invalid_period"
    default_message = "证明期间无效"


class NothingToCertify(Conflict):
    code = "nothing_to_certify"
    default_message = "该期间内没有服务时长，无法出具证明"


class CertificateRevoked(Conflict):
    code = "certificate_revoked"
    default_message = "该证明已撤销"


class NotAVolunteer(DomainError):
    code = "not_a_volunteer"
    status = 404
    default_message = "您还不是登记在册的志愿者"


class CorrectionTooLong(InvalidMinutes):
    code = "correction_too_long"
    default_message = "更正后的时长不能超过活动计划时长"


class CorrectionNeedsApproval(Conflict):
    code = "correction_needs_approval"
    default_message = "增加服务信用时长须提交更正申请并附佐证，经活动组织单位上级的组织管理员审批后生效"


class ProposalPending(Conflict):
    code = "proposal_pending"
    default_message = "该记录已有待审批的更正申请，请等待审批结果"


class ProposalClosed(Conflict):
    code = "proposal_closed"
    default_message = "该更正申请已处理"


class ProposalStale(Conflict):
    code = "proposal_stale"
    default_message = "原记录已被更正或冲销，该更正申请已失效，请驳回"


class SelfApproval(PermissionDenied):
    code = "self_approval"
    default_message = "不能审批本人提交的更正申请或本人的服务记录"


class LikelyDuplicateGrant(Conflict):
    code = "likely_duplicate_grant"
    default_message = "疑似重复授予荣誉时数"


class NotCheckedOut(Conflict):
    code = "not_checked_out"
    default_message = "尚未签退，不能计算服务时长"


class LedgerAppendOnly(AppendOnlyError):
    code = "ledger_append_only"
    default_message = "服务记录只能追加，不能修改或删除；如有错误请提交更正"


class WorkCalendarMissing(Conflict):
    code = "work_calendar_missing"
    default_message = "节假日和调休安排尚未录入，无法计算工作日"

    def __init__(self, *, year: int) -> None:
        self.year = year
        super().__init__(
            f"{year}年的节假日和调休安排尚未录入，无法计算补录期限（活动结束后10个工作日）。"
            f"请联系系统管理员依据国务院办公厅{year}年部分节假日安排的通知，在“工作日历”中录入并确认后再办理。"
        )


class HolidayYearExists(Conflict):
    code = "holiday_year_exists"
    default_message = "该年份的节假日安排已存在"


class HolidayYearUnavailable(DomainError):
    code = "holiday_year_unavailable"
    default_message = "chinesecalendar 数据包中没有该年份的节假日安排，请依据国务院办公厅的通知录入"


class CalendarDayInvalid(DomainError):
    code = "calendar_day_invalid"
    default_message = "日期无效"
