"""On a phone: the volunteer sees their hours and star progress, issues a certificate, and the QR link's
public page confirms it without login."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from redvest.records.models import Certificate, RecordKind, RecordSource
from redvest.records.tests.conftest import World
from redvest.records.tests.factories import post_record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_volunteer_sees_hours_issues_a_certificate_and_anyone_can_verify_it(  # type: ignore[no-untyped-def]
    w: World, page, live_server, browser_login
) -> None:
    post_record(volunteer=w.volunteer, minutes=95, activity=w.activity)
    post_record(volunteer=w.volunteer, minutes=120, kind=RecordKind.HONOUR, source=RecordSource.HONOUR)
    browser_login(w.volunteer_user.username)
    page.goto(f"{live_server.url}/records/mine/")
    assert page.inner_text("[data-testid=credit-hours]") == "1.6"
    assert page.inner_text("[data-testid=honour-hours]") == "2.0"
    assert "距下一星级（100 小时信用时数）" in page.inner_text("main")
    assert w.activity.title in page.inner_text("table.history")

    page.click("text=申请服务证明")
    today = timezone.localdate()
    page.fill("input[name=period_start]", (today - datetime.timedelta(days=30)).isoformat())
    page.fill("input[name=period_end]", today.isoformat())
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/records/certificates/")
    certificate = Certificate.objects.get()
    assert certificate.number in page.inner_text("main")

    page.context.clear_cookies()  # the verification page needs no login
    page.goto(f"{live_server.url}/records/verify/{certificate.verify_token}/")
    text = page.inner_text("main")
    assert "证明真实有效" in text and certificate.number in text and "1.6 小时" in text
    assert w.volunteer.name not in text
