"""SMS gateways against local fakes of Aliyun's and Tencent Cloud's APIs that check the signature: a right
signature is accepted with the kind's template and parameters, a wrong secret is refused with the
provider's error, provider errors become SmsUnavailable with a log line and an audit row."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator

import pytest

from redvest.accounts.models import User
from redvest.accounts.services import user_set_phone
from redvest.accounts.tests.factories import UserFactory
from redvest.audit.models import AuditEntry
from redvest.core import sms
from redvest.core.models import Notification
from redvest.core.notifications import SmsChannel
from redvest.core.services import notification_send, sms_send_later
from redvest.core.sms import SmsError, SmsUnavailable, sms_send
from redvest.core.sms.aliyun import AliyunGateway
from redvest.core.sms.kinds import DISPATCH_NOTICE, KINDS, VERIFICATION_CODE, sms_render
from redvest.core.sms.tencent import TencentGateway
from redvest.core.tests.sms_fakes import FakeProvider, fake_aliyun, fake_tencent

PHONE = "13912345678"
TEMPLATES = {
    VERIFICATION_CODE: ["code", "action"],
    DISPATCH_NOTICE: ["item", "number", "minutes"],
    "request_accepted": ["number"],
    "request_completed": ["number"],
    "guardian_consent": ["name", "activity", "time", "url"],
}


def provider_templates(prefix: str) -> dict[str, list[str]]:
    return {f"{prefix}{i}": names for i, names in enumerate(TEMPLATES.values())}


@pytest.fixture
def aliyun(settings) -> Iterator[FakeProvider]:  # type: ignore[no-untyped-def]
    fake = FakeProvider(keys={"LTAIkey": "right-secret"}, templates=provider_templates("SMS_10"))
    with fake_aliyun(fake):
        settings.SMS_GATEWAY = "aliyun"
        settings.SMS_ACCESS_KEY_ID, settings.SMS_ACCESS_KEY_SECRET = "LTAIkey", "right-secret"
        settings.SMS_ENDPOINT = fake.url
        settings.SMS_TEMPLATES = {kind: f"SMS_10{i}" for i, kind in enumerate(TEMPLATES)}
        yield fake


@pytest.fixture
def tencent(settings) -> Iterator[FakeProvider]:  # type: ignore[no-untyped-def]
    fake = FakeProvider(keys={"AKIDkey": "right-secret"}, templates=provider_templates("20"), app_id="1400006666")
    with fake_tencent(fake):
        settings.SMS_GATEWAY = "tencent"
        settings.SMS_ACCESS_KEY_ID, settings.SMS_ACCESS_KEY_SECRET = "AKIDkey", "right-secret"
        settings.SMS_APP_ID = "1400006666"
        settings.SMS_ENDPOINT = fake.url
        settings.SMS_TEMPLATES = {kind: f"20{i}" for i, kind in enumerate(TEMPLATES)}
        yield fake


def with_phone(user: User) -> User:
    user_set_phone(user=user, phone=PHONE)
    user.save()
    return user


def code_message() -> sms.SmsMessage:
    return sms_render(kind=VERIFICATION_CODE, params={"code": "123456", "action": "登录红马甲"})


def test_every_kind_has_a_template_setting(settings) -> None:  # type: ignore[no-untyped-def]
    assert set(settings.SMS_TEMPLATES) == set(KINDS) == set(TEMPLATES)


def test_aliyun_accepts_the_signed_request_with_template_and_params(aliyun) -> None:  # type: ignore[no-untyped-def]
    biz_id = sms_send(phone=PHONE, kind=VERIFICATION_CODE, params={"code": "123456", "action": "登录红马甲"})
    assert biz_id == "1^0"
    assert aliyun.sent == [
        {"phone": PHONE, "sign": "红马甲", "template": "SMS_100", "params": {"code": "123456", "action": "登录红马甲"}}
    ]


def test_aliyun_refuses_a_request_signed_with_the_wrong_secret(aliyun) -> None:  # type: ignore[no-untyped-def]
    gateway = AliyunGateway(
        access_key_id="LTAIkey", access_key_secret="tampered", sign_name="红马甲", endpoint=aliyun.url
    )
    with pytest.raises(SmsError) as exc:
        gateway.send(phone=PHONE, message=code_message())
    assert exc.value.code == "SignatureDoesNotMatch"
    assert aliyun.sent == []


def test_aliyun_refuses_a_request_from_an_unknown_key(aliyun) -> None:  # type: ignore[no-untyped-def]
    gateway = AliyunGateway(
        access_key_id="other", access_key_secret="right-secret", sign_name="红马甲", endpoint=aliyun.url
    )
    with pytest.raises(SmsError) as exc:
        gateway.send(phone=PHONE, message=code_message())
    assert exc.value.code == "InvalidAccessKeyId.NotFound"


@pytest.mark.django_db
def test_aliyun_business_error_is_logged_audited_and_chinese(aliyun, caplog) -> None:  # type: ignore[no-untyped-def]
    aliyun.force_error = "isv.BUSINESS_LIMIT_CONTROL"
    user = UserFactory()
    with caplog.at_level(logging.WARNING, logger="redvest.notifications"), pytest.raises(SmsUnavailable) as exc:
        sms_send(phone=PHONE, kind=VERIFICATION_CODE, params={"code": "1", "action": "登录"}, target=user)
    assert exc.value.message == "短信暂时无法发送，请稍后再试或拨打96345热线"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "isv.BUSINESS_LIMIT_CONTROL" in logged and "139****5678" in logged and PHONE not in logged
    entry = AuditEntry.objects.get(action="sms_failed")
    assert entry.target_id == str(user.pk)
    assert entry.after == {"kind": VERIFICATION_CODE, "error": "isv.BUSINESS_LIMIT_CONTROL"}
    assert "验证码" in entry.reason


def test_aliyun_without_a_template_code_for_the_kind_fails_before_sending(aliyun, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SMS_TEMPLATES = {**settings.SMS_TEMPLATES, VERIFICATION_CODE: ""}
    with pytest.raises(SmsUnavailable) as exc:
        sms_send(phone=PHONE, kind=VERIFICATION_CODE, params={"code": "1", "action": "登录"})
    assert isinstance(exc.value.__cause__, SmsError) and exc.value.__cause__.code == "template_missing"
    assert aliyun.sent == []


def test_tencent_accepts_the_signed_request_with_params_in_template_order(tencent) -> None:  # type: ignore[no-untyped-def]
    serial = sms_send(phone=PHONE, kind=DISPATCH_NOTICE, params={"minutes": 30, "number": "GD001", "item": "助老"})
    assert serial == "1:1"
    assert tencent.sent == [
        {"phone": f"+86{PHONE}", "sign": "红马甲", "template": "201", "params": ["助老", "GD001", "30"]}
    ]


def test_tencent_refuses_a_request_signed_with_the_wrong_secret(tencent) -> None:  # type: ignore[no-untyped-def]
    gateway = TencentGateway(
        secret_id="AKIDkey", secret_key="tampered", app_id="1400006666", sign_name="红马甲", endpoint=tencent.url
    )
    with pytest.raises(SmsError) as exc:
        gateway.send(phone=PHONE, message=code_message())
    assert exc.value.code == "AuthFailure.SignatureFailure"
    assert tencent.sent == []


def test_tencent_refuses_an_old_timestamp(tencent) -> None:  # type: ignore[no-untyped-def]
    gateway = TencentGateway.from_settings()
    with pytest.raises(SmsError) as exc:
        gateway.send(phone=PHONE, message=code_message(), timestamp=1_600_000_000)
    assert exc.value.code == "AuthFailure.SignatureExpire"


def test_tencent_per_number_error_is_an_sms_error(tencent) -> None:  # type: ignore[no-untyped-def]
    tencent.force_error = "LimitExceeded.PhoneNumberDailyLimit"
    with pytest.raises(SmsError) as exc:
        TencentGateway.from_settings().send(phone=PHONE, message=code_message())
    assert exc.value.code == "LimitExceeded.PhoneNumberDailyLimit"


def test_tencent_wrong_app_id_is_refused(tencent, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SMS_APP_ID = "1400000000"
    with pytest.raises(SmsUnavailable) as exc:
        sms_send(phone=PHONE, kind=VERIFICATION_CODE, params={"code": "1", "action": "登录"})
    assert exc.value.__cause__.code == "FailedOperation.SmsSdkAppIdVerifyFail"  # type: ignore[union-attr]  # SmsError


def test_an_unreachable_provider_is_sms_unavailable(settings) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.SMS_GATEWAY = "aliyun"
    settings.SMS_ENDPOINT = f"http://127.0.0.1:{port}"
    settings.SMS_TEMPLATES = {kind: "SMS_1" for kind in TEMPLATES}
    settings.SMS_TIMEOUT = 2
    with pytest.raises(SmsUnavailable) as exc:
        sms_send(phone=PHONE, kind=VERIFICATION_CODE, params={"code": "1", "action": "登录"})
    assert exc.value.__cause__.code == "network"  # type: ignore[union-attr]  # SmsError


def test_console_gateway_logs_the_rendered_text_with_the_phone_masked(settings, caplog) -> None:  # type: ignore[no-untyped-def]
    settings.SMS_GATEWAY = "console"
    with caplog.at_level(logging.INFO, logger="redvest.notifications"):
        sms_send(phone=PHONE, kind=DISPATCH_NOTICE, params={"item": "助老", "number": "GD001", "minutes": 30})
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "【红马甲】您有新派单：助老，工单GD001，请在30分钟内登录红马甲接单。" in logged
    assert "139****5678" in logged and PHONE not in logged


def test_a_dotted_callable_still_receives_phone_and_text(settings) -> None:  # type: ignore[no-untyped-def]
    from redvest.accounts.tests import sms as capture

    capture.OUTBOX.clear()
    settings.SMS_GATEWAY = "redvest.accounts.tests.sms.capture"
    sms_send(phone=PHONE, kind=VERIFICATION_CODE, params={"code": "654321", "action": "登录红马甲"})
    assert capture.OUTBOX == [
        (PHONE, "【红马甲】您的验证码654321，用于登录红马甲，10分钟内有效，请勿告诉他人。如非本人操作请忽略。")
    ]
    capture.OUTBOX.clear()


def test_long_parameters_are_cut_to_the_provider_limit() -> None:
    message = sms_render(kind=DISPATCH_NOTICE, params={"item": "长" * 50, "number": "1", "minutes": 3})
    assert message.params["item"] == "长" * 35


def test_an_unknown_kind_is_refused_when_the_notification_is_written() -> None:
    with pytest.raises(KeyError):
        notification_send(recipients=[], title="x", sms_kind="no_such_kind")


@pytest.mark.django_db
def test_sms_channel_texts_only_notifications_with_a_kind(aliyun, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    user = with_phone(UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(recipients=[user], title="站内消息")
        notification_send(
            recipients=[user],
            title="新派单：助老",
            sms_kind=DISPATCH_NOTICE,
            sms_params={"item": "助老", "number": "GD001", "minutes": 30},
        )
    for row in Notification.objects.order_by("pk"):
        SmsChannel().send(row)
    assert [m["params"] for m in aliyun.sent] == [{"item": "助老", "number": "GD001", "minutes": "30"}]


@pytest.mark.django_db
def test_sms_channel_failure_keeps_the_inbox_row_and_audits_it(aliyun) -> None:  # type: ignore[no-untyped-def]
    aliyun.force_error = "isv.AMOUNT_NOT_ENOUGH"
    user = with_phone(UserFactory())
    [row] = notification_send(
        recipients=[user], title="t", sms_kind=DISPATCH_NOTICE, sms_params={"item": "a", "number": "b", "minutes": 1}
    )
    SmsChannel().send(row)
    assert Notification.objects.filter(pk=row.pk).exists()
    entry = AuditEntry.objects.get(action="sms_failed")
    assert (entry.target_type, entry.target_id) == ("core.notification", str(row.pk))


@pytest.mark.django_db
def test_a_text_to_a_bare_number_runs_after_commit_with_the_number_encrypted(
    aliyun, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sms_send_later(phone=PHONE, kind="request_accepted", params={"number": "GD009"})
    assert aliyun.sent == []
    assert PHONE not in repr(callbacks[0].args)  # type: ignore[attr-defined]  # a functools.partial
    callbacks[0]()
    assert aliyun.sent[0]["params"] == {"number": "GD009"} and aliyun.sent[0]["phone"] == PHONE


def test_check_warns_about_a_provider_without_keys_or_templates(settings) -> None:  # type: ignore[no-untyped-def]
    from redvest.core.sms.checks import sms_settings_check

    settings.SMS_GATEWAY = "tencent"
    settings.SMS_ACCESS_KEY_ID = settings.SMS_APP_ID = ""
    settings.SMS_TEMPLATES = {kind: "" for kind in TEMPLATES}
    ids = [w.id for w in sms_settings_check()]
    assert ids == ["redvest.W101", "redvest.W102"] + ["redvest.W103"] * len(TEMPLATES)
    settings.SMS_GATEWAY = "console"
    assert sms_settings_check() == []
