"""`manage.py seed_demo` on the test database: seeded once for the module, flushed afterwards."""

from __future__ import annotations

import datetime
import itertools
import json
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count, Max, OuterRef, Q, Subquery, Sum
from django.test import Client, override_settings
from django.utils import timezone

from redvest.accounts.models import Role, RoleAssignment, User
from redvest.accounts.policy import grants_for, roles_of, scope
from redvest.activities.codes import code_at
from redvest.activities.models import (
    Activity,
    ActivityKind,
    ActivityOutcome,
    ActivityStatus,
    Attendance,
    AttendanceStatus,
    QuarterlyTheme,
    ServiceCategory,
    SignUp,
    SignUpStatus,
)
from redvest.activities.services.attendance import Position, attendance_check_in
from redvest.audit.models import AuditEntry
from redvest.care.models import CareCategory, CareHealthRecord, CareRecipient, VisitForm
from redvest.care.selectors import cadence_table
from redvest.core.crypto import decrypt
from redvest.core.models import Notification
from redvest.core.validators import id_gender, id_number_error, phone_error
from redvest.dashboards.selectors import dashboard_get
from redvest.demand.geo import distance_m, point_of
from redvest.demand.models import OPEN_STATUSES, Callback, CallbackStatus, Dispatch, ServiceItem, ServiceRequest
from redvest.demand.selectors.recommend import recommend
from redvest.demand.selectors.stats import demand_stats
from redvest.demo import care, catalog, publicity
from redvest.demo.activity import ACTIVITY_COUNT
from redvest.demo.demand import AWAITING_CALLBACK, DESCRIPTIONS, HISTORY, RESIDENT_REQUESTS, TODAY
from redvest.demo.seed import SEED_REASON
from redvest.demo.users import DEMO_USERNAMES
from redvest.evaluation.models import EvaluationRound, EvaluationScore, RoundStatus
from redvest.orgs.models import FiveHaveInspection, FiveHaveItem, FiveHaveKind, OrgKind, OrgNode, Station
from redvest.points.models import (
    EarningRule,
    Merchant,
    MerchantStatus,
    PointsTransaction,
    PointType,
    PostingOutcome,
    RecordPosting,
    Redemption,
    RewardItem,
)
from redvest.publicity.models import Commitment, CommitmentSetting, Exemplar
from redvest.records.models import RecordKind, ServiceRecord, ServiceTotal
from redvest.reports.figures import record_figures
from redvest.reports.models import FigureKey, QuarterlyReport
from redvest.reports.quarters import quarter_bounds
from redvest.reports.selectors import records_path
from redvest.teams.models import Backbone, BrandProject, Membership, MembershipKind, Team, TeamKind
from redvest.volunteers.models import (
    NumberSequence,
    PoliticalStatus,
    Volunteer,
    VolunteerStatus,
    VolunteerStatusChange,
)

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PASSWORD = "redvest-demo"


