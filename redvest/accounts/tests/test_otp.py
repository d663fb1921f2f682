"""One-time codes: six digits texted through the gateway, only a hash stored, valid ten minutes, five wrong
tries, one live code per phone and purpose, a new one at most once a minute, a proof used once."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.utils import timezone

from redvest.accounts.models import CodePurpose, PhoneCode
from redvest.accounts.otp import (
    CodeAttemptsExceeded,
    CodeExpired,
    CodeResendTooSoon,
    CodeWrong,
    PhoneNotProven,
    phone_code_consume,
    phone_code_proven,
    phone_code_send,
    phone_code_verify,
)
from redvest.accounts.tests.sms import last_code
from redvest.core.crypto import blind_index
from redvest.core.errors import ValidationFailed
from redvest.core.notifications import SmsUnavailable

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
SIGNUP = CodePurpose.SIGNUP


@pytest.fixture
def now() -> datetime.datetime:
    return timezone.now()


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_code_is_texted_through_the_gateway_and_only_its_hash_is_stored(outbox, now) -> None:  # type: ignore[no-untyped-def]
    phone_code_send(phone="139-1234-5678", purpose=SIGNUP, now=now)
    assert [to for to, _ in outbox] == [PHONE]
    code = last_code(PHONE)
    row = PhoneCode.objects.get()
    assert row.phone_hash == blind_index(PHONE)
    stored = " ".join(str(v) for v in PhoneCode.objects.values_list().get())
    assert code not in stored and PHONE not in stored
    assert row.expires_at == now + datetime.timedelta(minutes=10)


def test_without_a_gateway_the_code_goes_to_the_log_with_the_phone_masked(settings, caplog, now) -> None:  # type: ignore[no-untyped-def]
    settings.SMS_GATEWAY = ""
    with caplog.at_level(logging.INFO, logger="redvest.notifications"):
        phone_code_send(phone=PHONE, purpose=SIGNUP, now=now)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "139****5678" in logged and PHONE not in logged
    assert "验证码" in logged


def test_without_gateway_or_console_channel_sending_is_refused(settings, now) -> None:  # type: ignore[no-untyped-def]
    settings.SMS_GATEWAY = ""
    settings.NOTIFICATION_CHANNELS = ["redvest.core.notifications.SmsChannel"]
    with pytest.raises(SmsUnavailable):
        phone_code_send(phone=PHONE, purpose=SIGNUP, now=now)


def test_a_failing_gateway_gives_a_chinese_error(settings, now) -> None:  # type: ignore[no-untyped-def]
    settings.SMS_GATEWAY = "redvest.accounts.tests.sms.failing"
    with pytest.raises(SmsUnavailable) as exc:
        phone_code_send(phone=PHONE, purpose=SIGNUP, now=now)
    assert exc.value.message == "短信暂时无法发送，请稍后再试或拨打96345热线"


def test_a_bad_number_is_refused_before_anything_is_sent(outbox, now) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as exc:
        phone_code_send(phone="12345", purpose=SIGNUP, now=now)
    assert exc.value.errors == {"phone": "手机号应为11位中国大陆手机号码"}
    assert outbox == [] and not PhoneCode.objects.exists()


def test_correct_code_proves_the_phone(outbox, now) -> None:  # type: ignore[no-untyped-def]
    phone_code_send(phone=PHONE, purpose=SIGNUP, now=now)
    assert not phone_code_proven(phone=PHONE, purpose=SIGNUP, now=now)
    phone_code_verify(phone=PHONE, purpose=SIGNUP, code=last_code(PHONE), now=now)
    assert phone_code_proven(phone=PHONE, purpose=SIGNUP, now=now)
    assert not phone_code_proven(phone=PHONE, purpose=CodePurpose.PASSWORD_RESET, now=now)


def test_code_expires_after_ten_minutes(outbox, now) -> None:  # type: ignore[no-untyped-def]
    phone_code_send(phone=PHONE, purpose=SIGNUP, now=now)
    later = now + datetime.timedelta(minutes=10, seconds=1)
    with pytest.raises(CodeExpired) as exc:
        phone_code_verify(phone=PHONE, purpose=SIGNUP, code=last_code(PHONE), now=later)
    assert exc.value.message == "验证码已失效，请重新获取"


def test_a_code_for_another_purpose_does_not_work(outbox, now) -> None:  # type: ignore[no-untyped-def]
    phone_code_send(phone=PHONE, purpose=CodePurpose.PASSWORD_RESET, now=now)
    with pytest.raises(CodeExpired):
        phone_code_verify(phone=PHONE, purpose=SIGNUP, code=last_code(PHONE), now=now)


def test_wrong_tries_are_counted_and_the_fifth_kills_the_code(outbox, now) -> None:  # type: ignore[no-untyped-def]
    phone_code_send(phone=PHONE, purpose=SIGNUP, now=now)
    code = last_code(PHONE)
    for _ in range(4):
        with pytest.raises(CodeWrong) as exc:
            phone_code_verify(phone=PHONE, purpose=SIGNUP, code=wrong(code), now=now)
        assert exc.value.message == "验证码不正确，请核对短信后重新输入"
    assert PhoneCode.objects.get().attempts == 4
    with pytest.raises(CodeAttemptsExceeded):
        phone_code_verify(phone=PHONE, purpose=SIGNUP, code=wrong(code), now=now)
    with pytest.raises(CodeAttemptsExceeded) as exc:
        phone_code_verify(phone=PHONE, purpose=SIGNUP, code=code, now=now)  # even the right one, now
    assert exc.value.message == "验证码输错次数过多，请重新获取"
    assert not phone_code_proven(phone=PHONE, purpose=SIGNUP, now=now)


def test_a_new_code_waits_a_minute_and_then_replaces_the_old_one(outbox, now) -> None:  # type: ignore[no-untyped-def]
    phone_code_send(phone=PHONE, purpose=SIGNUP, now=now)
    first = last_code(PHONE)
    with pytest.raises(CodeResendTooSoon) as exc:
        phone_code_send(phone=PHONE, purpose=SIGNUP, now=now + datetime.timedelta(seconds=30))
    assert exc.value.message == "验证码已发送，请30秒后再重新获取"
    assert len(outbox) == 1
    phone_code_send(phone=PHONE, purpose=SIGNUP, now=now + datetime.timedelta(seconds=61))
    second = last_code(PHONE)
    assert PhoneCode.objects.count() == 1  # one live code per phone and purpose
    later = now + datetime.timedelta(seconds=62)
    if first != second:
        with pytest.raises(CodeWrong):
            phone_code_verify(phone=PHONE, purpose=SIGNUP, code=first, now=later)
    phone_code_verify(phone=PHONE, purpose=SIGNUP, code=second, now=later)


def test_a_new_code_resets_the_wrong_tries(outbox, now) -> None:  # type: ignore[no-untyped-def]
    phone_code_send(phone=PHONE, purpose=SIGNUP, now=now)
    for _ in range(5):
        with pytest.raises((CodeWrong, CodeAttemptsExceeded)):
            phone_code_verify(phone=PHONE, purpose=SIGNUP, code=wrong(last_code(PHONE)), now=now)
    later = now + datetime.timedelta(minutes=2)
    phone_code_send(phone=PHONE, purpose=SIGNUP, now=later)
    phone_code_verify(phone=PHONE, purpose=SIGNUP, code=last_code(PHONE), now=later)


def test_the_proof_is_used_once_and_not_accepted_without_a_checked_code(outbox, now) -> None:  # type: ignore[no-untyped-def]
    phone_code_send(phone=PHONE, purpose=SIGNUP, now=now)
    with pytest.raises(PhoneNotProven):
        phone_code_consume(phone=PHONE, purpose=SIGNUP, now=now)
    code = last_code(PHONE)
    phone_code_verify(phone=PHONE, purpose=SIGNUP, code=code, now=now)
    phone_code_consume(phone=PHONE, purpose=SIGNUP, now=now)
    with pytest.raises(PhoneNotProven):
        phone_code_consume(phone=PHONE, purpose=SIGNUP, now=now)
    with pytest.raises(CodeExpired):
        phone_code_verify(phone=PHONE, purpose=SIGNUP, code=code, now=now)


def test_the_proof_lapses_after_half_an_hour(outbox, now) -> None:  # type: ignore[no-untyped-def]
    phone_code_send(phone=PHONE, purpose=SIGNUP, now=now)
    phone_code_verify(phone=PHONE, purpose=SIGNUP, code=last_code(PHONE), now=now)
    with pytest.raises(PhoneNotProven):
        phone_code_consume(phone=PHONE, purpose=SIGNUP, now=now + datetime.timedelta(minutes=31))
