"""Check-in and check-out rules, proxy, offline sync, forgotten check-outs and clipped minutes."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from redvest.activities.errors import (
    ActivityCancelled,
    AlreadyCheckedIn,
    ClientIdTaken,
    LocationRequired,
    NotApproved,
    NotCheckedIn,
    OutsideGeofence,
    SyncRejected,
    TooEarly,
    WrongCode,
)
from redvest.activities.models import (
    ActivityMode,
    ActivityStatus,
    Attendance,
    AttendanceMethod,
    AttendanceStatus,
    SignUpStatus,
)
from redvest.activities.services import (
    CHECK_IN,
    CHECK_OUT,
    Position,
    SyncItem,
    attendance_auto_close,
    attendance_check_in,
    attendance_check_out,
    attendance_confirm,
    attendance_proxy_check_in,
    attendance_proxy_check_out,
    attendance_sync,
)
from redvest.activities.tests.conftest import FAR, NEAR, SITE, World
from redvest.activities.tests.factories import SignUpFactory
from redvest.audit.models import AuditEntry
from redvest.core.errors import DomainError, PermissionDenied, ValidationFailed
from redvest.records.models import Anomaly, AnomalyKind, AnomalyStatus, ServiceRecord

MIN = datetime.timedelta(minutes=1)


@pytest.fixture
def approved(world: World) -> World:
    """Volunteer 0 is approved for the activity."""
    SignUpFactory(activity=world.activity, volunteer=world.volunteer(0), status=SignUpStatus.APPROVED)
    return world


def check_in(world: World, at: datetime.datetime, **kw: object) -> Attendance:
    values: dict[str, object] = {"code": world.code(at), "position": SITE, "at": at}
    values.update(kw)
    return attendance_check_in(actor=world.volunteer_users[0], activity=world.activity, **values)  # type: ignore[arg-type]


def check_out(world: World, at: datetime.datetime, **kw: object) -> Attendance:
    values: dict[str, object] = {"code": world.code(at), "position": SITE, "at": at}
    values.update(kw)
    return attendance_check_out(actor=world.volunteer_users[0], activity=world.activity, **values)  # type: ignore[arg-type]


def nothing_written() -> bool:
    return not Attendance.objects.exists() and not Anomaly.objects.exists() and not ServiceRecord.objects.exists()


def test_check_in_with_the_current_code_inside_the_geofence(approved: World) -> None:
    at = approved.activity.start_at + 5 * MIN
    attendance = check_in(approved, at, position=NEAR)
    assert attendance.status == AttendanceStatus.OPEN
    assert attendance.check_in_at == at
    assert attendance.check_in_distance_m == 111
    assert attendance.check_in_method == AttendanceMethod.CODE


def test_code_of_the_previous_minute_is_accepted(approved: World) -> None:
    at = approved.activity.start_at + 5 * MIN
    assert check_in(approved, at, code=approved.code(at - MIN)).status == AttendanceStatus.OPEN


def test_wrong_code_is_refused_and_writes_nothing(approved: World) -> None:
    at = approved.activity.start_at
    wrong = "000000" if approved.code(at) != "000000" else "111111"
    with pytest.raises(WrongCode) as exc:
        check_in(approved, at, code=wrong)
    assert exc.value.message == "签到码错误或已过期，请输入负责人屏幕上的最新签到码"
    assert nothing_written()


def test_expired_code_is_refused(approved: World) -> None:
    at = approved.activity.start_at + 10 * MIN
    with pytest.raises(WrongCode):
        check_in(approved, at, code=approved.code(at - 3 * MIN))
    assert nothing_written()


def test_outside_the_geofence_is_refused_with_the_distance(approved: World) -> None:
    with pytest.raises(OutsideGeofence) as exc:
        check_in(approved, approved.activity.start_at, position=FAR)
    assert "2224 米" in exc.value.message and "500 米" in exc.value.message
    assert nothing_written()


def test_refused_location_checks_in_by_code_and_asks_the_organiser_to_confirm(approved: World) -> None:
    attendance = check_in(approved, approved.activity.start_at, position=None)
    assert attendance.status == AttendanceStatus.OPEN and attendance.check_in_lat is None
    anomaly = Anomaly.objects.get()
    assert anomaly.kind == AnomalyKind.NO_LOCATION and anomaly.attendance == attendance
    assert "请活动负责人确认本人在场" in anomaly.detail
    closed = check_out(approved, approved.activity.start_at + 60 * MIN, position=None)
    assert closed.status == AttendanceStatus.CLOSED
    assert Anomaly.objects.filter(kind=AnomalyKind.NO_LOCATION).count() == 2


def test_an_impossible_location_is_refused(approved: World) -> None:
    with pytest.raises(LocationRequired):
        check_in(approved, approved.activity.start_at, position=Position(latitude=Decimal(95), longitude=Decimal(0)))
    assert nothing_written()


def test_check_in_opens_thirty_minutes_before_start(approved: World) -> None:
    start = approved.activity.start_at
    with pytest.raises(TooEarly) as exc:
        check_in(approved, start - 31 * MIN)
    assert "开放" in exc.value.message
    assert nothing_written()
    assert check_in(approved, start - 30 * MIN).status == AttendanceStatus.OPEN


def test_check_in_after_the_end_is_refused(approved: World) -> None:
    with pytest.raises(DomainError, match="活动已结束"):
        check_in(approved, approved.activity.end_at + MIN)
    assert nothing_written()


def test_cancelled_activity_refuses_check_in(approved: World) -> None:
    approved.activity.status = ActivityStatus.CANCELLED
    approved.activity.save()
    with pytest.raises(ActivityCancelled):
        check_in(approved, approved.activity.start_at)
    assert nothing_written()


def test_second_check_in_while_open_is_refused(approved: World) -> None:
    at = approved.activity.start_at
    check_in(approved, at)
    with pytest.raises(AlreadyCheckedIn) as exc:
        check_in(approved, at + 2 * MIN)
    assert exc.value.message == "已签到，请勿重复操作"
    assert Attendance.objects.count() == 1


def test_volunteer_without_approved_sign_up_cannot_check_in(world: World) -> None:
    SignUpFactory(activity=world.activity, volunteer=world.volunteer(0), status=SignUpStatus.PENDING)
    with pytest.raises(NotApproved):
        check_in(world, world.activity.start_at)
    assert nothing_written()


def test_dispersed_activity_lets_any_registered_volunteer_check_in(world: World) -> None:
    world.activity.mode = ActivityMode.DISPERSED
    world.activity.save()
    assert check_in(world, world.activity.start_at).status == AttendanceStatus.OPEN


def test_check_out_without_check_in_is_refused(approved: World) -> None:
    with pytest.raises(NotCheckedIn) as exc:
        check_out(approved, approved.activity.start_at + 60 * MIN)
    assert exc.value.message == "您尚未签到，不能签退"
    assert nothing_written()


def test_check_out_closes_and_posts_the_minutes(approved: World) -> None:
    start = approved.activity.start_at
    check_in(approved, start + 10 * MIN)
    attendance = check_out(approved, start + 100 * MIN)
    assert attendance.status == AttendanceStatus.CLOSED
    record = ServiceRecord.objects.get(attendance=attendance)
    assert record.minutes == 90 and record.kind == "credit"


def test_minutes_are_clipped_to_the_activity_window(approved: World) -> None:
    a = approved.activity
    check_in(approved, a.start_at - 20 * MIN)
    attendance = check_out(approved, a.end_at + 30 * MIN)
    assert ServiceRecord.objects.get(attendance=attendance).minutes == a.planned_minutes == 120


def test_check_out_with_a_wrong_code_is_refused_and_stays_open(approved: World) -> None:
    at = approved.activity.start_at
    check_in(approved, at)
    with pytest.raises(WrongCode):
        check_out(approved, at + 60 * MIN, code=approved.code(at))
    assert Attendance.objects.get().status == AttendanceStatus.OPEN
    assert not ServiceRecord.objects.exists()


def test_check_out_far_from_the_site_is_kept_and_flagged(approved: World) -> None:
    at = approved.activity.start_at
    check_in(approved, at)
    attendance = check_out(approved, at + 60 * MIN, position=FAR)
    assert attendance.status == AttendanceStatus.CLOSED
    assert Anomaly.objects.filter(attendance=attendance, kind=AnomalyKind.FAR_FROM_SITE).exists()


def test_checking_in_again_after_checking_out_starts_a_new_stay(approved: World) -> None:
    at = approved.activity.start_at
    check_in(approved, at)
    check_out(approved, at + 30 * MIN)
    check_in(approved, at + 40 * MIN)
    assert Attendance.objects.filter(status=AttendanceStatus.OPEN).count() == 1
    assert Attendance.objects.count() == 2


def test_same_client_id_twice_makes_one_record(approved: World) -> None:
    at = approved.activity.start_at
    first = check_in(approved, at, client_id="c0ffee-1")
    again = check_in(approved, at + MIN, client_id="c0ffee-1")
    assert first.pk == again.pk and Attendance.objects.count() == 1


def test_client_id_of_another_volunteer_is_refused(approved: World) -> None:
    approved.activity.mode = ActivityMode.DISPERSED
    approved.activity.save()
    at = approved.activity.start_at
    check_in(approved, at, client_id="shared-id")
    with pytest.raises(ClientIdTaken):
        attendance_check_in(
            actor=approved.volunteer_users[1],
            activity=approved.activity,
            code=approved.code(at),
            position=SITE,
            at=at,
            client_id="shared-id",
        )


def offline(world: World, kind: str, at: datetime.datetime, client_id: str, **kw: object) -> SyncItem:
    values: dict[str, object] = {
        "client_id": client_id,
        "activity_id": world.activity.pk,
        "kind": kind,
        "at": at,
        "code": world.code(at),
        "position": SITE,
    }
    values.update(kw)
    return SyncItem(**values)  # type: ignore[arg-type]


def test_offline_sync_validates_the_code_against_the_claimed_time(approved: World) -> None:
    start = approved.activity.start_at
    items = [offline(approved, CHECK_IN, start, "in-1"), offline(approved, CHECK_OUT, start + 60 * MIN, "out-1")]
    results = attendance_sync(actor=approved.volunteer_users[0], items=items, received_at=start + 65 * MIN)
    assert [r.ok for r in results] == [True, True]
    attendance = Attendance.objects.get()
    assert attendance.check_in_at == start and attendance.check_out_at == start + 60 * MIN
    assert attendance.check_in_method == AttendanceMethod.OFFLINE
    assert ServiceRecord.objects.get(attendance=attendance).minutes == 60


def test_offline_sync_is_idempotent_per_client_id(approved: World) -> None:
    start = approved.activity.start_at
    item = offline(approved, CHECK_IN, start, "in-dup")
    first = attendance_sync(actor=approved.volunteer_users[0], items=[item], received_at=start + MIN)
    second = attendance_sync(actor=approved.volunteer_users[0], items=[item], received_at=start + 2 * MIN)
    assert first[0].ok and second[0].ok
    assert first[0].attendance is not None and second[0].attendance is not None
    assert first[0].attendance.pk == second[0].attendance.pk
    assert Attendance.objects.count() == 1


def test_offline_sync_received_late_is_flagged(approved: World) -> None:
    start = approved.activity.start_at
    item = offline(approved, CHECK_IN, start, "in-late")
    [result] = attendance_sync(actor=approved.volunteer_users[0], items=[item], received_at=start + 3 * 60 * MIN)
    assert result.ok and result.late
    anomaly = Anomaly.objects.get(kind=AnomalyKind.LATE_SYNC)
    assert "180 分钟后" in anomaly.detail


def test_offline_sync_within_minutes_is_not_flagged(approved: World) -> None:
    start = approved.activity.start_at
    [result] = attendance_sync(
        actor=approved.volunteer_users[0],
        items=[offline(approved, CHECK_IN, start, "in-ok")],
        received_at=start + 5 * MIN,
    )
    assert result.ok and not result.late
    assert not Anomaly.objects.exists()


def test_offline_sync_past_the_window_is_refused(approved: World) -> None:
    start = approved.activity.start_at
    [result] = attendance_sync(
        actor=approved.volunteer_users[0],
        items=[offline(approved, CHECK_IN, start, "in-old")],
        received_at=start + datetime.timedelta(hours=25),
    )
    assert not result.ok and result.code == SyncRejected.code and "24 小时" in result.message
    assert nothing_written()


def test_offline_item_with_a_code_from_another_time_is_refused(approved: World) -> None:
    start = approved.activity.start_at
    item = offline(approved, CHECK_IN, start, "in-bad", code=approved.code(start + 10 * MIN))
    [result] = attendance_sync(actor=approved.volunteer_users[0], items=[item], received_at=start + 20 * MIN)
    assert not result.ok and result.code == WrongCode.code
    assert nothing_written()


def test_one_bad_offline_item_keeps_the_others(approved: World) -> None:
    start = approved.activity.start_at
    items = [
        offline(approved, CHECK_IN, start, "in-good"),
        offline(approved, CHECK_IN, start + 20 * MIN, "in-second-while-open"),
        offline(approved, CHECK_OUT, start + 30 * MIN, "out-far", position=Position(Decimal("31.5"), Decimal("120"))),
    ]
    results = attendance_sync(actor=approved.volunteer_users[0], items=items, received_at=start + 45 * MIN)
    assert [r.ok for r in results] == [True, False, True]
    assert results[1].code == AlreadyCheckedIn.code
    assert Attendance.objects.get().status == AttendanceStatus.CLOSED
    assert Anomaly.objects.filter(kind=AnomalyKind.FAR_FROM_SITE).count() == 1


def test_leader_checks_a_volunteer_in_and_out_with_reasons_audited(approved: World) -> None:
    a = approved.activity
    attendance = attendance_proxy_check_in(
        actor=approved.leader_user, activity=a, volunteer=approved.volunteer(0), reason="手机没电", at=a.start_at
    )
    assert attendance.check_in_method == AttendanceMethod.PROXY and attendance.proxy_by == approved.leader_user
    attendance_proxy_check_out(
        actor=approved.leader_user, attendance=attendance, reason="提前离开", at=a.start_at + 45 * MIN
    )
    attendance.refresh_from_db()
    assert attendance.status == AttendanceStatus.CLOSED and attendance.checkout_proxy_reason == "提前离开"
    assert ServiceRecord.objects.get(attendance=attendance).minutes == 45
    reasons = set(AuditEntry.objects.filter(target_type="activities.attendance").values_list("reason", flat=True))
    assert reasons == {"手机没电", "提前离开"}


def test_proxy_needs_a_reason(approved: World) -> None:
    with pytest.raises(DomainError, match="请填写代签到原因"):
        attendance_proxy_check_in(
            actor=approved.leader_user,
            activity=approved.activity,
            volunteer=approved.volunteer(0),
            reason="  ",
            at=approved.activity.start_at,
        )
    assert nothing_written()


def test_leader_of_another_team_cannot_proxy(approved: World) -> None:
    with pytest.raises(PermissionDenied):
        attendance_proxy_check_in(
            actor=approved.other_leader_user,
            activity=approved.activity,
            volunteer=approved.volunteer(0),
            reason="代签",
            at=approved.activity.start_at,
        )
    assert nothing_written()


def test_proxy_check_out_time_cannot_precede_check_in(approved: World) -> None:
    a = approved.activity
    attendance = check_in(approved, a.start_at + 10 * MIN)
    with pytest.raises(ValidationFailed):
        attendance_proxy_check_out(
            actor=approved.leader_user,
            attendance=attendance,
            reason="忘记签退",
            at=a.start_at + 60 * MIN,
            check_out_at=a.start_at,
        )
    assert Attendance.objects.get().status == AttendanceStatus.OPEN


def test_forgotten_check_out_is_auto_closed_after_the_grace_period(approved: World) -> None:
    a = approved.activity
    check_in(approved, a.start_at)
    assert attendance_auto_close(at=a.end_at + 119 * MIN) == 0
    assert attendance_auto_close(at=a.end_at + 120 * MIN) == 1
    attendance = Attendance.objects.get()
    assert attendance.status == AttendanceStatus.AUTO_CLOSED and attendance.check_out_at == a.end_at
    assert Anomaly.objects.filter(attendance=attendance, kind=AnomalyKind.AUTO_CLOSED).count() == 1
    assert not ServiceRecord.objects.exists()  # posted only when the leader confirms
    assert attendance_auto_close(at=a.end_at + 180 * MIN) == 0  # safe to run again
    assert Anomaly.objects.count() == 1


def test_grace_period_comes_from_settings(approved: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ACTIVITY_CHECKOUT_GRACE_MINUTES = 30
    a = approved.activity
    check_in(approved, a.start_at)
    assert attendance_auto_close(at=a.end_at + 30 * MIN) == 1


def test_auto_closed_volunteer_cannot_check_out_and_is_told_why(approved: World) -> None:
    a = approved.activity
    check_in(approved, a.start_at)
    attendance_auto_close(at=a.end_at + 3 * 60 * MIN)
    with pytest.raises(NotCheckedIn, match="自动签退"):
        check_out(approved, a.end_at + 3 * 60 * MIN)


def test_leader_confirms_an_auto_closed_stay_and_it_is_posted(approved: World) -> None:
    a = approved.activity
    check_in(approved, a.start_at + 30 * MIN)
    attendance_auto_close(at=a.end_at + 3 * 60 * MIN)
    attendance = attendance_confirm(
        actor=approved.leader_user, attendance=Attendance.objects.get(), at=a.end_at + 4 * 60 * MIN
    )
    assert attendance.status == AttendanceStatus.CONFIRMED
    assert ServiceRecord.objects.get(attendance=attendance).minutes == 90
    assert Anomaly.objects.get(kind=AnomalyKind.AUTO_CLOSED).status == AnomalyStatus.CLEARED


def test_leader_sets_the_real_check_out_time(approved: World) -> None:
    a = approved.activity
    check_in(approved, a.start_at)
    attendance_auto_close(at=a.end_at + 3 * 60 * MIN)
    attendance = attendance_confirm(
        actor=approved.leader_user,
        attendance=Attendance.objects.get(),
        at=a.end_at + 4 * 60 * MIN,
        check_out_at=a.start_at + 50 * MIN,
    )
    assert attendance.status == AttendanceStatus.CLOSED
    assert ServiceRecord.objects.get(attendance=attendance).minutes == 50
    assert Anomaly.objects.get(kind=AnomalyKind.AUTO_CLOSED).status == AnomalyStatus.CORRECTED


def test_confirming_a_stay_settles_its_flag_through_the_records_app_with_an_audit_row(approved: World) -> None:
    a = approved.activity
    check_in(approved, a.start_at)
    attendance_auto_close(at=a.end_at + 3 * 60 * MIN)
    at = a.end_at + 4 * 60 * MIN
    attendance_confirm(
        actor=approved.leader_user, attendance=Attendance.objects.get(), at=at, check_out_at=a.start_at + 50 * MIN
    )
    flag = Anomaly.objects.get(kind=AnomalyKind.AUTO_CLOSED)
    assert (flag.reviewed_by, flag.reviewed_at, flag.review_note) == (approved.leader_user, at, "负责人已确认签退时间")
    audit = AuditEntry.objects.get(target_type="records.anomaly", target_id=str(flag.pk))
    assert (audit.actor, audit.action, audit.before, audit.after) == (
        approved.leader_user,
        "update",
        {"status": AnomalyStatus.OPEN},
        {"status": AnomalyStatus.CORRECTED, "kind": AnomalyKind.AUTO_CLOSED},
    )
    assert audit.target_repr == str(flag)


def test_only_auto_closed_stays_need_confirming(approved: World) -> None:
    attendance = check_in(approved, approved.activity.start_at)
    with pytest.raises(DomainError, match="自动签退"):
        attendance_confirm(actor=approved.leader_user, attendance=attendance, at=approved.activity.end_at)


def test_volunteer_cannot_confirm_their_own_auto_closed_stay(approved: World) -> None:
    a = approved.activity
    check_in(approved, a.start_at)
    attendance_auto_close(at=a.end_at + 3 * 60 * MIN)
    with pytest.raises(PermissionDenied):
        attendance_confirm(
            actor=approved.volunteer_users[0], attendance=Attendance.objects.get(), at=a.end_at + 4 * 60 * MIN
        )
