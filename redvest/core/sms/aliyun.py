"""Aliyun 短信服务 SendSms (dysmsapi 2017-05-25), signed with ACS3-HMAC-SHA256 (Aliyun's "V3 request and
signature" document; the older RPC HMAC-SHA1 signature is being retired):

    CanonicalRequest = POST \\n / \\n sorted RFC 3986 query \\n "name:value\\n" per signed header \\n
                       signed header names joined by ; \\n hex SHA-256 of the body
    StringToSign     = "ACS3-HMAC-SHA256\\n" + hex SHA-256 of CanonicalRequest
    Signature        = hex HMAC-SHA256(AccessKeySecret, StringToSign)

The request parameters go in the query (PhoneNumbers, SignName, TemplateCode, TemplateParam as JSON), the
body is empty. An answer whose Code is not "OK" (HTTP 200 with "isv.…" business errors, or 4xx for a bad
signature) raises SmsError with that code."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import secrets
import urllib.parse
from typing import Any

from django.conf import settings
from django.utils import timezone

from redvest.core.sms.base import SmsError, SmsGateway, SmsMessage
from redvest.core.sms.http import http_json

ALGORITHM = "ACS3-HMAC-SHA256"
DEFAULT_ENDPOINT = "https://dysmsapi.aliyuncs.com"
ACTION, VERSION = "SendSms", "2017-05-25"


def percent_encode(value: str) -> str:
    """RFC 3986: only A-Z a-z 0-9 - _ . ~ stay as they are; a space is %20, never +."""
    return urllib.parse.quote(value, safe="~")


def canonical_query(params: dict[str, str]) -> str:
    return "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items()))


def sign(*, secret: str, method: str, path: str, query: str, headers: dict[str, str], body: bytes) -> tuple[str, str]:
    """(signed header names, hex signature) for the request; `headers` are the ones to sign (lower-case names)."""
    names = sorted(headers)
    canonical_headers = "".join(f"{n}:{headers[n].strip()}\n" for n in names)
    signed = ";".join(names)
    request = "\n".join([method, path, query, canonical_headers, signed, hashlib.sha256(body).hexdigest()])
    to_sign = f"{ALGORITHM}\n{hashlib.sha256(request.encode()).hexdigest()}"
    return signed, hmac.new(secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()


class AliyunGateway(SmsGateway):
    name = "aliyun"
    templated = True

    def __init__(
        self, *, access_key_id: str, access_key_secret: str, sign_name: str, endpoint: str = "", timeout: float = 5
    ) -> None:
        self.access_key_id = access_key_id
        self.access_key_secret = access_key_secret
        self.sign_name = sign_name
        self.endpoint = (endpoint or DEFAULT_ENDPOINT).rstrip("/")
        self.timeout = timeout

    @classmethod
    def from_settings(cls) -> AliyunGateway:
        return cls(
            access_key_id=settings.SMS_ACCESS_KEY_ID,
            access_key_secret=settings.SMS_ACCESS_KEY_SECRET,
            sign_name=settings.SMS_SIGN_NAME,
            endpoint=settings.SMS_ENDPOINT,
            timeout=settings.SMS_TIMEOUT,
        )

    def send(self, *, phone: str, message: SmsMessage, now: datetime.datetime | None = None) -> str:
        if not message.template_code:
            raise SmsError("template_missing", f"短信类型{message.kind}未配置模板编号")
        params = {
            "PhoneNumbers": phone,
            "SignName": self.sign_name,
            "TemplateCode": message.template_code,
            "TemplateParam": json.dumps(message.params, ensure_ascii=False, separators=(",", ":")),
        }
        query = canonical_query(params)
        body = b""
        at = now or timezone.now()
        headers = {
            "host": urllib.parse.urlsplit(self.endpoint).netloc,
            "x-acs-action": ACTION,
            "x-acs-version": VERSION,
            "x-acs-date": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "x-acs-signature-nonce": secrets.token_hex(16),
            "x-acs-content-sha256": hashlib.sha256(body).hexdigest(),
        }
        signed, signature = sign(
            secret=self.access_key_secret, method="POST", path="/", query=query, headers=headers, body=body
        )
        headers["Authorization"] = (
            f"{ALGORITHM} Credential={self.access_key_id},SignedHeaders={signed},Signature={signature}"
        )
        answer: Any = http_json(
            url=f"{self.endpoint}/?{query}", method="POST", headers=headers, body=body, timeout=self.timeout
        )
        code = str(answer.get("Code", "")) if isinstance(answer, dict) else ""
        if code != "OK":
            raise SmsError(code or "bad_response", str(answer.get("Message", "")) if isinstance(answer, dict) else "")
        return str(answer.get("BizId", ""))
