"""The registry of message kinds: each text the platform sends by SMS is one kind, with the Chinese text
shown by the console gateway and the parameters a provider template fills in (Aliyun by name, Tencent by
position, in the order listed here). The template code each provider approved for a kind is configuration
(`SMS_TEMPLATE_<KIND>` in the environment, settings.SMS_TEMPLATES): apply for one template per kind below,
with the same variables, in the provider's console. docs/operations.md lists them."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from redvest.core.sms.base import SmsMessage

PARAM_MAX = 35  # Aliyun's limit for one variable of a notice template; longer values are cut


@dataclass(frozen=True)
class SmsKind:
    key: str
    label: str
    text: str  # str.format over the params
    params: tuple[str, ...]
    uncut: tuple[str, ...] = ()  # link variables: a cut address would not open (apply for a link template)


VERIFICATION_CODE = "verification_code"
DISPATCH_NOTICE = "dispatch_notice"
REQUEST_ACCEPTED = "request_accepted"
REQUEST_COMPLETED = "request_completed"
GUARDIAN_CONSENT = "guardian_consent"

KINDS: dict[str, SmsKind] = {
    k.key: k
    for k in (
        SmsKind(
            VERIFICATION_CODE,
            "验证码",
            "您的验证码{code}，用于{action}，10分钟内有效，请勿告诉他人。如非本人操作请忽略。",
            ("code", "action"),
        ),
        SmsKind(
            DISPATCH_NOTICE,
            "派单通知（志愿者）",
            "您有新派单：{item}，工单{number}，请在{minutes}分钟内登录红马甲接单。",
            ("item", "number", "minutes"),
        ),
        SmsKind(
            REQUEST_ACCEPTED,
            "诉求已接单（居民）",
            "您的诉求（工单{number}）已有志愿者接单，将尽快为您服务。",
            ("number",),
        ),
        SmsKind(
            REQUEST_COMPLETED,
            "诉求已办结（居民）",
            "您的诉求（工单{number}）已办结，欢迎登录红马甲评价本次服务。",
            ("number",),
        ),
        SmsKind(
            GUARDIAN_CONSENT,
            "监护人同意确认（未成年志愿者）",
            "{name}报名参加志愿服务活动「{activity}」（{time}），请监护人打开链接确认是否同意：{url}（7天内有效）",
            ("name", "activity", "time", "url"),
            uncut=("url",),
        ),
    )
}


def sms_render(*, kind: str, params: dict[str, object]) -> SmsMessage:
    """The message of a registered kind: parameters in the template's order (cut to PARAM_MAX), the text with
    the sign name in 【】, and the template code configured for the kind. KeyError for an unknown kind or a
    missing parameter: a programming error."""
    spec = KINDS[kind]
    values = {name: str(params[name]) if name in spec.uncut else str(params[name])[:PARAM_MAX] for name in spec.params}
    sign = getattr(settings, "SMS_SIGN_NAME", "") or "红马甲"
    return SmsMessage(
        kind=kind,
        params=values,
        text=f"【{sign}】" + spec.text.format(**values),
        template_code=str(getattr(settings, "SMS_TEMPLATES", {}).get(kind, "")),
    )
