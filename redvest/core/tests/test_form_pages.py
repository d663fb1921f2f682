"""Every page without URL arguments, as a county admin: no English empty choice, date defaults in ISO."""

from __future__ import annotations

import datetime
import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from redvest.accounts.models import Role
from redvest.orgs.tests.factories import OrgTree, role_user

SKIP_PREFIXES = ("admin/", "api/", "open311/", "accounts/logout", "static/", "media/")
DATE_INPUT = re.compile(r'<input[^>]*type="date"[^>]*>')
VALUE = re.compile(r'value="([^"]*)"')


def _plain_paths(resolver: URLResolver, prefix: str = "") -> list[str]:
    """Every routable path that takes no arguments."""
    paths: list[str] = []
    for p in resolver.url_patterns:
        route = prefix + str(p.pattern)
        if "<" in route or "(?P" in route or route.startswith(SKIP_PREFIXES):
            continue
        if isinstance(p, URLResolver):
            paths += _plain_paths(p, route)
        elif isinstance(p, URLPattern):
            paths.append("/" + route.lstrip("^").rstrip("$"))
    return paths


@pytest.fixture
def admin_client(client: Client, db: Any) -> Client:
    call_command("load_service_menu", stdout=StringIO())
    tree = OrgTree()
    client.force_login(role_user(role=Role.ORG_ADMIN, org=tree.county))
    return client


def _pages(client: Client) -> dict[str, str]:
    pages = {}
    for path in _plain_paths(get_resolver()):
        response = client.get(path)
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            pages[path] = response.content.decode()
    return pages


def test_no_page_offers_an_english_empty_choice(admin_client: Client) -> None:
    pages = _pages(admin_client)
    assert len(pages) > 30
    assert "/demand/help/" in pages and "/dashboards/exports/" in pages
    english = sorted(path for path, html in pages.items() if "Select an option" in html)
    assert english == []
    assert any("请选择" in html for html in pages.values())


def test_date_fields_render_their_defaults_in_iso(admin_client: Client) -> None:
    shown = []
    for path, html in _pages(admin_client).items():
        for tag in DATE_INPUT.findall(html):
            value = VALUE.search(tag)
            if value and value.group(1):
                shown.append((path, value.group(1)))
    assert shown, "some page offers a default date"
    for path, value in shown:
        assert datetime.date.fromisoformat(value).isoformat() == value, (path, value)
