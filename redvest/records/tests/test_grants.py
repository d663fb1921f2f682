"""Make-up records (补录) and honour hours (荣誉时数): every rule, and bad input writes nothing."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from redvest.activities.models import ActivityStatus, Attendance, AttendanceMethod, AttendanceStatus, ServiceCategory
from redvest.activities.tests.factories import ActivityFactory
from redvest.audit.models import AuditEntry
from redvest.core.errors import DomainError, PermissionDenied
from redvest.core.models import Notification
from redvest.records.errors import (
    ActivityCancelled,
    ActivityNotEnded,
    AlreadyRecorded,
    EvidenceInvalid,
    EvidenceRequired,
    FutureDate,
    InvalidMinutes,
    MakeupTooLong,
    MakeupWindowClosed,
    WorkCalendarMissing,
)
from redvest.records.models import HolidayYear, RecordKind, RecordSource, ServiceRecord, ServiceTotal
from redvest.records.services import honour_grant, makeup_record
from redvest.records.tests.conftest import World
from redvest.records.tests.factories import PDF_BYTES, HolidayYearFactory, png_upload, post_record

SHANGHAI = ZoneInfo("Asia/Shanghai")


@contextmanager
def frozen(at: datetime.datetime) -> Iterator[None]:
    with mock.patch("django.utils.timezone.now", return_value=at):
        yield


def _snapshot() -> tuple[int, int, int]:
    return ServiceRecord.objects.count(), ServiceTotal.objects.count(), AuditEntry.objects.count()


def _makeup(w: World, **kw: object) -> ServiceRecord:
    args: dict = {
        "actor": w.leader_user,
        "activity": w.activity,
        "volunteer": w.volunteer,
        "minutes": 90,
        "reason": "到场服务但手机没电未签到",
        "evidence": png_upload(),
    }
    args.update(kw)
    return makeup_record(**args)


def test_leader_records_a_makeup_with_evidence(w: World) -> None:
    record = _makeup(w)
    assert (record.kind, record.source, record.minutes) == (RecordKind.CREDIT, RecordSource.MAKEUP, 90)
    assert record.activity == w.activity and record.created_by == w.leader_user
    assert record.evidence.name.endswith(".png")
    assert record.start_at == w.activity.start_at
    assert ServiceTotal.objects.get(volunteer=w.volunteer, kind=RecordKind.CREDIT).minutes == 90
    assert Notification.objects.filter(recipient=w.volunteer_user, title="服务时长已补录").exists()


def test_org_admin_over_the_activity_may_record_a_makeup(w: World) -> None:
    assert _makeup(w, actor=w.admin_user).minutes == 90


@pytest.mark.parametrize("who", ["volunteer_user", "other_leader_user", "other_admin_user"])
def test_others_may_not_record_a_makeup(w: World, who: str) -> None:
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        _makeup(w, actor=getattr(w, who))
    assert _snapshot() == before


def _activity_ending(w: World, end: datetime.datetime) -> object:
    activity = ActivityFactory(org=w.tree.town_a, start_at=end - datetime.timedelta(hours=2), end_at=end)
    activity.teams.add(w.team)
    return activity


def test_makeup_on_the_tenth_working_day_is_accepted_and_the_next_day_refused(w: World) -> None:
    # Ended Friday 2026-09-18; 10 working days (with 中秋 and 国庆 skipped, 9/20 调休 counted) end on 10/09.
    activity = _activity_ending(w, datetime.datetime(2026, 9, 18, 11, 0, tzinfo=SHANGHAI))
    with frozen(datetime.datetime(2026, 10, 10, 9, 0, tzinfo=SHANGHAI)):
        before = _snapshot()
        with pytest.raises(MakeupWindowClosed) as info:
            _makeup(w, activity=activity)
        assert "2026-10-09" in info.value.message
        assert _snapshot() == before
    with frozen(datetime.datetime(2026, 10, 9, 17, 0, tzinfo=SHANGHAI)):
        assert _makeup(w, activity=activity).source == RecordSource.MAKEUP


def test_makeup_deadline_across_the_spring_festival_counts_the_swapped_working_saturdays(w: World) -> None:
    # Ended Thursday 2026-02-12: 2/13, Sat 2/14 (调休上班), 春节 2/15–2/23 off, 2/24–2/27, Sat 2/28 (调休上班),
    # 3/2, 3/3 and the 10th working day Wednesday 3/4.
    activity = _activity_ending(w, datetime.datetime(2026, 2, 12, 16, 0, tzinfo=SHANGHAI))
    with frozen(datetime.datetime(2026, 3, 5, 8, 30, tzinfo=SHANGHAI)):
        with pytest.raises(MakeupWindowClosed) as info:
            _makeup(w, activity=activity)
        assert "截止 2026-03-04" in info.value.message
    with frozen(datetime.datetime(2026, 3, 4, 18, 0, tzinfo=SHANGHAI)):
        assert _makeup(w, activity=activity).source == RecordSource.MAKEUP


def test_makeup_whose_deadline_falls_in_a_year_without_its_arrangement_is_refused(w: World) -> None:
    HolidayYear.objects.filter(year=2027).delete()
    # Ended Thursday 2026-12-24: the 10 working days reach into January 2027, which has no data.
    activity = _activity_ending(w, datetime.datetime(2026, 12, 24, 16, 0, tzinfo=SHANGHAI))
    with frozen(datetime.datetime(2026, 12, 28, 9, 0, tzinfo=SHANGHAI)):
        before = _snapshot()
        with pytest.raises(WorkCalendarMissing) as info:
            _makeup(w, activity=activity)
        assert info.value.code == "work_calendar_missing" and "2027年" in info.value.message
        assert _snapshot() == before
        # Once the system admin has entered and confirmed 2027, the same make-up goes through.
        HolidayYearFactory(year=2027)
        assert _makeup(w, activity=activity).source == RecordSource.MAKEUP


def test_makeup_a_month_after_the_activity_is_refused_and_writes_nothing(w: World) -> None:
    activity = _activity_ending(w, timezone.now() - datetime.timedelta(days=31))
    before = _snapshot()
    with pytest.raises(MakeupWindowClosed):
        _makeup(w, activity=activity)
    assert _snapshot() == before


def test_makeup_longer_than_planned_is_refused_and_writes_nothing(w: World) -> None:
    before = _snapshot()
    with pytest.raises(MakeupTooLong) as info:
        _makeup(w, minutes=w.activity.planned_minutes + 1)
    assert "120" in info.value.message
    assert _snapshot() == before
    assert _makeup(w, minutes=w.activity.planned_minutes).minutes == 120


@pytest.mark.parametrize(
    ("evidence", "error"),
    [
        (None, EvidenceRequired),
        (ContentFile(b"", name="empty.png"), EvidenceRequired),
        (ContentFile(b"just text pretending", name="photo.png"), EvidenceInvalid),
        (ContentFile(b"MZ\x90\x00", name="virus.exe"), EvidenceInvalid),
        (ContentFile(b"%PDF" + b"0" * (10 * 1024 * 1024), name="huge.pdf"), EvidenceInvalid),
    ],
)
def test_makeup_without_valid_evidence_is_refused(w: World, evidence: object, error: type) -> None:
    before = _snapshot()
    with pytest.raises(error):
        _makeup(w, evidence=evidence)
    assert _snapshot() == before


def test_a_pdf_document_is_valid_evidence(w: World) -> None:
    assert _makeup(w, evidence=ContentFile(PDF_BYTES, name="签到表.pdf")).evidence


def test_makeup_for_a_volunteer_who_already_has_a_record_is_refused(w: World) -> None:
    post_record(volunteer=w.volunteer, minutes=100, activity=w.activity)
    with pytest.raises(AlreadyRecorded):
        _makeup(w)


@pytest.mark.parametrize("status", [AttendanceStatus.OPEN, AttendanceStatus.AUTO_CLOSED])
def test_makeup_while_an_attendance_is_open_or_awaits_confirmation_is_refused(w: World, status: str) -> None:
    Attendance.objects.create(
        activity=w.activity,
        volunteer=w.volunteer,
        check_in_at=w.activity.start_at,
        check_out_at=w.activity.end_at if status == AttendanceStatus.AUTO_CLOSED else None,
        check_in_method=AttendanceMethod.CODE,
        status=status,
    )
    with pytest.raises(AlreadyRecorded):
        _makeup(w)
    assert not ServiceRecord.objects.exists()


def test_makeup_before_the_activity_ended_is_refused(w: World) -> None:
    activity = _activity_ending(w, timezone.now() + datetime.timedelta(hours=1))
    with pytest.raises(ActivityNotEnded):
        _makeup(w, activity=activity)


def test_makeup_for_a_cancelled_activity_is_refused(w: World) -> None:
    w.activity.status = ActivityStatus.CANCELLED
    w.activity.save()
    with pytest.raises(ActivityCancelled):
        _makeup(w)


@pytest.mark.parametrize("minutes", [0, -30])
def test_makeup_of_no_time_is_refused(w: World, minutes: int) -> None:
    with pytest.raises(InvalidMinutes):
        _makeup(w, minutes=minutes)


# ---- honour hours ------------------------------------------------------------------------------


def _honour(w: World, **kw: object) -> ServiceRecord:
    args: dict = {
        "actor": w.admin_user,
        "volunteer": w.volunteer,
        "minutes": 600,
        "category": ServiceCategory.EMERGENCY,
        "served_on": timezone.localdate(),
        "reason": "抗洪抢险表现突出",
        "evidence": png_upload("表彰.png"),
    }
    args.update(kw)
    return honour_grant(**args)


def test_org_admin_grants_honour_hours_kept_apart_from_credit(w: World) -> None:
    post_record(volunteer=w.volunteer, minutes=120, activity=w.activity)
    record = _honour(w)
    assert (record.kind, record.source) == (RecordKind.HONOUR, RecordSource.HONOUR)
    year = timezone.localdate().year
    totals = dict(ServiceTotal.objects.filter(volunteer=w.volunteer, year=year).values_list("kind", "minutes"))
    assert totals == {RecordKind.CREDIT: 120, RecordKind.HONOUR: 600}
    assert Notification.objects.filter(recipient=w.volunteer_user, title="获得荣誉时数").exists()


@pytest.mark.parametrize("who", ["leader_user", "volunteer_user", "other_admin_user"])
def test_only_an_org_admin_over_the_volunteer_grants_honour_hours(w: World, who: str) -> None:
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        _honour(w, actor=getattr(w, who))
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("kw", "error"),
    [
        ({"evidence": None}, EvidenceRequired),
        ({"evidence": ContentFile(b"<html>", name="x.html")}, EvidenceInvalid),
        ({"reason": ""}, DomainError),
        ({"minutes": 0}, InvalidMinutes),
        ({"minutes": 1000 * 60 + 1}, InvalidMinutes),
        ({"category": "astrology"}, DomainError),
        ({"served_on": timezone.localdate() + datetime.timedelta(days=1)}, FutureDate),
    ],
)
def test_bad_honour_grants_are_refused_and_write_nothing(w: World, kw: dict, error: type) -> None:
    before = _snapshot()
    with pytest.raises(error):
        _honour(w, **kw)
    assert _snapshot() == before
