"""The demo county's coherence: what a county admin checks first (issue 11, item 8), on the data
`conftest.seed_output` seeded once for the package."""

from __future__ import annotations

import datetime
import itertools
import json
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from redvest.accounts.models import User
from redvest.activities.models import (
    Activity,
    ActivityKind,
    ActivityOutcome,
    ActivityStatus,
    Attendance,
    AttendanceStatus,
    ServiceCategory,
)
from redvest.audit.models import AuditEntry
from redvest.care.models import CareCategory, CareHealthRecord, CareRecipient, VisitForm
from redvest.care.selectors import cadence_table
from redvest.core.crypto import decrypt
from redvest.dashboards.selectors import dashboard_get
from redvest.demo import care, catalog, publicity
from redvest.evaluation.models import EvaluationRound, EvaluationScore, RoundStatus
from redvest.orgs.models import OrgKind, OrgNode
from redvest.points.models import (
    PostingOutcome,
    RecordPosting,
)
from redvest.publicity.models import Commitment, CommitmentSetting, Exemplar
from redvest.records.models import RecordKind, ServiceRecord, ServiceTotal
from redvest.reports.figures import record_figures
from redvest.reports.models import FigureKey, QuarterlyReport
from redvest.reports.quarters import quarter_bounds
from redvest.reports.selectors import records_path
from redvest.teams.models import Team, TeamKind
from redvest.volunteers.models import (
    PoliticalStatus,
    Volunteer,
    VolunteerStatus,
)

pytestmark = pytest.mark.usefixtures("seed_output")

PLANNED = ~Q(title__startswith="需求服务")  # activities written for completed demand parts come on top

MAX_YEARLY_HOURS = 300  # a very active party-member volunteer; nobody near 2,000


def _plain_title(title: str) -> str:
    return title.removeprefix("主题党日·")


@pytest.mark.django_db
def test_no_volunteer_serves_more_than_300_hours_a_year_and_the_busiest_serve_dozens() -> None:
    credit = ServiceTotal.objects.filter(kind=RecordKind.CREDIT)
    busiest = credit.aggregate(Max("minutes"))["minutes__max"]
    assert busiest <= MAX_YEARLY_HOURS * 60
    # Seven months of a core member's team work: a few dozen hours, not a handful.
    assert busiest >= 40 * 60
    assert credit.filter(minutes__gte=20 * 60).count() >= 20
    honour = ServiceTotal.objects.filter(kind=RecordKind.HONOUR).aggregate(Max("minutes"))["minutes__max"]
    assert honour <= 24 * 60


@pytest.mark.django_db
def test_every_finished_activity_has_attendance_records_points_and_outcome() -> None:
    finished = Activity.objects.filter(kind=ActivityKind.PLANNED, status=ActivityStatus.ENDED)
    assert finished.count() >= 200
    stays = Attendance.objects.filter(activity__in=finished)
    assert not finished.annotate(n=Count("attendances")).filter(n=0).exists()
    assert not stays.exclude(status=AttendanceStatus.CLOSED).exists()
    assert not stays.filter(Q(check_in_at=None) | Q(check_out_at=None)).exists()
    records = ServiceRecord.objects.filter(attendance__in=stays, kind=RecordKind.CREDIT)
    assert records.count() == stays.count()
    assert set(records.values_list("attendance", flat=True)) == set(stays.values_list("pk", flat=True))
    posted = RecordPosting.objects.filter(record__in=records, outcome=PostingOutcome.POSTED)
    assert posted.count() == records.count()
    # Posted through the ledger service: each entry has its audit row.
    audited = AuditEntry.objects.filter(target_type="records.servicerecord", action="create")
    assert audited.filter(target_id__in=[str(pk) for pk in records.values_list("pk", flat=True)]).count() == (
        records.count()
    )
    came = dict(finished.annotate(n=Count("attendances")).values_list("pk", "n"))
    for outcome in ActivityOutcome.objects.filter(activity__in=finished):
        assert outcome.sessions == 1
        assert outcome.summary.startswith(f"{came[outcome.activity_id]}名志愿者参加")
    assert ActivityOutcome.objects.filter(activity__in=finished).count() == finished.count()


def _allowed_titles(team: Team) -> set[str]:
    by_kind = {
        TeamKind.DETACHMENT: lambda t: catalog.unit_ideas(t.org.name),
        TeamKind.SPECIALIST: lambda t: catalog.unit_ideas(t.org.name, t.specialty),
        TeamKind.VANGUARD: lambda t: catalog.VANGUARD[t.name],
        TeamKind.CORPS: lambda t: catalog.CORPS,
        TeamKind.YOUTH: lambda t: catalog.YOUTH,
        TeamKind.FLOATING: lambda t: catalog.FLOATING,
        TeamKind.GRID: lambda t: catalog.GRID,
        TeamKind.FREE: lambda t: catalog.FREE[t.name],
    }
    themed = {i.title for ideas in catalog.THEMED.values() for i in ideas}
    return {i.title for i in by_kind[TeamKind(team.kind)](team)} | themed


