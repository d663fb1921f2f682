"""The notice a resident consents to when opening an account (个人信息保护法 §14, §17), with its version.

A changed text gets a new version; each consent row keeps the version it was given to. The sign-up page
shows the current text in full."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AccountNotice:
    version: str
    title: str
    body: str


RESIDENT_NOTICE = AccountNotice(
    version="2027-01-v1",
    title="居民账号个人信息处理告知同意书",
    body=(
        "为开通居民账号、办理和回访您的求助、向您发送办理进度，本平台将处理您的姓名、手机号和所在社区，"
        "以及您提交的求助内容和评价。手机号加密保存，页面中只显示遮盖后的号码；这些信息仅由受理和办理您求助的"
        "热线调度员、服务站点和志愿者在职责范围内使用，不向无关第三方提供。您此前用同一手机号通过热线或网上"
        "提交的求助将归入本账号，便于您查看和评价。您可以随时查阅本人信息，也可以联系所在社区或拨打96345"
        "申请注销账号。"
    ),
)