@pytest.fixture(scope="module", autouse=True)
def seed_output(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    with django_db_blocker.unblock():
        out = StringIO()
        with override_settings(PASSWORD_HASHERS=FAST_HASHER):
            call_command("seed_demo", stdout=out)
        yield out.getvalue()
        call_command("flush", interactive=False, verbosity=0)


def _counts() -> dict[str, int]:
    models = (
        OrgNode,
        Station,
        FiveHaveItem,
        FiveHaveInspection,
        Team,
        Membership,
        Backbone,
        BrandProject,
        Volunteer,
        VolunteerStatusChange,
        User,
        RoleAssignment,
        AuditEntry,
        Activity,
        SignUp,
        ServiceRecord,
        ServiceTotal,
        PointsTransaction,
        Redemption,
        ServiceRequest,
        Dispatch,
    )
    return {m.__name__: m.objects.count() for m in models}


@pytest.mark.django_db
def test_seed_has_the_figures_of_changxing() -> None:
    assert Volunteer.objects.count() == 3063
    assert Team.objects.count() == 95
    assert OrgNode.objects.filter(kind=OrgKind.UNIT).count() == 65
    assert BrandProject.objects.count() == 30
    assert Station.objects.filter(node__kind__in=[OrgKind.SERVICE_POINT, OrgKind.POST]).count() == 65
    root = OrgNode.objects.get(depth=1)
    assert (root.name, root.kind, root.code) == ("长兴县委组织部", OrgKind.ORG_DEPT, "330522")
    assert OrgNode.objects.filter(kind=OrgKind.HOTLINE).count() == 1
    assert OrgNode.objects.find_problems() == ([], [], [], [], [])


@pytest.mark.django_db
def test_every_volunteer_not_deregistered_has_exactly_one_current_org_team() -> None:
    org = Q(memberships__kind=MembershipKind.ORGANISATIONAL)
    current = Count("memberships", filter=org & Q(memberships__left_at=None))
    active = Volunteer.objects.exclude(status=VolunteerStatus.DEREGISTERED).annotate(n=current)
    assert not active.exclude(n=1).exists()
    assert Membership.objects.filter(kind=MembershipKind.ACTIVITY, left_at=None).count() > 100


@pytest.mark.django_db
def test_deregistered_volunteers_keep_their_team_only_as_history() -> None:
    org = Q(memberships__kind=MembershipKind.ORGANISATIONAL)
    gone = Volunteer.objects.filter(status=VolunteerStatus.DEREGISTERED).annotate(
        current=Count("memberships", filter=Q(memberships__left_at=None)),
        ended=Count("memberships", filter=org & Q(memberships__left_at__isnull=False)),
    )
    assert gone.count() >= 5
    assert set(gone.values_list("current", "ended")) == {(0, 1)}


@pytest.mark.django_db
def test_ids_and_phones_decrypt_and_pass_the_validators() -> None:
    numbers = set()
    for v in Volunteer.objects.all():
        id_number = v.id_number
        assert id_number_error(id_number, birth_date=v.birth_date) is None
        assert id_gender(id_number) == v.gender
        assert v.id_number_masked == id_number[:3] + "*" * 11 + id_number[-4:]
        assert phone_error(v.phone) is None
        assert v.phone_masked[-4:] == v.phone[-4:]
        numbers.add(v.number)
    assert len(numbers) == 3063
    assert all(n.startswith("3305222026") and len(n) == 16 for n in numbers)
    assert NumberSequence.objects.get(area_code="330522", year=2026).last == 3063


@pytest.mark.django_db
def test_every_volunteer_passes_the_registry_checks() -> None:
    from redvest.volunteers.services.validation import volunteer_clean, volunteer_data_of

    today = timezone.localdate()
    for v in Volunteer.objects.select_related("party_org"):
        _, errors = volunteer_clean(volunteer_data_of(v), today=today)
        assert errors == {}, (v.name, errors)


@pytest.mark.django_db
def test_minors_carry_guardian_consent() -> None:
    minors = Volunteer.objects.filter(birth_date__gt="2008-07-01")
    assert minors.count() >= 3
    for v in minors:
        assert v.guardian_name and v.guardian_consent_date and phone_error(v.guardian_phone) is None


@pytest.mark.django_db
def test_leaders_liaisons_and_backbones_are_members() -> None:
    members = set(Membership.objects.filter(left_at=None).values_list("team_id", "volunteer_id"))
    for team in Team.objects.prefetch_related("backbones"):
        assert (team.pk, team.leader_id) in members
        assert (team.pk, team.liaison_id) in members
        backbones = list(team.backbones.all())
        assert 1 <= len(backbones) <= 3
        assert all((team.pk, b.volunteer_id) in members for b in backbones)
    sizes = Team.objects.annotate(n=Count("memberships", filter=Q(memberships__left_at=None)))
    assert sizes.filter(n__lt=5).count() == 3


@pytest.mark.django_db
def test_every_station_has_the_six_items_and_a_few_fall_short() -> None:
    stations = Station.objects.annotate(n=Count("checklist"))
    assert set(stations.values_list("n", flat=True)) == {len(FiveHaveKind)}
    latest = (
        FiveHaveInspection.objects.filter(item=OuterRef("pk")).order_by("-inspected_on", "-id").values("result")[:1]
    )
    short_items = FiveHaveItem.objects.annotate(latest=Subquery(latest)).filter(Q(latest="fail") | Q(latest=None))
    short_stations = short_items.values("station").distinct().count()
    assert 2 <= short_stations <= 20
    assert Station.objects.exclude(latitude=None).aggregate(Max("latitude"))["latitude__max"] < 31.1


@pytest.mark.django_db
def test_towns_and_villages_have_centres_their_stations_stand_near() -> None:
    places = OrgNode.objects.filter(kind__in=[OrgKind.TOWN, OrgKind.COMMUNITY])
    assert not places.filter(latitude=None).exists()
    for post in Station.objects.filter(node__kind=OrgKind.POST).select_related("node"):
        village = OrgNode.objects.get(path=post.node.path[: -OrgNode.steplen])
        assert distance_m(point_of(post.latitude, post.longitude), point_of(village.latitude, village.longitude)) < 600


@pytest.mark.django_db
def test_dispatch_recommendations_tell_the_candidates_apart() -> None:
    """Today's open requests: the candidates offered stand at different distances, volunteers where they live."""
    now, by_home = timezone.now(), 0
    for request in ServiceRequest.objects.filter(status__in=OPEN_STATUSES).select_related("item", "area"):
        ranking = recommend(request=request, now=now)
        assert len({c.distance_m for c in ranking.all()}) > 1, request.number
        by_home += any("按居住地" in reason for c in ranking.volunteers for reason in c.reasons)
    assert by_home >= 10


@pytest.mark.django_db
def test_brands_are_owned_by_units_and_run_by_teams() -> None:
    for brand in BrandProject.objects.select_related("owner").annotate(n=Count("teams")):
        assert brand.owner.kind == OrgKind.UNIT
        assert brand.n >= 1
    assert BrandProject.objects.filter(name__in=["合之队", "爱心接力", "邮爱心"]).count() == 3


@pytest.mark.django_db
def test_the_load_is_recorded_once_in_the_audit_log() -> None:
    entry = AuditEntry.objects.get(reason=SEED_REASON)
    assert entry.org is not None and entry.org.depth == 1
    assert entry.after is not None and entry.after["volunteers"] == 3063


@pytest.mark.django_db
def test_second_run_changes_nothing() -> None:
    before = _counts()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert out.getvalue().strip() == "演示数据已存在，跳过"
    assert _counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("username", DEMO_USERNAMES)
def test_demo_user_logs_in(client: Client, username: str) -> None:
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    assert roles_of(User.objects.get(username=username))


@pytest.mark.django_db
def test_admin_logs_in_by_phone(client: Client) -> None:
    phone = User.objects.get(username="admin").phone
    response = client.post("/accounts/login/", {"username": phone, "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_demo_roles_sit_where_the_logins_table_says() -> None:
    def grant(username: str, role: str) -> tuple[str, str]:
        g = next(g for g in grants_for(User.objects.get(username=username)) if g.role == role)
        return OrgNode.objects.get(path=g.path).kind, OrgNode.objects.get(path=g.path).name

    assert grant("admin", Role.SYSTEM_ADMIN) == (OrgKind.ORG_DEPT, "长兴县委组织部")
    assert grant("county", Role.ORG_ADMIN) == (OrgKind.ORG_DEPT, "长兴县委组织部")
    assert grant("town", Role.ORG_ADMIN) == (OrgKind.TOWN, "雉城街道")
    assert grant("unit", Role.ORG_ADMIN) == (OrgKind.UNIT, "县民政局")
    assert grant("dispatcher", Role.DISPATCHER)[0] == OrgKind.HOTLINE
    assert grant("keeper", Role.STATION_KEEPER)[0] == OrgKind.SERVICE_POINT
    assert grant("leader", Role.TEAM_LEADER) == (OrgKind.UNIT, "县民政局")
    assert grant("liaison", Role.TEAM_LIAISON) == (OrgKind.UNIT, "县民政局")
    assert roles_of(User.objects.get(username="volunteer")) == {Role.VOLUNTEER}
    assert User.objects.get(username="admin").is_superuser


@pytest.mark.django_db
def test_logins_table_is_printed_by_both_commands(seed_output: str) -> None:
    out = StringIO()
    call_command("demo_logins", stdout=out)
    for username in DEMO_USERNAMES:
        assert f"\n{username} " in out.getvalue()
        assert f"\n{username} " in seed_output
    assert "19905720001" in out.getvalue()


PLANNED = ~Q(title__startswith="需求服务")  # activities written for completed demand parts come on top


@pytest.mark.django_db
def test_activities_span_seven_months_back_and_two_weeks_ahead() -> None:
    now = timezone.now()
    planned = Activity.objects.filter(PLANNED)
    assert planned.count() == ACTIVITY_COUNT
    assert planned.filter(start_at__lt=now - timezone.timedelta(days=150)).exists()
    assert planned.filter(start_at__gt=now, start_at__lt=now + timezone.timedelta(days=15)).count() >= 5
    assert not planned.filter(start_at__lt=now - timezone.timedelta(days=215)).exists()
    assert planned.filter(is_theme_party_day=True).count() >= 10
    assert planned.filter(start_at__day=25).count() >= 10
    assert planned.filter(start_at__month=7).count() >= 5
    assert ActivityOutcome.objects.count() >= 30
    past = planned.filter(end_at__lt=now)
    assert ServiceRecord.objects.filter(activity__in=past, kind=RecordKind.CREDIT).count() >= 500
    assert ServiceRecord.objects.filter(kind=RecordKind.HONOUR).count() == 5


@pytest.mark.django_db
def test_seeded_activities_stand_ended_running_or_recruiting_by_their_times() -> None:
    now = timezone.now()
    planned = Activity.objects.filter(kind=ActivityKind.PLANNED)
    past = planned.filter(end_at__lte=now)
    assert past.count() >= 50  # seven months of them
    assert not past.exclude(status=ActivityStatus.ENDED).exists()
    assert planned.filter(start_at__gt=now, status=ActivityStatus.PUBLISHED).count() >= 5
    demand = Activity.objects.filter(title__startswith="需求服务")
    assert demand.exists() and not demand.exclude(kind=ActivityKind.DEMAND, status=ActivityStatus.ENDED).exists()


@pytest.mark.django_db
def test_quarterly_theme_for_this_quarter_sits_at_the_county_root() -> None:
    today = timezone.localdate()
    theme = QuarterlyTheme.objects.get(year=today.year, quarter=(today.month - 1) // 3 + 1)
    assert theme.org.depth == 1
    assert theme.activities.exists()


@pytest.mark.django_db
def test_running_activity_of_the_leaders_team_takes_the_demo_volunteers_check_in() -> None:
    now = timezone.now()
    leader = User.objects.get(username="leader").volunteer
    running = Activity.objects.get(status=ActivityStatus.IN_PROGRESS, start_at__lte=now, end_at__gt=now)
    assert running.teams.filter(leader=leader).exists()
    volunteer = User.objects.get(username="volunteer")
    assert SignUp.objects.filter(activity=running, volunteer=volunteer.volunteer, status=SignUpStatus.APPROVED).exists()
    position = Position(latitude=running.latitude, longitude=running.longitude)
    stay = attendance_check_in(
        actor=volunteer, activity=running, code=code_at(running.checkin_secret, now), position=position, at=now
    )
    assert stay.check_in_distance_m == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("command", "clean"),
    [("check_service_totals", "所有合计与服务记录一致"), ("check_points_ledger", "积分账一致")],
)
def test_ledger_checks_report_no_differences(command: str, clean: str) -> None:
    out = StringIO()
    call_command(command, stdout=out)
    assert clean in out.getvalue()


@pytest.mark.django_db
def test_points_follow_county_rules_with_a_catalog_a_merchant_and_redemptions() -> None:
    root = OrgNode.objects.get(depth=1)
    assert EarningRule.objects.filter(org=root).count() == len(PointType)
    posted = RecordPosting.objects.filter(outcome=PostingOutcome.POSTED, transaction__isnull=False)
    assert posted.count() == ServiceRecord.objects.filter(kind=RecordKind.CREDIT).count()
    merchant = Merchant.objects.get(operator__username="merchant")
    assert merchant.status == MerchantStatus.APPROVED
    assert RewardItem.objects.filter(merchant=merchant).count() == 2
    assert RewardItem.objects.filter(merchant=None, org=root).count() == 4
    assert Redemption.objects.count() >= 3


@pytest.mark.django_db
def test_demand_is_a_month_of_hotline_work_and_a_few_open_today() -> None:
    assert ServiceItem.objects.count() >= 120
    requests = ServiceRequest.objects.all()
    assert requests.count() == HISTORY + sum(n for _, n in TODAY)
    assert set(requests.values_list("channel", flat=True)) == {"hotline", "walk_in", "web"}
    assert requests.annotate(n=Count("dispatches")).filter(n__gt=1).count() >= 10
    today = timezone.localdate()
    opened_today = requests.filter(created_at__date__gte=today - datetime.timedelta(days=1)).exclude(
        status__in=["resolved", "closed"]
    )
    assert opened_today.count() == sum(n for _, n in TODAY)
    assert requests.filter(status="pending").count() == 3  # registered, not yet dispatched
    assert requests.filter(status="closed").count() == HISTORY - AWAITING_CALLBACK
    assert Callback.objects.filter(status=CallbackStatus.DONE).exclude(rating="").count() == HISTORY - AWAITING_CALLBACK
    assert ServiceRecord.objects.filter(activity__title__startswith="需求服务").count() >= 100
    dispatcher = User.objects.get(username="dispatcher")
    assert scope(dispatcher, "request", ServiceRequest.objects.all()).count() == requests.count()


@pytest.mark.django_db
def test_demo_hotline_arrives_on_time_at_least_nine_times_in_ten() -> None:
    county = User.objects.get(username="county")
    root = OrgNode.objects.get(depth=1)
    now = timezone.now()
    stats = demand_stats(user=county, root=root, start=now - datetime.timedelta(days=31), end=now)
    assert stats.arrival_on_time is not None and stats.arrival_on_time >= 90
    assert stats.resolution_on_time is not None and stats.resolution_on_time >= 90
    assert stats.satisfaction is not None and stats.satisfaction >= 90


@pytest.mark.django_db
def test_sla_sweep_flags_only_the_genuinely_late_requests() -> None:
    late = ServiceRequest.objects.filter(Q(arrival_breached_at__isnull=False) | Q(resolution_breached_at__isnull=False))
    assert late.count() == dict(TODAY)["late"]
    assert not late.filter(responded_at__isnull=False).exists()


@pytest.mark.django_db
def test_dispatcher_has_a_handful_of_unread_notices() -> None:
    dispatcher = User.objects.get(username="dispatcher")
    unread = Notification.objects.filter(recipient=dispatcher, read_at=None).count()
    assert 0 < unread < 20


@pytest.mark.django_db
def test_every_request_description_is_one_written_for_its_item() -> None:
    for code, description in ServiceRequest.objects.values_list("item__code", "description"):
        assert description in DESCRIPTIONS[code], (code, description)


@pytest.mark.django_db
def test_demo_resident_has_a_few_requests_of_their_own() -> None:
    resident = User.objects.get(username="resident")
    mine = ServiceRequest.objects.filter(channel="web", created_by=resident)
    assert mine.count() == RESIDENT_REQUESTS
    assert ServiceRequest.objects.filter(channel="web").count() == RESIDENT_REQUESTS


# ---- coherence: what a county admin checks first (issue 11, item 8) ------------------------------------

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