@pytest.mark.django_db
def test_activities_fit_their_organiser_and_place() -> None:
    planned = Activity.objects.filter(kind=ActivityKind.PLANNED).exclude(status=ActivityStatus.IN_PROGRESS)
    for activity in planned.select_related("org").prefetch_related("teams__org"):
        (team,) = activity.teams.all()
        assert _plain_title(activity.title) in _allowed_titles(team), (team.name, activity.title)
        # The organiser names itself (or its community, for a grid) in the description or the place.
        org = activity.org
        names = {org.name} | (
            {OrgNode.objects.get(path=org.path[: -OrgNode.steplen]).name} if org.kind == OrgKind.GRID else set()
        )
        text = activity.place + activity.description
        assert any(n in text for n in names), (org.name, activity.place, activity.description)
        # Village work (文化礼堂, 农家书屋, 田间, 村委会) happens in villages only.
        if any(w in activity.place for w in ("文化礼堂", "农家书屋", "田间", "村委会")):
            assert "村" in activity.place.replace("村委会", ""), activity.place
    # A county unit's own trade shows: the hospital holds clinics, the police patrol, not the reverse.
    hospital = planned.filter(org__name="县人民医院")
    assert hospital.exists() and not hospital.filter(category=ServiceCategory.SAFETY).exists()


@pytest.mark.django_db
def test_each_quarter_has_the_county_theme_and_themed_work_keeps_to_its_month() -> None:
    root = OrgNode.objects.get(depth=1)
    planned = Activity.objects.filter(kind=ActivityKind.PLANNED).select_related("theme")
    for activity in planned:
        day = timezone.localtime(activity.start_at).date()
        quarter = (day.month - 1) // 3 + 1
        assert activity.theme is not None and activity.theme.org_id == root.pk
        assert (activity.theme.year, activity.theme.quarter) == (day.year, quarter)
        assert activity.theme.title == catalog.THEMES[quarter][1]
        tag = catalog.THEMES[quarter][0]
        if tag in activity.title:
            assert day.month in catalog.THEME_MONTHS[quarter], (activity.title, day)
    themed = [a for a in planned if any(t in a.title for t, _, _ in catalog.THEMES.values())]
    assert len(themed) >= 20


@pytest.mark.django_db
def test_every_exemplar_is_told_of_a_party_member_it_fits() -> None:
    stories = {title: who for title, _, who in publicity.STORIES}
    exemplars = Exemplar.objects.prefetch_related("volunteers__org")
    assert exemplars.count() == len(publicity.STORIES)
    for exemplar in exemplars:
        who = stories[exemplar.title]
        (person,) = exemplar.volunteers.all()
        assert person.political_status in (PoliticalStatus.PARTY_MEMBER, PoliticalStatus.PROBATIONARY)
        org, work = person.org, person.work_unit
        if who[0] == "unit":
            assert (org.kind, org.name) == (OrgKind.UNIT, who[1]), (exemplar.title, org.name)
        elif who[0] == "enterprise":
            assert "公司" in work and org.kind != OrgKind.UNIT, (exemplar.title, work)
        elif who[0] == "village":
            assert org.name.endswith("村") or work == "村民委员会", (exemplar.title, org.name, work)
            assert "公司" not in work
        else:
            assert org.kind in (OrgKind.COMMUNITY, OrgKind.GRID) and not org.name.endswith("村"), org.name
        assert exemplar.org_id == org.pk


@pytest.mark.django_db
def test_commitments_speak_of_the_setting_the_volunteer_serves_in() -> None:
    commitments = Commitment.objects.select_related("volunteer__org")
    assert set(commitments.values_list("setting", flat=True)) == set(CommitmentSetting.values)
    for c in commitments:
        v = c.volunteer
        assert c.text in publicity.TEXTS[CommitmentSetting(c.setting)], (c.setting, c.text)
        in_unit = v.org.kind in (OrgKind.UNIT, OrgKind.ORG_DEPT)
        if in_unit:  # 在职党员进社区: a county-unit member commits in the community, never "enterprise"
            assert c.setting == CommitmentSetting.COMMUNITY, (v.org.name, c.setting)
        if c.setting == CommitmentSetting.ENTERPRISE:
            assert "公司" in v.work_unit and not in_unit
        if c.setting == CommitmentSetting.VILLAGE:
            assert v.org.name.endswith("村") or v.work_unit == "村民委员会"


