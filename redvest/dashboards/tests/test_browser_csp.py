"""Chromium: pages under the Content-Security-Policy (no 'unsafe-inline') report no violation, the charts
still draw, and a data-confirm form still asks before it is sent."""

from __future__ import annotations

from typing import Any

import pytest

from redvest.dashboards.services import dashboards_refresh
from redvest.dashboards.tests.factories import admin_at, county

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Registered before any page script runs, on every navigation.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || ""));
});
"""


def _violations(page: Any) -> list[str]:
    return list(page.evaluate("() => window.__cspViolations"))


def _open(page: Any, url: str, console: list[str]) -> list[str]:
    policy = page.goto(url).headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy
    page.wait_for_load_state("networkidle")
    return _violations(page) + [m for m in console if "Content Security Policy" in m]


def test_pages_report_no_csp_violation(page, live_server, browser_login) -> None:  # type: ignore[no-untyped-def]
    world = county()
    dashboards_refresh(full=True)
    page.context.add_init_script(RECORD_VIOLATIONS)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    base = live_server.url

    for path in ("/accounts/login/", "/demand/help/", "/volunteers/register/", "/api/docs"):
        assert _open(page, base + path, console) == [], path
    assert page.locator("#swagger-ui .opblock").count() > 0  # the API docs render from local files

    user = admin_at(world.tree.county)
    browser_login(user.username)
    county_id = world.tree.county.pk
    for path in (
        "/",
        f"/dashboards/{county_id}/",
        "/dashboards/exports/",
        "/volunteers/",
        "/demand/",
        f"/orgs/{world.tree.community_a.pk}/",
    ):
        assert _open(page, base + path, console) == [], path
        if path.startswith("/dashboards/") and path.endswith(f"{county_id}/"):
            page.wait_for_selector("#chart-children canvas")
            assert page.locator(".chart canvas").count() >= 6

    page.set_viewport_size({"width": 1920, "height": 1080})
    assert _open(page, f"{base}/dashboards/{county_id}/screen/", console) == []
    page.wait_for_selector("#chart-stations canvas")
    page.hover("#chart-stations canvas")  # tooltips style themselves through the CSSOM
    assert _violations(page) == []
    page.evaluate("() => document.body.setAttribute('style', 'color: red')")  # what the policy refuses
    page.wait_for_timeout(200)
    assert any("style-src" in v for v in _violations(page))  # ...is seen by the recorder


def test_a_data_confirm_form_asks_before_it_is_sent(page, live_server, browser_login) -> None:  # type: ignore[no-untyped-def]
    world = county()
    user = admin_at(world.tree.county)
    browser_login(user.username)
    node = world.tree.community_a
    asked: list[str] = []

    def dismiss(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.goto(f"{live_server.url}/orgs/{node.pk}/")
    page.click("#delete-form summary")
    page.click("#delete-form button[type=submit]")
    page.wait_for_timeout(300)
    assert asked == [f"确定删除“{node.name}”？"]
    assert page.url.endswith(f"/orgs/{node.pk}/")  # dismissed: not sent
