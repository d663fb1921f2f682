"""A local fake of WeChat's OAuth2 token endpoint (GET /sns/oauth2/access_token): checks appid and secret,
answers each authorization code once with its openid/unionid, and WeChat's errcode JSON otherwise."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class FakeWeixin:
    app_id: str
    secret: str
    codes: dict[str, tuple[str, str]] = field(default_factory=dict)  # code -> (openid, unionid)
    used: set[str] = field(default_factory=set)
    requests: int = 0
    url: str = ""


class _Handler(BaseHTTPRequestHandler):
    fake: FakeWeixin

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _answer(self, data: dict[str, Any]) -> None:
        raw = json.dumps(data).encode()
        self.send_response(200)  # WeChat answers errors with 200 and an errcode
        self.send_header("Content-Type", "application/json; encoding=utf-8")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def do_GET(self) -> None:
        f = self.fake
        f.requests += 1
        split = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(split.query))
        if split.path != "/sns/oauth2/access_token" or q.get("grant_type") != "authorization_code":
            return self._answer({"errcode": 40002, "errmsg": "invalid grant_type"})
        if q.get("appid") != f.app_id:
            return self._answer({"errcode": 40013, "errmsg": "invalid appid"})
        if q.get("secret") != f.secret:
            return self._answer({"errcode": 40125, "errmsg": "invalid appsecret"})
        code = q.get("code", "")
        if code in f.used:
            return self._answer({"errcode": 40163, "errmsg": "code been used"})
        if code not in f.codes:
            return self._answer({"errcode": 40029, "errmsg": "invalid code"})
        f.used.add(code)
        openid, unionid = f.codes[code]
        answer = {
            "access_token": "ACCESS",
            "expires_in": 7200,
            "refresh_token": "REFRESH",
            "openid": openid,
            "scope": "snsapi_login",
        }
        if unionid:
            answer["unionid"] = unionid
        return self._answer(answer)


@contextmanager
def fake_weixin(fake: FakeWeixin) -> Iterator[FakeWeixin]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("Handler", (_Handler,), {"fake": fake}))
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