@pytest.mark.django_db
def test_care_recipients_agree_with_their_category() -> None:
    today = timezone.localdate()
    recipients = CareRecipient.objects.select_related("org").prefetch_related("visits", "pairings")
    assert recipients.count() == care.RECIPIENTS
    health = {h.recipient_id: json.loads(decrypt(h.data_encrypted)) for h in CareHealthRecord.objects.all()}
    table = cadence_table()
    for r in recipients:
        profile = care.PROFILES[r.category]
        age = today.year - r.birth_year
        assert profile.ages[0] <= age <= profile.ages[1] + 1, (r.category, age)
        assert r.living_situation in profile.living, (r.category, r.living_situation)
        assert r.category not in r.other_categories
        village = r.org.name.endswith("村")
        assert ("组" in r.address) == village and r.address.startswith(r.org.name), r.address
        record = health.get(r.pk)
        disabled = r.category == CareCategory.DISABLED or CareCategory.DISABLED in r.other_categories
        if record is not None:
            assert bool(record["disability_type"]) == disabled, (r.category, record["conditions"])
        if r.category in care.CHILD_CATEGORIES and not disabled:
            assert record is None
        cadence = table[r.category]
        for pairing in r.pairings.all():
            days = sorted(v.visited_on for v in r.visits.all() if v.pairing_id == pairing.pk)
            assert days and pairing.last_visited_on == days[-1]
            assert pairing.next_visit_due == days[-1] + datetime.timedelta(days=cadence)
            assert all((b - a).days <= cadence + 2 for a, b in itertools.pairwise(days))
        for visit in r.visits.all():
            if visit.form != VisitForm.HOME:
                assert visit.notes == care.REMOTE_NOTES[visit.form]
            else:
                assert visit.notes in care.NOTES[r.category]


@pytest.mark.django_db
def test_figures_agree_across_dashboard_reports_and_evaluation() -> None:
    """Last quarter's towns: the evaluation's activities and hours per member, the report figures (as a
    季报 draft computes them) and the dashboard's monthly rollups say the same."""
    county = User.objects.get(username="county")
    evaluation = EvaluationRound.objects.get(status=RoundStatus.PUBLISHED, cohort_kind=OrgKind.TOWN)
    first, last = quarter_bounds(evaluation.year, evaluation.quarter)
    months = {f"{evaluation.year}-{m:02d}" for m in range(first.month, last.month + 1)}
    scores = EvaluationScore.objects.filter(round=evaluation, is_current=True).select_related("org")
    assert scores.count() == 9
    figures = record_figures([s.org.path for s in scores], first, last)
    for score in scores:
        own = figures[score.org.path]
        assert Decimal(str(score.values["activities"])) == own[FigureKey.ACTIVITIES]
        members = own[FigureKey.VOLUNTEERS]
        hours = score.values["hours_per_member"]
        if members:
            expected = (Decimal(own[FigureKey.CREDIT_MINUTES]) / 60 / members).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
            assert Decimal(str(hours)) == expected
        panels = dashboard_get(user=county, org_id=score.org.pk).panels
        in_quarter = [i for i, m in enumerate(panels["months"]) if m in months]
        trend = panels["trend"]
        assert sum(trend["activities"][i] for i in in_quarter) == own[FigureKey.ACTIVITIES]
        assert sum(trend["credit_minutes"][i] for i in in_quarter) == own[FigureKey.CREDIT_MINUTES]
    # The county's cards: 在册 (registered or suspended) is the ledger count of that definition, and the
    # credit hours of the last twelve months are every credit entry's minutes (the demo is younger).
    root = OrgNode.objects.get(depth=1)
    totals = dashboard_get(user=county, org_id=root.pk).panels["totals"]
    on_roll = Volunteer.objects.filter(status__in=[VolunteerStatus.REGISTERED, VolunteerStatus.SUSPENDED])
    assert totals["volunteers"] == on_roll.count()
    assert (
        totals["credit_minutes"]
        == ServiceRecord.objects.filter(kind=RecordKind.CREDIT).aggregate(s=Sum("minutes"))["s"]
    )
    held = Activity.objects.exclude(status__in=[ActivityStatus.DRAFT, ActivityStatus.CANCELLED])
    assert totals["activities"] == held.count()
    # A seeded 季报's record figures are what the records say today (only the one edited figure differs).
    report = QuarterlyReport.objects.filter(year=evaluation.year, quarter=evaluation.quarter).first()
    assert report is not None
    now = record_figures([records_path(report.org)], first, last)[records_path(report.org)]
    for figure in report.figures.all():
        assert figure.record_value == now[figure.key], figure.key
