"""Rate limit on public self-registration: per address (as the proxy reports it), a Chinese 429 page."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

URL = "/volunteers/register/"


def test_self_registration_beyond_the_rate_is_a_chinese_429_page(settings) -> None:  # type: ignore[no-untyped-def]
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "self-register": "2/h"}
    client = Client(REMOTE_ADDR="10.0.9.1")
    for _ in range(2):
        assert client.post(URL, {"name": "张三"}).status_code != 429
    response = client.post(URL, {"name": "张三"})
    assert response.status_code == 429
    assert "操作过于频繁" in response.content.decode()
    assert client.get(URL).status_code == 200  # reading the form is not counted
    assert Client(REMOTE_ADDR="10.0.9.2").post(URL, {"name": "张三"}).status_code != 429


def test_rate_limit_counts_the_address_the_proxy_reports(settings) -> None:  # type: ignore[no-untyped-def]
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "self-register": "1/h"}
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    proxy = "10.0.0.1"  # every request reaches us from the proxy
    first = Client(REMOTE_ADDR=proxy, HTTP_X_REAL_IP="203.0.113.5")
    assert first.post(URL, {"name": "张三"}).status_code != 429
    assert first.post(URL, {"name": "张三"}).status_code == 429
    assert Client(REMOTE_ADDR=proxy, HTTP_X_REAL_IP="203.0.113.6").post(URL, {"name": "李四"}).status_code != 429
