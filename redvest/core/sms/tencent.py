"""Tencent Cloud 短信 SendSms (sms 2021-01-11), signed with TC3-HMAC-SHA256 (Tencent Cloud API "Signature v3"):

    CanonicalRequest = POST \\n / \\n (empty query) \\n "content-type:…\\nhost:…\\nx-tc-action:sendsms\\n" \\n
                       content-type;host;x-tc-action \\n hex SHA-256 of the JSON body
    StringToSign     = TC3-HMAC-SHA256 \\n timestamp \\n <UTC date>/sms/tc3_request \\n hex SHA-256 of CanonicalRequest
    key              = HMAC chain "TC3"+SecretKey → date → "sms" → "tc3_request"
    Signature        = hex HMAC-SHA256(key, StringToSign)

The body names SmsSdkAppId, SignName, TemplateId and TemplateParamSet (the kind's parameters, in order). An
answer with Response.Error, or a SendStatusSet entry whose Code is not "Ok", raises SmsError with that code."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import time
import urllib.parse
from typing import Any

from django.conf import settings

from redvest.core.sms.base import SmsError, SmsGateway, SmsMessage
from redvest.core.sms.http import http_json

ALGORITHM = "TC3-HMAC-SHA256"
DEFAULT_ENDPOINT = "https://sms.tencentcloudapi.com"
SERVICE, ACTION, VERSION = "sms", "SendSms", "2021-01-11"
CONTENT_TYPE = "application/json; charset=utf-8"


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def sign(*, secret_key: str, host: str, action: str, body: bytes, timestamp: int) -> tuple[str, str, str]:
    """(credential scope, signed header names, hex signature)."""
    date = datetime.datetime.fromtimestamp(timestamp, datetime.UTC).strftime("%Y-%m-%d")
    canonical_headers = f"content-type:{CONTENT_TYPE}\nhost:{host}\nx-tc-action:{action.lower()}\n"
    signed = "content-type;host;x-tc-action"
    request = "\n".join(["POST", "/", "", canonical_headers, signed, hashlib.sha256(body).hexdigest()])
    scope = f"{date}/{SERVICE}/tc3_request"
    to_sign = f"{ALGORITHM}\n{timestamp}\n{scope}\n{hashlib.sha256(request.encode()).hexdigest()}"
    key = _hmac(_hmac(_hmac(f"TC3{secret_key}".encode(), date), SERVICE), "tc3_request")
    return scope, signed, hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


class TencentGateway(SmsGateway):
    name = "tencent"
    templated = True

    def __init__(
        self,
        *,
        secret_id: str,
        secret_key: str,
        app_id: str,
        sign_name: str,
        region: str = "ap-guangzhou",
        endpoint: str = "",
        timeout: float = 5,
    ) -> None:
        self.secret_id = secret_id
        self.secret_key = secret_key
        self.app_id = app_id
        self.sign_name = sign_name
        self.region = region
        self.endpoint = (endpoint or DEFAULT_ENDPOINT).rstrip("/")
        self.timeout = timeout

    @classmethod
    def from_settings(cls) -> TencentGateway:
        return cls(
            secret_id=settings.SMS_ACCESS_KEY_ID,
            secret_key=settings.SMS_ACCESS_KEY_SECRET,
            app_id=settings.SMS_APP_ID,
            sign_name=settings.SMS_SIGN_NAME,
            region=settings.SMS_REGION or "ap-guangzhou",
            endpoint=settings.SMS_ENDPOINT,
            timeout=settings.SMS_TIMEOUT,
        )

    def send(self, *, phone: str, message: SmsMessage, timestamp: int | None = None) -> str:
        if not message.template_code:
            raise SmsError("template_missing", f"短信类型{message.kind}未配置模板编号")
        payload = {
            "PhoneNumberSet": [f"+86{phone}"],
            "SmsSdkAppId": self.app_id,
            "SignName": self.sign_name,
            "TemplateId": message.template_code,
            "TemplateParamSet": list(message.params.values()),
        }
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        host = urllib.parse.urlsplit(self.endpoint).netloc
        ts = timestamp if timestamp is not None else int(time.time())
        scope, signed, signature = sign(secret_key=self.secret_key, host=host, action=ACTION, body=body, timestamp=ts)
        headers = {
            "Authorization": f"{ALGORITHM} Credential={self.secret_id}/{scope}, SignedHeaders={signed}, "
            f"Signature={signature}",
            "Content-Type": CONTENT_TYPE,
            "Host": host,
            "X-TC-Action": ACTION,
            "X-TC-Timestamp": str(ts),
            "X-TC-Version": VERSION,
            "X-TC-Region": self.region,
        }
        answer: Any = http_json(
            url=f"{self.endpoint}/", method="POST", headers=headers, body=body, timeout=self.timeout
        )
        response = answer.get("Response", {}) if isinstance(answer, dict) else {}
        if not isinstance(response, dict):
            raise SmsError("bad_response")
        if "Error" in response:
            error = response["Error"] or {}
            raise SmsError(str(error.get("Code", "bad_response")), str(error.get("Message", "")))
        statuses = response.get("SendStatusSet") or [{}]
        first = statuses[0] if isinstance(statuses[0], dict) else {}
        if first.get("Code") != "Ok":
            raise SmsError(str(first.get("Code") or "bad_response"), str(first.get("Message", "")))
        return str(first.get("SerialNo", ""))
