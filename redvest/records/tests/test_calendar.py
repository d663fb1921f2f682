"""The system admin's working-day calendar: who may open it, entering a year from a notice, corrections
with reasons in the audit log, importing a year from the chinesecalendar package."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from redvest.accounts.models import Role, User
from redvest.accounts.tests.factories import RoleAssignmentFactory
from redvest.audit.models import AuditEntry
from redvest.core.errors import PermissionDenied
from redvest.core.navigation import entries_for
from redvest.records.errors import CalendarDayInvalid, HolidayYearExists, HolidayYearUnavailable, ReasonRequired
from redvest.records.models import CalendarDay, CalendarSource, DayKind, HolidayYear
from redvest.records.services import (
    calendar_days_set,
    holiday_year_confirm,
    holiday_year_create,
    holiday_year_import,
)
from redvest.records.tests.conftest import World
from redvest.records.tests.factories import HolidayYearFactory, package_calendar
from redvest.records.tests.test_views import assert_constant_queries
from redvest.records.workdays import add_working_days, package_arrangement

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _seeded(db: None) -> None:
    package_calendar()


@pytest.fixture
def sysadmin(w: World) -> User:
    return RoleAssignmentFactory(role=Role.SYSTEM_ADMIN, org=w.tree.county).user


def _audits(model: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(target_type=f"records.{model}").order_by("id"))


# ---- who may open it ------------------------------------------------------------------------------


def test_only_the_system_admin_has_the_calendar_in_the_menu_and_may_open_it(
    w: World, sysadmin: User, client: Client
) -> None:
    client.force_login(sysadmin)
    assert "工作日历" in {e.label for e in entries_for(sysadmin)}
    years = client.get(reverse("records:calendar"))
    assert years.status_code == 200 and "2026年" in years.content.decode()
    year = client.get(reverse("records:calendar-year", args=[2026]))
    assert year.status_code == 200 and "春节调休上班" in year.content.decode()


@pytest.mark.parametrize("who", ["admin_user", "leader_user", "volunteer_user"])
def test_other_roles_neither_see_nor_open_the_calendar(w: World, client: Client, who: str) -> None:
    user = getattr(w, who)
    assert "工作日历" not in {e.label for e in entries_for(user)}
    client.force_login(user)
    for url in (reverse("records:calendar"), reverse("records:calendar-year", args=[2026])):
        assert client.get(url).status_code == 403
    posted = client.post(reverse("records:calendar"), {"action": "create", "create-year": 2040})
    assert posted.status_code == 403
    assert not HolidayYear.objects.filter(year=2040).exists()


def test_an_org_admin_cannot_change_the_calendar_through_the_services(w: World) -> None:
    with pytest.raises(PermissionDenied):
        holiday_year_create(actor=w.admin_user, year=2040)
    with pytest.raises(PermissionDenied):
        calendar_days_set(
            actor=w.admin_user,
            holiday_year=HolidayYear.objects.get(year=2026),
            first=datetime.date(2026, 3, 2),
            last=None,
            kind=DayKind.HOLIDAY,
            name="假日",
            reason="测试",
        )


def test_a_year_not_held_answers_404_and_a_wild_one_too(sysadmin: User, client: Client) -> None:
    client.force_login(sysadmin)
    assert client.get(reverse("records:calendar-year", args=[2099])).status_code == 404
    assert client.get(reverse("records:calendar-year", args=[99999])).status_code == 404


def test_the_year_list_keeps_its_query_count_as_years_are_added(
    sysadmin: User, client: Client, django_assert_num_queries: Any
) -> None:
    client.force_login(sysadmin)

    def add_years() -> None:
        for year in range(2040, 2050):
            HolidayYearFactory(year=year)

    assert_constant_queries(django_assert_num_queries, lambda: client.get(reverse("records:calendar")), add_years)


# ---- entering a year from its notice ----------------------------------------------------------------


def test_the_system_admin_enters_a_year_from_its_notice_on_the_page(sysadmin: User, client: Client) -> None:
    HolidayYear.objects.filter(year=2027).delete()
    client.force_login(sysadmin)
    created = client.post(
        reverse("records:calendar"),
        {"action": "create", "create-year": 2027, "create-notice": "国办发明电〔2026〕某号"},
    )
    assert created.status_code == 302 and created["Location"] == reverse("records:calendar-year", args=[2027])
    url = reverse("records:calendar-year", args=[2027])
    # A notice as it would read: 春节 2月5日至11日放假，2月13日（星期六）上班。
    span = {"action": "days", "days-first": "2027-02-05", "days-last": "2027-02-11", "days-kind": "holiday"}
    assert client.post(url, {**span, "days-name": "春节"}).status_code == 302
    saturday = {"action": "days", "days-first": "2027-02-13", "days-kind": "workday", "days-name": "春节调休上班"}
    assert client.post(url, saturday).status_code == 302
    holiday_year = HolidayYear.objects.get(year=2027)
    assert holiday_year.days.filter(is_workday=False).count() == 7
    assert holiday_year.days.get(date=datetime.date(2027, 2, 13)).is_workday is True
    # Not yet confirmed: a deadline into 2027 is still refused.
    assert holiday_year.complete is False
    confirmed = client.post(
        url, {"action": "confirm", "confirm-complete": "1", "confirm-notice": "国办发明电〔2026〕某号"}
    )
    assert confirmed.status_code == 302
    holiday_year.refresh_from_db()
    assert holiday_year.complete is True
    # Thursday 2027-02-04: Sat 2/13 counts, 2/5–2/11 do not → 2/12, 2/13, 2/15 … the 10th is 2/24.
    assert add_working_days(datetime.date(2027, 2, 4), 10) == datetime.date(2027, 2, 24)
    assert len(_audits("calendarday")) == 8 and [a.action for a in _audits("holidayyear")] == ["create", "update"]


def test_a_date_outside_the_year_is_refused_on_the_form(sysadmin: User, client: Client) -> None:
    client.force_login(sysadmin)
    response = client.post(
        reverse("records:calendar-year", args=[2026]),
        {
            "action": "days",
            "days-first": "2025-12-31",
            "days-kind": "holiday",
            "days-name": "元旦",
            "days-reason": "补充",
        },
    )
    assert response.status_code == 400
    assert "日期须在2026年内" in response.content.decode()
    assert not CalendarDay.objects.filter(date=datetime.date(2025, 12, 31)).exists()


def test_a_span_longer_than_a_month_or_backwards_is_refused(sysadmin: User) -> None:
    holiday_year = HolidayYearFactory(year=2041, complete=False)
    for first, last in (
        (datetime.date(2041, 1, 1), datetime.date(2041, 2, 15)),
        (datetime.date(2041, 3, 2), datetime.date(2041, 3, 1)),
    ):
        with pytest.raises(CalendarDayInvalid):
            calendar_days_set(
                actor=sysadmin, holiday_year=holiday_year, first=first, last=last, kind=DayKind.HOLIDAY, name="假日"
            )
    assert not holiday_year.days.exists()


def test_a_year_already_held_cannot_be_created_twice(sysadmin: User) -> None:
    with pytest.raises(HolidayYearExists):
        holiday_year_create(actor=sysadmin, year=2026)


# ---- corrections ------------------------------------------------------------------------------------


def test_correcting_a_year_in_force_needs_a_reason_and_is_audited_day_by_day(sysadmin: User) -> None:
    holiday_year = HolidayYear.objects.get(year=2026)
    args: dict[str, Any] = {
        "actor": sysadmin,
        "holiday_year": holiday_year,
        "first": datetime.date(2026, 2, 14),
        "last": None,
        "kind": DayKind.HOLIDAY,
        "name": "春节",
    }
    with pytest.raises(ReasonRequired):
        calendar_days_set(**args)
    assert CalendarDay.objects.get(date=datetime.date(2026, 2, 14)).is_workday is True
    assert calendar_days_set(**args, reason="按更正通知，2月14日不再调休上班") == 1
    entry = _audits("calendarday")[-1]
    assert entry.action == "update" and entry.reason == "按更正通知，2月14日不再调休上班"
    assert entry.before == {"date": "2026-02-14", "is_workday": True, "name": "春节调休上班"}
    assert entry.after == {"date": "2026-02-14", "is_workday": False, "name": "春节"}
    # Thursday 2026-02-12 without the Saturday: 2/13, 2/24 … → the 10th working day moves from 3/4 to 3/5.
    assert add_working_days(datetime.date(2026, 2, 12), 10) == datetime.date(2026, 3, 5)


def test_making_days_ordinary_again_removes_them_with_an_audit_row_each(sysadmin: User) -> None:
    holiday_year = HolidayYear.objects.get(year=2026)
    removed = calendar_days_set(
        actor=sysadmin,
        holiday_year=holiday_year,
        first=datetime.date(2026, 10, 6),
        last=datetime.date(2026, 10, 10),
        kind=DayKind.ORDINARY,
        name="",
        reason="测试撤销",
    )
    # 10/6 and 10/7 (国庆) and Saturday 10/10 (调休上班) were held; 10/8 and 10/9 were ordinary already.
    assert removed == 3
    assert not CalendarDay.objects.filter(
        date__range=(datetime.date(2026, 10, 6), datetime.date(2026, 10, 10))
    ).exists()
    assert [a.action for a in _audits("calendarday")] == ["delete", "delete", "delete"]


def test_withdrawing_a_year_in_force_needs_a_reason(sysadmin: User) -> None:
    holiday_year = HolidayYear.objects.get(year=2026)
    with pytest.raises(ReasonRequired):
        holiday_year_confirm(actor=sysadmin, holiday_year=holiday_year, complete=False, notice=holiday_year.notice)
    holiday_year_confirm(
        actor=sysadmin, holiday_year=holiday_year, complete=False, notice=holiday_year.notice, reason="核对通知"
    )
    holiday_year.refresh_from_db()
    assert holiday_year.complete is False
    assert _audits("holidayyear")[-1].before == {"complete": True, "notice": holiday_year.notice}


# ---- the chinesecalendar package ---------------------------------------------------------------------


def test_a_year_the_package_knows_can_be_imported_again_from_the_page(sysadmin: User, client: Client) -> None:
    HolidayYear.objects.filter(year=2025).delete()
    client.force_login(sysadmin)
    assert "2025年</option>" in client.get(reverse("records:calendar")).content.decode()
    response = client.post(reverse("records:calendar"), {"action": "import", "import-year": 2025})
    assert response.status_code == 302
    holiday_year = HolidayYear.objects.get(year=2025)
    assert holiday_year.complete and holiday_year.source == CalendarSource.PACKAGE
    assert list(holiday_year.days.values_list("date", "is_workday", "name")) == package_arrangement(2025)
    assert _audits("holidayyear")[-1].after["count"] == len(package_arrangement(2025))


def test_a_year_the_package_does_not_know_cannot_be_imported(sysadmin: User) -> None:
    HolidayYear.objects.filter(year=2035).delete()
    with pytest.raises(HolidayYearUnavailable):
        holiday_year_import(actor=sysadmin, year=2035)
