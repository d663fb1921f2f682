"""Training: sessions, enrolment within capacity, attendance marks and corrections, training minutes."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from redvest.audit.models import AuditEntry
from redvest.core.errors import PermissionDenied, ValidationFailed
from redvest.publicity.errors import AlreadyEnrolled, SessionFull
from redvest.publicity.models import AttendanceMark, TrainingSession
from redvest.publicity.selectors import my_training, session_roster, training_hours_report, training_minutes
from redvest.publicity.services import SessionData, attendance_mark, training_enrol, training_session_create
from redvest.publicity.tests.factories import (
    AttendanceMarkFactory,
    EnrolmentFactory,
    TrainingSessionFactory,
    admin_at,
    volunteer_login,
)
from redvest.records.models import ServiceRecord
from redvest.volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db
TZ = timezone.get_current_timezone()


def at(y: int, m: int, d: int, h: int = 9) -> datetime.datetime:
    return datetime.datetime(y, m, d, h, tzinfo=TZ)


def session_data(**kw: object) -> SessionData:
    values: dict[str, object] = {
        "title": "应急救护培训",
        "category": "first_aid",
        "trainer": "红十字会李老师",
        "place": "雉城街道党群服务中心",
        "starts_at": at(2026, 3, 4, 9),
        "ends_at": at(2026, 3, 4, 11),
        "minutes": 120,
        "capacity": 2,
    }
    values.update(kw)
    return SessionData(**values)  # type: ignore[arg-type]


def test_admin_creates_a_session_at_their_node(tree):
    admin = admin_at(tree.town_a)
    s = training_session_create(actor=admin, org=tree.community_a, data=session_data())
    assert (s.minutes, s.capacity, s.org) == (120, 2, tree.community_a)
    assert AuditEntry.objects.filter(target_type="publicity.trainingsession", action="create").exists()
    with pytest.raises(PermissionDenied):
        training_session_create(actor=admin_at(tree.town_b), org=tree.community_a, data=session_data())


def test_bad_session_input_names_fields_and_writes_nothing(tree):
    admin = admin_at(tree.town_a)
    with pytest.raises(ValidationFailed) as exc:
        training_session_create(
            actor=admin,
            org=tree.town_a,
            data=session_data(title="", ends_at=at(2026, 3, 4, 8), capacity=0, category="x"),
        )
    assert {"title", "ends_at", "capacity", "category"} <= set(exc.value.errors)
    with pytest.raises(ValidationFailed) as exc:
        training_session_create(actor=admin, org=tree.town_a, data=session_data(minutes=121))
    assert "minutes" in exc.value.errors
    assert not TrainingSession.objects.exists()


def test_self_enrolment_once_and_within_capacity(tree):
    s = TrainingSessionFactory(org=tree.town_a, capacity=1, starts_at=timezone.now() + datetime.timedelta(days=1))
    me = volunteer_login(tree.community_a)
    training_enrol(actor=me.user, session=s, volunteer=me)
    with pytest.raises(AlreadyEnrolled):
        training_enrol(actor=me.user, session=s, volunteer=me)
    other = volunteer_login(tree.town_b)
    with pytest.raises(SessionFull):
        training_enrol(actor=other.user, session=s, volunteer=other)
    with pytest.raises(PermissionDenied):
        training_enrol(actor=other.user, session=s, volunteer=me)


def test_volunteer_cannot_enrol_after_the_end_but_the_organiser_can(tree):
    s = TrainingSessionFactory(org=tree.town_a)  # yesterday
    me = volunteer_login(tree.community_a)
    with pytest.raises(ValidationFailed):
        training_enrol(actor=me.user, session=s, volunteer=me)
    training_enrol(actor=admin_at(tree.town_a), session=s, volunteer=me)


def test_attendance_marks_and_a_late_correction_is_a_new_row_with_reason(tree):
    admin = admin_at(tree.town_a)
    s = TrainingSessionFactory(org=tree.town_a, minutes=90)
    a, b = EnrolmentFactory(session=s), EnrolmentFactory(session=s)
    result = attendance_mark(actor=admin, session=s, marks={a.pk: True, b.pk: False})
    assert (result.marked, result.corrected) == (2, 0)
    with pytest.raises(ValidationFailed) as exc:
        attendance_mark(actor=admin, session=s, marks={b.pk: True})
    assert "reason" in exc.value.errors
    result = attendance_mark(actor=admin, session=s, marks={a.pk: True, b.pk: True}, reason="补签到表")
    assert (result.marked, result.corrected, result.unchanged) == (0, 1, 1)
    first_b = AttendanceMark.objects.get(enrolment=b, corrects__isnull=True)
    assert first_b.attended is False  # the old mark is untouched
    correction = AttendanceMark.objects.get(corrects=first_b)
    assert (correction.attended, correction.reason, correction.marked_by) == (True, "补签到表", admin)
    roster = {r.enrolment.pk: r for r in session_roster(session=s)}
    assert roster[b.pk].attended is True and len(roster[b.pk].history) == 2
    assert training_minutes(volunteer_ids=[a.volunteer_id, b.volunteer_id]) == {a.volunteer_id: 90, b.volunteer_id: 90}
    assert AuditEntry.objects.filter(target_type="publicity.trainingsession", reason="补签到表").exists()
    assert not ServiceRecord.objects.exists()  # training time is not service time


def test_marking_rules(tree):
    s = TrainingSessionFactory(org=tree.town_a, starts_at=timezone.now() + datetime.timedelta(hours=1))
    e = EnrolmentFactory(session=s)
    with pytest.raises(ValidationFailed):  # not started yet
        attendance_mark(actor=admin_at(tree.town_a), session=s, marks={e.pk: True})
    past = TrainingSessionFactory(org=tree.town_a)
    stranger = EnrolmentFactory(session=TrainingSessionFactory(org=tree.town_a))
    with pytest.raises(ValidationFailed):  # not enrolled in this session
        attendance_mark(actor=admin_at(tree.town_a), session=past, marks={stranger.pk: True})
    with pytest.raises(PermissionDenied):
        attendance_mark(actor=admin_at(tree.town_b), session=past, marks={})
    assert not AttendanceMark.objects.exists()


def test_training_minutes_per_volunteer_and_period(tree):
    me = VolunteerFactory(org=tree.community_a)
    other = VolunteerFactory(org=tree.community_a)
    march = TrainingSessionFactory(org=tree.town_a, starts_at=at(2026, 3, 31, 23), minutes=60)
    april = TrainingSessionFactory(org=tree.town_a, starts_at=at(2026, 4, 1, 0), minutes=45)
    absent = TrainingSessionFactory(org=tree.town_a, starts_at=at(2026, 4, 2), minutes=300)
    for session in (march, april):
        AttendanceMarkFactory(enrolment=EnrolmentFactory(session=session, volunteer=me))
    AttendanceMarkFactory(enrolment=EnrolmentFactory(session=absent, volunteer=me), attended=False)
    AttendanceMarkFactory(enrolment=EnrolmentFactory(session=april, volunteer=other))
    ids = [me.pk, other.pk]
    assert training_minutes(volunteer_ids=ids) == {me.pk: 105, other.pk: 45}
    march_only = training_minutes(volunteer_ids=ids, start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 31))
    assert march_only == {me.pk: 60}  # Shanghai dates: 23:00 on 31 March is March
    assert training_minutes(volunteer_ids=ids, start=datetime.date(2026, 4, 1)) == {me.pk: 45, other.pk: 45}


def test_hours_report_is_subtree_and_admin_only(tree):
    inside = VolunteerFactory(org=tree.community_a, name="张三")
    outside = VolunteerFactory(org=tree.town_b)
    s = TrainingSessionFactory(org=tree.county, minutes=60)
    for v in (inside, outside):
        AttendanceMarkFactory(enrolment=EnrolmentFactory(session=s, volunteer=v))
    page = training_hours_report(user=admin_at(tree.town_a), org=tree.town_a)
    assert [(r.name, r.minutes, r.sessions) for r in page.items] == [("张三", 60, 1)]
    with pytest.raises(PermissionDenied):
        training_hours_report(user=admin_at(tree.town_b), org=tree.town_a)
    with pytest.raises(ValidationFailed):
        training_hours_report(
            user=admin_at(tree.town_a), org=tree.town_a, start=datetime.date(2026, 5, 1), end=datetime.date(2026, 4, 1)
        )


def test_my_training_lists_my_sessions_and_minutes(tree):
    me = volunteer_login(tree.community_a)
    s = TrainingSessionFactory(org=tree.town_a, minutes=75, starts_at=timezone.now() - datetime.timedelta(hours=3))
    AttendanceMarkFactory(enrolment=EnrolmentFactory(session=s, volunteer=me))
    EnrolmentFactory(volunteer=me)  # enrolled, not yet marked
    mine = my_training(volunteer=me)
    assert mine.minutes == 75 and len(mine.rows) == 2
    assert {r.attended for r in mine.rows} == {True, None}
