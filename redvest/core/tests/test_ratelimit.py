"""The client address that lockout and rate limits count by."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from redvest.core.ratelimit import UNKNOWN_ADDRESS, client_ip


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ({"REMOTE_ADDR": "198.51.100.7"}, "198.51.100.7"),
        ({"REMOTE_ADDR": ""}, UNKNOWN_ADDRESS),
        ({"REMOTE_ADDR": "not-an-address"}, UNKNOWN_ADDRESS),
        ({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_REAL_IP": "203.0.113.9"}, "203.0.113.9"),
        ({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_REAL_IP": "garbage"}, "10.0.0.1"),
        ({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_REAL_IP": "1.2.3.4, 203.0.113.9"}, "203.0.113.9"),
    ],
)
def test_client_ip_reads_the_proxy_header_and_never_returns_a_bad_address(settings, meta, expected) -> None:  # type: ignore[no-untyped-def]
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    request = RequestFactory().get("/", **meta)
    if not meta.get("REMOTE_ADDR"):
        request.META["REMOTE_ADDR"] = meta.get("REMOTE_ADDR", "")
    assert client_ip(request) == expected


@pytest.mark.django_db
def test_token_request_without_a_client_address_is_not_a_server_error() -> None:
    response = Client(REMOTE_ADDR="").post(
        "/api/v1/auth/token", {"username": "", "password": "x"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"
