"""What can go wrong with activities, sign-ups and attendance, each with its Chinese message."""

from __future__ import annotations

from redvest.core.errors import Conflict, DomainError, PermissionDenied, ValidationFailed


class ActivityCancelled(Conflict):
    code = "activity_cancelled"
    default_message = "活动已取消"


class ActivityNotPublished(Conflict):
    code = "activity_not_published"
    default_message = "活动尚未发布"


class ActivityAlreadyPublished(Conflict):
    code = "activity_already_published"
    default_message = "活动已发布"


class ActivityEnded(Conflict):
    code = "activity_ended"
    default_message = "活动已结束"


class ActivityHasAttendance(Conflict):
    code = "activity_has_attendance"
    default_message = "活动已有签到记录，不能取消"


class RecruitmentClosed(Conflict):
    code = "recruitment_closed"
    default_message = "不在报名时间内"


class NotRegisteredVolunteer(PermissionDenied):
    code = "not_registered_volunteer"
    default_message = "只有已注册的志愿者才能报名或签到"


class AlreadySignedUp(Conflict):
    code = "already_signed_up"
    default_message = "您已报名该活动，请勿重复报名"


class OverlappingSignUp(Conflict):
    code = "overlapping_signup"
    default_message = "您已报名同一时段的其他活动"


class QuotaFull(Conflict):
    code = "quota_full"
    default_message = "招募名额已满"


class SignUpStateInvalid(Conflict):
    code = "signup_state_invalid"
    default_message = "该报名当前状态不能进行此操作"


class WrongCode(DomainError):
    code = "wrong_code"
    default_message = "签到码错误或已过期，请输入负责人屏幕上的最新签到码"


class LocationRequired(DomainError):
    code = "location_required"
    default_message = "需要获取您的位置，请在手机上允许定位后重试"


class OutsideGeofence(DomainError):
    code = "outside_geofence"
    default_message = "您不在活动签到范围内"


class TooEarly(Conflict):
    code = "too_early"
    default_message = "签到尚未开始（活动开始前30分钟开放）"


class NotApproved(PermissionDenied):
    code = "not_approved"
    default_message = "您未被录用参加该活动，不能签到"


class AlreadyCheckedIn(Conflict):
    code = "already_checked_in"
    default_message = "已签到，请勿重复操作"


class NotCheckedIn(Conflict):
    code = "not_checked_in"
    default_message = "您尚未签到，不能签退"


class AttendanceStateInvalid(Conflict):
    code = "attendance_state_invalid"
    default_message = "该签到记录当前状态不能进行此操作"


class SyncRejected(DomainError):
    code = "sync_rejected"
    default_message = "离线签到记录无法同步"


class ClientIdTaken(Conflict):
    code = "client_id_taken"
    default_message = "离线记录编号已被使用"


class NotInsured(Conflict):
    code = "not_insured"
    default_message = "本活动有风险，须有覆盖签到时间的意外保险才能签到，请联系活动负责人"


class AgreementNotAccepted(Conflict):
    code = "agreement_not_accepted"
    default_message = "志愿者尚未在手机上签署本活动要求的服务协议，不能录用"


class GuardianConsentMissing(Conflict):
    code = "guardian_consent_missing"
    default_message = "未成年志愿者参加本活动须有监护人同意，不能录用"


class NotMinor(Conflict):
    code = "not_minor"
    default_message = "该志愿者已成年，无需监护人同意"


class GuardianPhoneMissing(Conflict):
    code = "guardian_phone_missing"
    default_message = "志愿者档案中没有监护人手机号，请改为录入纸质同意书"


class ConsentLinkInvalid(DomainError):
    code = "consent_link_invalid"
    status = 404
    default_message = "确认链接无效或已过期，请联系活动负责人重新发送"


class SafeguardInvalid(ValidationFailed):
    """Bad insurance or guardian-consent input: 422 with the errors on their fields, nothing written."""

    code = "validation_error"
    status = 422
