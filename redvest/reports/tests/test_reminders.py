"""Reminders before the due day and overdue alerts after it, on a frozen clock (the day is passed in):
who gets them, and that running the sweep again sends nothing twice."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from redvest.core.models import Notification
from redvest.reports.models import ReminderKind, ReportReminder
from redvest.reports.services import reminders_send, report_open, report_submit, report_update
from redvest.reports.tests.factories import ReportTree, at

pytestmark = pytest.mark.django_db


def _titles(user: object) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("title", flat=True))


def test_seven_days_before_the_due_day_the_filing_admins_are_reminded(tree: ReportTree) -> None:
    result = reminders_send(today=datetime.date(2026, 9, 21))
    assert (result.reminders, result.overdue) == (2, 0)
    assert _titles(tree.community_admin) == ["2026年第三季度季报将于09月28日截止（还有7天）"]
    assert _titles(tree.town_admin) == []  # the reviewing town hears only about overdue ones
    assert ReportReminder.objects.filter(kind=ReminderKind.BEFORE, days=7).count() == 2


def test_running_the_sweep_twice_on_a_day_sends_nothing_more(tree: ReportTree) -> None:
    reminders_send(today=datetime.date(2026, 9, 26))
    again = reminders_send(today=datetime.date(2026, 9, 26))
    assert (again.reminders, again.notifications) == (0, 0)
    assert len(_titles(tree.community_admin)) == 1


def test_no_reminder_on_other_days(tree: ReportTree) -> None:
    assert reminders_send(today=datetime.date(2026, 9, 24)).notifications == 0
    assert not Notification.objects.exists()


def test_filed_organisations_are_not_reminded(tree: ReportTree) -> None:
    report = report_open(actor=tree.community_admin, org=tree.party_a, year=2026, quarter=3)
    report_update(actor=tree.community_admin, report=report, highlights="亮点")
    report_submit(actor=tree.community_admin, report=report, now=at(datetime.date(2026, 9, 20)))
    Notification.objects.all().delete()
    result = reminders_send(today=datetime.date(2026, 9, 21))
    assert result.reminders == 1  # party_b only
    assert _titles(tree.community_admin) == []
    assert len(_titles(tree.other_town_admin)) == 1  # town_b administers community_b and its 党支部


def test_overdue_alert_the_day_after_goes_to_the_organisation_and_the_reviewing_town(tree: ReportTree) -> None:
    result = reminders_send(today=datetime.date(2026, 9, 29))
    assert result.overdue == 2
    assert _titles(tree.community_admin) == ["2026年第三季度季报已逾期1天未报送"]
    assert _titles(tree.town_admin) == ["2026年第三季度季报已逾期1天未报送"]
    assert _titles(tree.county_admin) == []  # the nearest level above reviews
    assert Notification.objects.get(recipient=tree.town_admin).body == "城东社区党支部"


def test_q4_overdue_alert_arrives_in_january_of_the_next_year(tree: ReportTree) -> None:
    # Dec 28 + 7 days = Jan 4: the previous year's Q4 is still chased.
    result = reminders_send(today=datetime.date(2027, 1, 4))
    assert result.overdue == 2
    assert ReportReminder.objects.filter(year=2026, quarter=4, kind=ReminderKind.OVERDUE, days=7).count() == 2


def test_reminder_days_are_configurable(tree: ReportTree, settings: object) -> None:
    settings.REPORTS_REMINDER_DAYS = (3,)  # type: ignore[attr-defined]
    assert reminders_send(today=datetime.date(2026, 9, 21)).notifications == 0
    assert reminders_send(today=datetime.date(2026, 9, 25)).reminders == 2


def test_command_runs_for_a_given_day_and_is_idempotent(tree: ReportTree) -> None:
    out = StringIO()
    call_command("reports_remind", today="2026-06-26", stdout=out)
    call_command("reports_remind", today="2026-06-26", stdout=out)
    assert "截止前提醒 2 个党组织" in out.getvalue()
    assert "截止前提醒 0 个党组织" in out.getvalue()
    assert Notification.objects.filter(recipient=tree.community_admin).count() == 1


def test_task_on_the_oversight_queue_sends_todays_reminders(tree: ReportTree) -> None:
    from redvest.reports.tasks import reports_remind

    assert reports_remind.queue_name == "oversight"
    result = reports_remind.enqueue()
    assert set(result.return_value) == {"reminders", "overdue", "notifications"}
