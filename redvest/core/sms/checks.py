"""`manage.py check` (and every start) warns when a provider gateway is chosen without what it needs:
the key pair, Tencent's SmsSdkAppId, a template code for each message kind."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Warning as CheckWarning

from redvest.core.sms.kinds import KINDS


def sms_settings_check(app_configs: Any = None, **kwargs: Any) -> list[CheckWarning]:
    gateway = str(getattr(settings, "SMS_GATEWAY", "") or "").strip()
    if gateway not in {"aliyun", "tencent"}:
        return []
    problems: list[CheckWarning] = []
    if not (settings.SMS_ACCESS_KEY_ID and settings.SMS_ACCESS_KEY_SECRET):
        problems.append(
            CheckWarning(f"短信网关为{gateway}，但未设置SMS_ACCESS_KEY_ID或SMS_ACCESS_KEY_SECRET", id="redvest.W101")
        )
    if gateway == "tencent" and not settings.SMS_APP_ID:
        problems.append(CheckWarning("腾讯云短信需要设置SMS_APP_ID（SmsSdkAppId）", id="redvest.W102"))
    for kind, spec in KINDS.items():
        if not settings.SMS_TEMPLATES.get(kind):
            problems.append(
                CheckWarning(
                    f"短信类型「{spec.label}」未配置模板编号，此类短信将发送失败",
                    hint=f"设置SMS_TEMPLATE_{kind.upper()}为服务商审核通过的模板编号",
                    id="redvest.W103",
                )
            )
    return problems
