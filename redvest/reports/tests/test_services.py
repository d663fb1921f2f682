"""Drafts from the records, editing with reasons, submission (late ones marked), review rules, punctuality."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from redvest.activities.models import ActivityOutcome, ActivityStatus
from redvest.activities.tests.factories import ActivityFactory, AttendanceFactory
from redvest.audit.models import AuditEntry
from redvest.core.errors import NotFound, PermissionDenied, ValidationFailed
from redvest.core.models import Notification
from redvest.demand.tests.factories import ServiceRequestFactory
from redvest.records.models import RecordKind, RecordSource
from redvest.records.selectors import ranking
from redvest.records.services import record_correct
from redvest.records.tests.factories import post_record
from redvest.reports.access import can_review
from redvest.reports.errors import ReportNotEditable, ReportNotSubmitted
from redvest.reports.figures import record_figures
from redvest.reports.models import EventKind, FigureKey, QuarterlyReport, ReportEvent, ReportStatus
from redvest.reports.quarters import quarter_bounds
from redvest.reports.selectors import report_get, report_punctuality
from redvest.reports.services import (
    FigureInput,
    report_accept,
    report_open,
    report_refresh,
    report_return,
    report_submit,
    report_update,
)
from redvest.reports.tests.factories import ReportTree, at
from redvest.volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db
Q3_DAY = datetime.date(2026, 8, 10)
ON_TIME = at(datetime.date(2026, 9, 20))
LATE = at(datetime.date(2026, 9, 29))


def _records(tree: ReportTree) -> None:
    """In community_a during 2026 Q3: one activity (3 sessions, 40 beneficiaries, 2 problems found, 1
    solved) with two check-ins; 120 credit minutes corrected down to 90; 60 honour minutes; one demand
    request registered and resolved. Outside: a record in October and one in town_b."""
    activity = ActivityFactory(org=tree.community_a, start_at=at(Q3_DAY, 9), end_at=at(Q3_DAY, 12))
    ActivityOutcome.objects.create(activity=activity, sessions=3, beneficiaries=40, problems_found=2, problems_solved=1)
    ActivityFactory(
        org=tree.community_a, start_at=at(Q3_DAY, 9), end_at=at(Q3_DAY, 12), status=ActivityStatus.CANCELLED
    )
    volunteer = VolunteerFactory(org=tree.community_a)
    AttendanceFactory(activity=activity, volunteer=volunteer)
    AttendanceFactory(activity=activity)
    record = post_record(volunteer=volunteer, minutes=120, activity=activity)
    record_correct(actor=tree.county_admin, record=record, minutes=90, reason="签退时间有误")
    post_record(volunteer=volunteer, minutes=60, kind=RecordKind.HONOUR, source=RecordSource.HONOUR, served_on=Q3_DAY)
    post_record(volunteer=volunteer, minutes=500, served_on=datetime.date(2026, 10, 2))
    post_record(volunteer=VolunteerFactory(org=tree.town_b), minutes=300, served_on=Q3_DAY)
    ServiceRequestFactory(area=tree.community_a, created_at=at(Q3_DAY), status="resolved", resolved_at=at(Q3_DAY, 15))


def _open(tree: ReportTree) -> QuarterlyReport:
    return report_open(actor=tree.community_admin, org=tree.party_a, year=2026, quarter=3, now=ON_TIME)


def _figures(report: QuarterlyReport) -> dict[str, tuple[int, int]]:
    return {f.key: (f.record_value, f.reported_value) for f in report.figures.all()}


def _ready(tree: ReportTree) -> QuarterlyReport:
    report = _open(tree)
    return report_update(actor=tree.community_admin, report=report, highlights="开展夏季助老服务")


def test_draft_fills_itself_from_the_quarters_records_of_the_host_subtree(tree: ReportTree) -> None:
    _records(tree)
    figures = _figures(_open(tree))
    assert figures[FigureKey.ACTIVITIES] == (1, 1)
    assert figures[FigureKey.SESSIONS] == (3, 3)
    assert figures[FigureKey.PERSON_TIMES] == (2, 2)
    assert figures[FigureKey.CREDIT_MINUTES] == (90, 90)  # 120 reversed and corrected to 90
    assert figures[FigureKey.HONOUR_MINUTES] == (60, 60)
    assert figures[FigureKey.BENEFICIARIES] == (40, 40)
    assert figures[FigureKey.PROBLEMS_FOUND] == (3, 3)  # 2 from the outcome + 1 request registered
    assert figures[FigureKey.PROBLEMS_SOLVED] == (2, 2)
    assert figures[FigureKey.REQUESTS_HANDLED] == (1, 1)
    assert figures[FigureKey.VOLUNTEERS][0] >= 1


def test_draft_words_come_from_the_quarters_records_for_the_filer_to_edit(tree: ReportTree) -> None:
    _records(tree)
    ActivityFactory(org=tree.community_a, title="夏季助老义诊", start_at=at(Q3_DAY, 14), end_at=at(Q3_DAY, 16))
    late = ServiceRequestFactory(area=tree.community_a, created_at=at(Q3_DAY))
    late.arrival_breached_at = at(Q3_DAY, 12)
    late.save(update_fields=["arrival_breached_at"])
    report = _open(tree)
    assert "2026年第三季度共开展志愿服务活动2场" in report.highlights
    assert "签到2人次" in report.highlights and "受理群众诉求2件" in report.highlights
    assert "1件诉求未在时限内到场或办结" in report.problems
    assert report.next_plan.startswith("1. ") and "逾期工单逐件回访" in report.next_plan
    edited = report_update(actor=tree.community_admin, report=report, highlights="开展夏季助老服务")
    assert edited.highlights == "开展夏季助老服务"


def test_a_quarter_without_records_says_so_in_the_draft(tree: ReportTree) -> None:
    report = _open(tree)
    assert report.highlights == "" and "未开展志愿服务活动" in report.problems


def test_draft_counts_care_visits_of_the_quarter(tree: ReportTree) -> None:
    from redvest.care.tests.factories import CareRecipientFactory, CareVisitFactory

    recipient = CareRecipientFactory(org=tree.community_a)
    CareVisitFactory(recipient=recipient, visited_on=Q3_DAY)
    CareVisitFactory(recipient=recipient, visited_on=datetime.date(2026, 10, 3))
    assert _figures(_open(tree))[FigureKey.CARE_VISITS] == (1, 1)


def test_opening_twice_returns_the_same_report(tree: ReportTree) -> None:
    assert _open(tree).pk == _open(tree).pk
    assert QuarterlyReport.objects.count() == 1


def test_only_party_organisations_file(tree: ReportTree) -> None:
    with pytest.raises(ValidationFailed) as exc:
        report_open(actor=tree.county_admin, org=tree.community_a, year=2026, quarter=3)
    assert "org" in exc.value.errors


def test_admin_of_another_town_cannot_open_the_report(tree: ReportTree) -> None:
    with pytest.raises(PermissionDenied):
        report_open(actor=tree.other_town_admin, org=tree.party_a, year=2026, quarter=3)
    assert not QuarterlyReport.objects.exists()


def test_refresh_follows_the_records_for_unedited_figures_and_keeps_edited_ones(tree: ReportTree) -> None:
    report = _open(tree)
    report_update(
        actor=tree.community_admin,
        report=report,
        figures={FigureKey.BENEFICIARIES: FigureInput(25, "另有入户宣传25人")},
    )
    _records(tree)
    report_refresh(actor=tree.community_admin, report=report)
    figures = _figures(report)
    assert figures[FigureKey.CREDIT_MINUTES] == (90, 90)
    assert figures[FigureKey.BENEFICIARIES] == (40, 25)


def test_a_figure_edited_away_from_the_record_needs_a_reason_and_nothing_is_written(tree: ReportTree) -> None:
    report = _open(tree)
    with pytest.raises(ValidationFailed) as exc:
        report_update(
            actor=tree.community_admin,
            report=report,
            figures={FigureKey.ACTIVITIES: FigureInput(5, "")},
            highlights="写了亮点",
        )
    assert exc.value.errors == {"reason_activities": "开展活动（次）与记录值（0）不一致，请说明原因"}
    report.refresh_from_db()
    assert report.highlights == ""
    assert _figures(report)[FigureKey.ACTIVITIES] == (0, 0)


@pytest.mark.parametrize("value", [-1, "abc", True, None])
def test_reported_values_are_non_negative_integers(tree: ReportTree, value: object) -> None:
    with pytest.raises(ValidationFailed) as exc:
        report_update(
            actor=tree.community_admin, report=_open(tree), figures={FigureKey.SESSIONS: FigureInput(value, "x")}
        )
    assert "figure_sessions" in exc.value.errors


def test_edit_with_reason_is_kept_and_audited(tree: ReportTree) -> None:
    report = _open(tree)
    report_update(
        actor=tree.community_admin,
        report=report,
        figures={FigureKey.ACTIVITIES: FigureInput("4", "线下活动未录入系统")},
    )
    figure = report.figures.get(key=FigureKey.ACTIVITIES)
    assert (figure.record_value, figure.reported_value, figure.reason, figure.is_edited) == (
        0,
        4,
        "线下活动未录入系统",
        True,
    )
    assert AuditEntry.objects.filter(target_type="reports.quarterlyreport", action="update").exists()


def test_submission_on_time_is_not_late_and_notifies_the_reviewing_town(tree: ReportTree) -> None:
    report = report_submit(actor=tree.community_admin, report=_ready(tree), now=ON_TIME)
    assert (report.status, report.is_late, report.submitted_at) == (ReportStatus.SUBMITTED, False, ON_TIME)
    assert ReportEvent.objects.filter(report=report, kind=EventKind.SUBMITTED).count() == 1
    assert Notification.objects.filter(recipient=tree.town_admin).count() == 1
    assert not Notification.objects.filter(recipient=tree.county_admin).exists()  # the nearest level reviews


def test_submission_after_the_28th_is_accepted_and_marked_late(tree: ReportTree) -> None:
    report = report_submit(actor=tree.community_admin, report=_ready(tree), now=LATE)
    assert (report.status, report.is_late) == (ReportStatus.SUBMITTED, True)
    assert ReportEvent.objects.get(report=report).is_late


def test_submission_on_the_due_day_late_evening_shanghai_is_on_time(tree: ReportTree) -> None:
    # 23:30 on Sep 28 in Shanghai is 15:30 UTC the same day: on time.
    report = report_submit(actor=tree.community_admin, report=_ready(tree), now=at(datetime.date(2026, 9, 28), 23))
    assert not report.is_late


def test_submission_needs_highlights_and_reasons(tree: ReportTree) -> None:
    with pytest.raises(ValidationFailed) as exc:
        report_submit(actor=tree.community_admin, report=_open(tree), now=ON_TIME)
    assert "highlights" in exc.value.errors
    assert QuarterlyReport.objects.get().status == ReportStatus.DRAFT


def test_a_submitted_report_cannot_be_edited_or_submitted_again(tree: ReportTree) -> None:
    report = report_submit(actor=tree.community_admin, report=_ready(tree), now=ON_TIME)
    with pytest.raises(ReportNotEditable):
        report_update(actor=tree.community_admin, report=report, highlights="改")
    with pytest.raises(ReportNotEditable):
        report_submit(actor=tree.community_admin, report=report, now=ON_TIME)
    assert ReportEvent.objects.count() == 1


def test_town_accepts_a_submitted_report(tree: ReportTree) -> None:
    report = report_submit(actor=tree.community_admin, report=_ready(tree), now=ON_TIME)
    report = report_accept(actor=tree.town_admin, report=report, comment="数据翔实")
    assert report.status == ReportStatus.ACCEPTED
    assert [e.kind for e in report.events.all()] == [EventKind.SUBMITTED, EventKind.ACCEPTED]
    assert Notification.objects.filter(recipient=tree.community_admin).count() == 1


def test_returned_report_is_edited_and_resubmitted_keeping_its_first_punctuality(tree: ReportTree) -> None:
    report = report_submit(actor=tree.community_admin, report=_ready(tree), now=ON_TIME)
    report_return(
        actor=tree.town_admin, report=report, comment="活动数与台账不符，请核实", now=at(datetime.date(2026, 9, 25))
    )
    report_update(
        actor=tree.community_admin, report=report, figures={FigureKey.ACTIVITIES: FigureInput(2, "补充线下活动")}
    )
    report = report_submit(actor=tree.community_admin, report=report, now=LATE)
    assert (report.status, report.is_late, report.submitted_at, report.last_submitted_at) == (
        ReportStatus.SUBMITTED,
        False,
        ON_TIME,
        LATE,
    )
    assert [e.kind for e in report.events.all()] == [EventKind.SUBMITTED, EventKind.RETURNED, EventKind.SUBMITTED]
    assert report.events.all()[1].comment == "活动数与台账不符，请核实"


def test_returning_without_a_comment_is_refused_and_writes_nothing(tree: ReportTree) -> None:
    report = report_submit(actor=tree.community_admin, report=_ready(tree), now=ON_TIME)
    with pytest.raises(ValidationFailed) as exc:
        report_return(actor=tree.town_admin, report=report, comment="  ")
    assert exc.value.errors == {"comment": "退回时请填写审核意见"}
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert ReportEvent.objects.count() == 1


def test_accepting_a_draft_is_refused(tree: ReportTree) -> None:
    with pytest.raises(ReportNotSubmitted) as exc:
        report_accept(actor=tree.town_admin, report=_open(tree))
    assert exc.value.message == "季报尚未报送，不能审核"
    assert not ReportEvent.objects.exists()


def test_accepting_twice_is_refused(tree: ReportTree) -> None:
    report = report_submit(actor=tree.community_admin, report=_ready(tree), now=ON_TIME)
    report_accept(actor=tree.town_admin, report=report)
    with pytest.raises(ReportNotSubmitted):
        report_accept(actor=tree.county_admin, report=report)


def test_the_filing_community_cannot_review_its_own_report(tree: ReportTree) -> None:
    report = report_submit(actor=tree.community_admin, report=_ready(tree), now=ON_TIME)
    assert not can_review(tree.community_admin, report)
    with pytest.raises(PermissionDenied):
        report_accept(actor=tree.community_admin, report=report)


def test_reviewing_outside_ones_subtree_is_refused(tree: ReportTree) -> None:
    report = report_submit(actor=tree.community_admin, report=_ready(tree), now=ON_TIME)
    with pytest.raises(PermissionDenied):
        report_return(actor=tree.other_town_admin, report=report, comment="退回")
    with pytest.raises(NotFound):
        report_get(user=tree.other_town_admin, report_id=report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_punctuality_per_filing_organisation(tree: ReportTree) -> None:
    report_submit(actor=tree.community_admin, report=_ready(tree), now=ON_TIME)
    assert report_punctuality(tree.county.path, 2026, 3) == {tree.party_a.pk: True, tree.party_b.pk: False}
    assert report_punctuality(tree.town_b.path, 2026, 3) == {tree.party_b.pk: False}


def test_late_report_is_not_punctual(tree: ReportTree) -> None:
    report_submit(actor=tree.community_admin, report=_ready(tree), now=LATE)
    assert report_punctuality(tree.town_a.path, 2026, 3) == {tree.party_a.pk: False}


def test_whole_tree_shortcut_gives_the_same_figures_as_the_grouped_pass(tree: ReportTree) -> None:

    _records(tree)
    first, last = quarter_bounds(2026, 3)
    alone = record_figures([tree.county.path], first, last)[tree.county.path]
    grouped = record_figures([tree.county.path, tree.town_a.path], first, last)
    assert alone == grouped[tree.county.path]
    assert alone[FigureKey.CREDIT_MINUTES] == 90 + 300  # community_a's corrected 90 and town_b's 300
    assert grouped[tree.town_a.path][FigureKey.CREDIT_MINUTES] == 90


def test_minutes_stay_with_the_subtree_they_were_credited_to_after_a_transfer(tree: ReportTree) -> None:
    """As the hours ranking and the dashboard count them: a transfer moves the person, not their time."""

    volunteer = VolunteerFactory(org=tree.community_a)
    post_record(volunteer=volunteer, minutes=120, served_on=Q3_DAY)
    volunteer.org = tree.community_b  # what an accepted 转移接续 changes
    volunteer.save()
    post_record(volunteer=volunteer, minutes=30, served_on=Q3_DAY + datetime.timedelta(days=1))
    first, last = quarter_bounds(2026, 3)
    figures = record_figures([tree.town_a.path, tree.town_b.path, tree.county.path], first, last)
    minutes = {path: f[FigureKey.CREDIT_MINUTES] for path, f in figures.items()}
    assert minutes == {tree.town_a.path: 120, tree.town_b.path: 30, tree.county.path: 150}
    assert ranking(user=tree.town_admin, org=tree.town_a, year=2026).get().minutes == 120
    assert ranking(user=tree.other_town_admin, org=tree.town_b, year=2026).get().minutes == 30


def test_figures_cost_the_same_queries_whatever_the_ledger_holds(
    tree: ReportTree, django_assert_num_queries: Any
) -> None:

    first, last = quarter_bounds(2026, 3)
    paths = [tree.county.path, tree.town_a.path]
    # the nodes, the minutes, activities, check-ins, requests, members and visits (two subtrees: one
    # grouped query each)
    with django_assert_num_queries(7):
        record_figures(paths, first, last)
    _records(tree)
    for n in range(5):
        post_record(volunteer=VolunteerFactory(org=tree.community_b), minutes=60 + n, served_on=Q3_DAY)
    with django_assert_num_queries(7):
        record_figures(paths, first, last)
