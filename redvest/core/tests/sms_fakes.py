"""Local fakes of the SMS providers' HTTP APIs, for tests: each recomputes the request signature from what
arrived, exactly as the provider documents it (written apart from the gateways, so a wrong gateway fails),
answers a wrong one with the provider's error JSON, checks the template and its parameters, and records
what it accepted. Never the internet: a threading http.server on 127.0.0.1, on a free port."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import threading
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from django.utils import timezone


def rfc3986(value: str) -> str:
    return urllib.parse.quote(value, safe="-_.~")


@dataclass
class FakeProvider:
    """What a fake knows (key pairs, approved templates) and what it received."""

    keys: dict[str, str]  # key id -> secret
    templates: dict[str, list[str]]  # template code -> variable names (Aliyun) or count by position (Tencent)
    sign_name: str = "红马甲"
    app_id: str = ""
    force_error: str = ""  # a provider error code to answer a well-signed request with
    sent: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""
    nonces: set[str] = field(default_factory=set)


def _request_id() -> str:
    return str(uuid.uuid4()).upper()


class _Handler(BaseHTTPRequestHandler):
    provider: FakeProvider

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _answer(self, status: int, data: dict[str, Any]) -> None:
        raw = json.dumps(data, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))


class _AliyunHandler(_Handler):
    """dysmsapi 2017-05-25 SendSms with ACS3-HMAC-SHA256."""

    def _error(self, status: int, code: str, message: str) -> None:
        self._answer(
            status, {"RequestId": _request_id(), "HostId": "dysmsapi.aliyuncs.com", "Code": code, "Message": message}
        )

    def do_POST(self) -> None:
        p = self.provider
        body = self._body()
        split = urllib.parse.urlsplit(self.path)
        params = dict(urllib.parse.parse_qsl(split.query, keep_blank_values=True))
        auth = self.headers.get("Authorization", "")
        algorithm, _, rest = auth.partition(" ")
        parts = dict(item.split("=", 1) for item in rest.split(",") if "=" in item)
        if algorithm != "ACS3-HMAC-SHA256" or not {"Credential", "SignedHeaders", "Signature"} <= parts.keys():
            return self._error(
                400, "IncompleteSignature", "The request signature does not conform to Aliyun standards."
            )
        secret = p.keys.get(parts["Credential"])
        if secret is None:
            return self._error(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
        if self.headers.get("x-acs-content-sha256") != hashlib.sha256(body).hexdigest():
            return self._error(400, "IncompleteSignature", "The content sha256 does not match the body.")
        signed = parts["SignedHeaders"].split(";")
        needed = {
            "host",
            "x-acs-action",
            "x-acs-version",
            "x-acs-date",
            "x-acs-signature-nonce",
            "x-acs-content-sha256",
        }
        if not needed <= set(signed):
            return self._error(400, "IncompleteSignature", "Every x-acs- header and host must be signed.")
        query = "&".join(f"{rfc3986(k)}={rfc3986(v)}" for k, v in sorted(params.items()))
        headers = "".join(f"{name}:{(self.headers.get(name) or '').strip()}\n" for name in sorted(signed))
        canonical = f"POST\n{split.path or '/'}\n{query}\n{headers}\n{';'.join(sorted(signed))}\n{hashlib.sha256(body).hexdigest()}"
        to_sign = "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical.encode()).hexdigest()
        expected = hmac.new(secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, parts["Signature"]):
            return self._error(
                400,
                "SignatureDoesNotMatch",
                f"Specified signature does not match our calculation. server string to sign is:{to_sign}",
            )
        at = datetime.datetime.strptime(self.headers["x-acs-date"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.UTC)
        if abs((timezone.now() - at).total_seconds()) > 15 * 60:
            return self._error(400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.")
        nonce = self.headers["x-acs-signature-nonce"]
        if nonce in p.nonces:
            return self._error(400, "SignatureNonceUsed", "Specified signature nonce was used already.")
        p.nonces.add(nonce)
        if self.headers["x-acs-action"] != "SendSms" or self.headers["x-acs-version"] != "2017-05-25":
            return self._error(
                400, "InvalidAction.NotFound", "Specified api is not found, please check your url and method."
            )
        ok = {"RequestId": _request_id()}
        phone = params.get("PhoneNumbers", "")
        if not (len(phone) == 11 and phone.isdigit()):
            return self._answer(200, {**ok, "Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号"})
        if params.get("SignName") != p.sign_name:
            return self._answer(200, {**ok, "Code": "isv.SMS_SIGNATURE_ILLEGAL", "Message": "该账号下找不到对应签名"})
        variables = p.templates.get(params.get("TemplateCode", ""))
        if variables is None:
            return self._answer(200, {**ok, "Code": "isv.SMS_TEMPLATE_ILLEGAL", "Message": "该账号下找不到对应模板"})
        try:
            values = json.loads(params.get("TemplateParam", "{}"))
        except ValueError:
            return self._answer(200, {**ok, "Code": "isv.INVALID_JSON_PARAM", "Message": "JSON参数不合法"})
        if sorted(values) != sorted(variables):
            return self._answer(
                200, {**ok, "Code": "isv.TEMPLATE_MISSING_PARAMETERS", "Message": "模板变量缺少对应参数值"}
            )
        if p.force_error:
            return self._answer(200, {**ok, "Code": p.force_error, "Message": "触发业务流控"})
        biz_id = f"{len(p.sent) + 1}^0"
        p.sent.append(
            {"phone": phone, "sign": params["SignName"], "template": params["TemplateCode"], "params": values}
        )
        return self._answer(200, {**ok, "Code": "OK", "Message": "OK", "BizId": biz_id})


class _TencentHandler(_Handler):
    """sms 2021-01-11 SendSms with TC3-HMAC-SHA256."""

    def _error(self, code: str, message: str) -> None:
        self._answer(200, {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": _request_id()}})

    def do_POST(self) -> None:
        p = self.provider
        body = self._body()
        auth = self.headers.get("Authorization", "")
        algorithm, _, rest = auth.partition(" ")
        parts = dict(item.strip().split("=", 1) for item in rest.split(",") if "=" in item)
        if algorithm != "TC3-HMAC-SHA256" or not {"Credential", "SignedHeaders", "Signature"} <= parts.keys():
            return self._error("AuthFailure.InvalidAuthorization", "Authorization header is invalid.")
        secret_id, _, scope = parts["Credential"].partition("/")
        secret = p.keys.get(secret_id)
        if secret is None:
            return self._error("AuthFailure.SecretIdNotFound", "The SecretId is not found.")
        timestamp = int(self.headers.get("X-TC-Timestamp") or 0)
        if abs(time.time() - timestamp) > 300:
            return self._error("AuthFailure.SignatureExpire", "Signature expired.")
        date = datetime.datetime.fromtimestamp(timestamp, datetime.UTC).strftime("%Y-%m-%d")
        if scope != f"{date}/sms/tc3_request":
            return self._error("AuthFailure.SignatureFailure", "The credential scope does not match the timestamp.")
        signed = parts["SignedHeaders"].split(";")
        if not {"content-type", "host"} <= set(signed):
            return self._error("AuthFailure.SignatureFailure", "content-type and host must be signed.")
        headers = "".join(f"{name}:{(self.headers.get(name) or '').strip().lower()}\n" for name in signed)
        canonical = f"POST\n/\n\n{headers}\n{';'.join(signed)}\n{hashlib.sha256(body).hexdigest()}"
        to_sign = f"TC3-HMAC-SHA256\n{timestamp}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"

        def h(key: bytes, msg: str) -> bytes:
            return hmac.new(key, msg.encode(), hashlib.sha256).digest()

        key = h(h(h(("TC3" + secret).encode(), date), "sms"), "tc3_request")
        expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, parts["Signature"]):
            return self._error(
                "AuthFailure.SignatureFailure",
                "The provided credentials could not be validated. Please check your signature is correct.",
            )
        if self.headers.get("X-TC-Action") != "SendSms" or self.headers.get("X-TC-Version") != "2021-01-11":
            return self._error("InvalidAction", "The action does not exist.")
        payload = json.loads(body)
        if payload.get("SmsSdkAppId") != p.app_id:
            return self._error("FailedOperation.SmsSdkAppIdVerifyFail", "SmsSdkAppId verify failed.")
        if payload.get("SignName") != p.sign_name:
            return self._error(
                "FailedOperation.SignatureIncorrectOrUnapproved", "Signature is incorrect or unapproved."
            )
        variables = p.templates.get(str(payload.get("TemplateId", "")))
        if variables is None:
            return self._error("FailedOperation.TemplateIncorrectOrUnapproved", "Template is incorrect or unapproved.")
        values = payload.get("TemplateParamSet") or []
        if len(values) != len(variables):
            return self._error(
                "FailedOperation.TemplateParamSetNotMatchApprovedTemplate",
                "TemplateParamSet does not match the approved template.",
            )
        statuses = []
        for number in payload.get("PhoneNumberSet") or []:
            if p.force_error:
                statuses.append(
                    {"SerialNo": "", "PhoneNumber": number, "Fee": 0, "Code": p.force_error, "Message": "rate limit"}
                )
                continue
            p.sent.append(
                {"phone": number, "sign": payload["SignName"], "template": payload["TemplateId"], "params": values}
            )
            statuses.append(
                {
                    "SerialNo": f"{len(p.sent)}:1",
                    "PhoneNumber": number,
                    "Fee": 1,
                    "Code": "Ok",
                    "Message": "send success",
                    "IsoCode": "CN",
                }
            )
        return self._answer(200, {"Response": {"SendStatusSet": statuses, "RequestId": _request_id()}})


@contextmanager
def serve(handler: type[_Handler], provider: FakeProvider) -> Iterator[FakeProvider]:
    bound = type(handler.__name__, (handler,), {"provider": provider})
    server = ThreadingHTTPServer(("127.0.0.1", 0), bound)
    provider.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def fake_aliyun(provider: FakeProvider) -> Any:
    return serve(_AliyunHandler, provider)


def fake_tencent(provider: FakeProvider) -> Any:
    return serve(_TencentHandler, provider)
