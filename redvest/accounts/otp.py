"""One-time codes sent to a phone number (注册, 找回密码): six random digits, valid 10 minutes, 5 wrong tries.

One live code per phone and purpose (`PhoneCode`, unique): sending again replaces it, at most once a minute.
Only keyed hashes are stored (of the phone, as every phone lookup, and of the code, bound to the phone and
the purpose), so the table tells nothing and a code is useless for another number or purpose. The code
travels only in the text (`core.sms.sms_send`, kind verification_code: the SMS gateway, or the log in
development) and is never part of a response.

A code is checked in its own transaction (`phone_code_verify`), so a wrong try counts even though the
caller gets an error; the sign-up or reset then consumes the proof (`phone_code_consume`) in its own
transaction, within PROOF_TTL of the check.

django-otp and pyotp were considered: django-otp's devices belong to an existing user (no use before
sign-up) and pyotp's HOTP/TOTP would need a stored secret per number for the same six digits a random
draw gives; `secrets` and an HMAC are simpler and keep nothing readable."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import math
import secrets

from django.conf import settings
from django.db import transaction

from redvest.accounts.models import CodePurpose, PhoneCode
from redvest.core.crypto import blind_index
from redvest.core.errors import DomainError, ValidationFailed
from redvest.core.sms import sms_send
from redvest.core.sms.kinds import VERIFICATION_CODE
from redvest.core.validators import normalize_phone, phone_error

CODE_TTL = datetime.timedelta(minutes=10)
RESEND_AFTER = datetime.timedelta(seconds=60)
MAX_ATTEMPTS = 5
PROOF_TTL = datetime.timedelta(minutes=30)  # from a correct code to finishing the sign-up or reset

# What the code is for, in the text (the "action" of the verification_code kind, redvest.core.sms.kinds).
ACTIONS = {
    CodePurpose.SIGNUP: "注册红马甲账号",
    CodePurpose.PASSWORD_RESET: "找回红马甲账号密码",
    CodePurpose.LOGIN: "登录红马甲",
    CodePurpose.WEIXIN_BIND: "绑定微信登录",
}


class CodeResendTooSoon(DomainError):
    code = "code_resend_too_soon"
    status = 429

    def __init__(self, seconds: int) -> None:
        self.seconds = seconds
        super().__init__(f"验证码已发送，请{seconds}秒后再重新获取", field="phone")


class CodeWrong(DomainError):
    code = "code_wrong"
    default_message = "验证码不正确，请核对短信后重新输入"


class CodeExpired(DomainError):
    code = "code_expired"
    default_message = "验证码已失效，请重新获取"


class CodeAttemptsExceeded(DomainError):
    code = "code_attempts_exceeded"
    status = 429
    default_message = "验证码输错次数过多，请重新获取"


class PhoneNotProven(DomainError):
    code = "phone_not_proven"
    status = 403
    default_message = "手机号验证已失效，请重新获取验证码"


def code_hash(*, phone_hash: str, purpose: str, code: str) -> str:
    """The stored form of a code: an HMAC bound to the phone and the purpose."""
    message = f"{phone_hash}:{purpose}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def clean_phone(phone: str) -> str:
    """The 11-digit number, or ValidationFailed on the phone field."""
    phone = normalize_phone(phone or "")
    if not phone:
        raise ValidationFailed({"phone": "请填写手机号"})
    if (message := phone_error(phone)) is not None:
        raise ValidationFailed({"phone": message})
    return phone


@transaction.atomic
def _issue(*, phone: str, purpose: str, now: datetime.datetime) -> tuple[PhoneCode, str]:
    phone_hash = blind_index(phone)
    row, _created = PhoneCode.objects.select_for_update().get_or_create(
        phone_hash=phone_hash,
        purpose=purpose,
        defaults={"code_hash": "", "sent_at": now - RESEND_AFTER, "expires_at": now},
    )
    waited = now - row.sent_at
    if row.code_hash and waited < RESEND_AFTER:
        raise CodeResendTooSoon(math.ceil((RESEND_AFTER - waited).total_seconds()))
    code = f"{secrets.randbelow(10**6):06d}"
    row.code_hash = code_hash(phone_hash=phone_hash, purpose=purpose, code=code)
    row.sent_at, row.expires_at = now, now + CODE_TTL
    row.attempts = 0
    row.verified_at = row.consumed_at = None
    row.save()
    return row, code


def phone_code_send(*, phone: str, purpose: CodePurpose, now: datetime.datetime) -> None:
    """Draw a new code for the phone and purpose (replacing any earlier one) and text it. Raises
    ValidationFailed (bad number), CodeResendTooSoon (within a minute of the last), SmsUnavailable."""
    phone = clean_phone(phone)
    row, code = _issue(phone=phone, purpose=purpose, now=now)
    # Stored first, then sent: a failed send leaves a code nobody knows, and the person asks again in a minute
    # (the failure is logged and audited against the code's row, which holds no readable number).
    sms_send(phone=phone, kind=VERIFICATION_CODE, params={"code": code, "action": ACTIONS[purpose]}, target=row)


@transaction.atomic
def _check(*, phone: str, purpose: str, code: str, now: datetime.datetime) -> DomainError | None:
    phone_hash = blind_index(phone)
    row = PhoneCode.objects.select_for_update().filter(phone_hash=phone_hash, purpose=purpose).first()
    if row is None or not row.code_hash or row.consumed_at is not None:
        return CodeExpired()
    if row.attempts >= MAX_ATTEMPTS:
        return CodeAttemptsExceeded()
    if row.expires_at <= now:
        return CodeExpired()
    expected = row.code_hash
    if not hmac.compare_digest(expected, code_hash(phone_hash=phone_hash, purpose=purpose, code=code)):
        row.attempts += 1
        row.save(update_fields=["attempts"])
        return CodeAttemptsExceeded() if row.attempts >= MAX_ATTEMPTS else CodeWrong()
    row.verified_at = now
    row.save(update_fields=["verified_at"])
    return None


def phone_code_verify(*, phone: str, purpose: CodePurpose, code: str, now: datetime.datetime) -> None:
    """Check a code typed by its owner; a correct one marks the phone proven for PROOF_TTL. Raises CodeWrong,
    CodeExpired or CodeAttemptsExceeded (after the fifth wrong try the code is dead). Call it outside any
    transaction of the caller's: the wrong try is committed before the error is raised."""
    phone = clean_phone(phone)
    code = (code or "").strip()
    if len(code) != 6 or not code.isdigit():
        raise ValidationFailed({"code": "请输入短信里的6位数字验证码"})
    problem = _check(phone=phone, purpose=purpose, code=code, now=now)
    if problem is not None:
        raise problem


@transaction.atomic
def phone_code_consume(*, phone: str, purpose: CodePurpose, now: datetime.datetime) -> None:
    """Use up the proof of a verified code (inside the sign-up's or reset's transaction, so that a failing
    sign-up leaves it unused); raises PhoneNotProven when the phone was not proven, too long ago, or the proof was used."""
    row = (
        PhoneCode.objects.select_for_update()
        .filter(
            phone_hash=blind_index(phone),
            purpose=purpose,
            verified_at__gt=now - PROOF_TTL,
            consumed_at__isnull=True,
        )
        .first()
    )
    if row is None:
        raise PhoneNotProven()
    row.consumed_at = now
    row.save(update_fields=["consumed_at"])


def phone_code_proven(*, phone: str, purpose: CodePurpose, now: datetime.datetime) -> bool:
    """Whether the phone holds an unused proof for the purpose (the last step's page shows only then)."""
    return PhoneCode.objects.filter(
        phone_hash=blind_index(normalize_phone(phone or "")),
        purpose=purpose,
        verified_at__gt=now - PROOF_TTL,
        consumed_at__isnull=True,
    ).exists()
