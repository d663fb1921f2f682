"""`manage.py seed_demo` on the test database (seeded once for the package by `conftest.seed_output`):
the registry, logins, activities, points and demand the demo county holds."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Max, OuterRef, Q, Subquery, Sum
from django.test import Client
from django.utils import timezone

from redvest.accounts.models import Role, RoleAssignment, User
from redvest.accounts.policy import grants_for, roles_of, scope
from redvest.activities.codes import code_at
from redvest.activities.models import (
    Activity,
    ActivityKind,
    ActivityOutcome,
    ActivityStatus,
    QuarterlyTheme,
    SignUp,
    SignUpStatus,
)
from redvest.activities.services.attendance import Position, attendance_check_in
from redvest.audit.models import AuditEntry
from redvest.core.models import Notification
from redvest.core.validators import id_gender, id_number_error, phone_error
from redvest.core.workbench import todos_for
from redvest.demand.geo import distance_m, point_of
from redvest.demand.models import OPEN_STATUSES, Callback, CallbackStatus, Dispatch, ServiceItem, ServiceRequest
from redvest.demand.selectors.recommend import recommend
from redvest.demand.selectors.stats import demand_stats
from redvest.demo import data
from redvest.demo.activity import ACTIVITY_COUNT
from redvest.demo.demand import AWAITING_CALLBACK, DESCRIPTIONS, HISTORY, RESIDENT_REQUESTS, TODAY
from redvest.demo.seed import SEED_REASON
from redvest.demo.users import DEMO_USERNAMES
from redvest.equipment.models import MovementKind, StationStock, StockMovement
from redvest.households.models import Household, HouseholdContact
from redvest.households.selectors import my_households, my_overdue_households
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
from redvest.records.models import RecordKind, ServiceRecord, ServiceTotal
from redvest.teams.models import (
    AnnouncementRead,
    Backbone,
    BrandProject,
    Membership,
    MembershipKind,
    Team,
    TeamAnnouncement,
)
from redvest.volunteers.models import (
    NumberSequence,
    PoliticalStatus,
    RecruitmentSource,
    TransferStatus,
    Volunteer,
    VolunteerStatus,
    VolunteerStatusChange,
    VolunteerTransfer,
)

PASSWORD = "redvest-demo"

pytestmark = pytest.mark.usefixtures("seed_output")


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
    open_requests = ServiceRequest.objects.filter(status__in=OPEN_STATUSES).select_related("item", "area")
    for request in open_requests:
        ranking = recommend(request=request, now=now)
        assert len({c.distance_m for c in ranking.all()}) > 1, request.number
        by_home += any("按居住地" in reason for c in ranking.volunteers for reason in c.reasons)
    # How many requests are still open depends on the hour the county was seeded (a night has fewer):
    # a good share of them, whatever the hour, offers someone placed where they live.
    assert by_home >= 3 and by_home * 3 >= len(open_requests), (by_home, len(open_requests))


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


@pytest.mark.django_db
def test_recruitment_sources_are_spread_plausibly_over_the_roster() -> None:
    party = Q(political_status__in=[PoliticalStatus.PARTY_MEMBER, PoliticalStatus.PROBATIONARY])
    roster = Volunteer.objects.all()
    assert not roster.filter(recruitment_source=RecruitmentSource.UNRECORDED).exists()
    members = roster.filter(party).count()
    by_branch = roster.filter(party, recruitment_source=RecruitmentSource.ORGANIZATION).count()
    assert 0.7 * members < by_branch < 0.9 * members  # most party members 组织推荐
    assert not roster.filter(~party, recruitment_source=RecruitmentSource.ORGANIZATION).exists()
    masses = roster.filter(recruitment_source=RecruitmentSource.MASSES)
    assert masses.count() > 100
    assert not masses.filter(recommender="").exists()  # 群众推荐 names who recommended
    assert roster.filter(recruitment_source=RecruitmentSource.SELF).count() > 100
    assert not roster.filter(recruitment_source=RecruitmentSource.SELF).exclude(recommender="").exists()
    for volunteer in roster.filter(recruitment_source=RecruitmentSource.ORGANIZATION).select_related("party_org")[:50]:
        assert volunteer.party_org is not None and volunteer.recommender == volunteer.party_org.name[:50]


def _todo_counts(username: str) -> dict[str, int | None]:
    """The user's workbench to-dos by label (one with nothing waiting is not shown)."""
    return {t.label: t.count for t in todos_for(User.objects.get(username=username))}


@pytest.mark.django_db
def test_demo_volunteer_and_team_look_after_households_of_the_demo_community() -> None:
    volunteer = User.objects.get(username="volunteer")
    leader = User.objects.get(username="leader")
    households = Household.objects.select_related("org", "team", "volunteer")
    assert 5 <= households.count() <= 8
    assert {h.org.name for h in households} == {data.DEMO_COMMUNITY}
    mine = my_households(user=volunteer)
    team = my_households(user=leader)
    assert mine.filter(volunteer__user=volunteer).count() == mine.count() >= 3
    assert team.filter(team__leader__user=leader).exists()
    today = timezone.localdate()
    for household in households:
        contacts = list(HouseholdContact.objects.filter(household=household))
        assert 1 <= len(contacts) <= 3
        assert household.last_contact_on == max(c.contacted_on for c in contacts)
        assert household.phone.startswith("1") and len(household.phone) == 11
        expected = leader if household.team_id else volunteer
        assert {c.logged_by_id for c in contacts} == {expected.pk}
        assert all(0 <= (today - c.contacted_on).days <= 60 for c in contacts)
    overdue = my_overdue_households(user=volunteer, today=today)
    assert overdue.count() == 1
    assert _todo_counts("volunteer")["联系户久未联系"] == 1
    assert "联系户久未联系" not in _todo_counts("leader")  # the team's households are all in touch
    assert _todo_counts("county")["辖区内久未联系的联系户"] == 1


@pytest.mark.django_db
def test_demo_team_has_a_pinned_announcement_read_and_a_newer_one_unread() -> None:
    volunteer = User.objects.get(username="volunteer")
    notices = TeamAnnouncement.objects.all()
    assert notices.count() == 2
    assert {n.team.leader.user.username for n in notices} == {"leader"}
    assert {n.author.username for n in notices} == {"leader"}
    pinned = notices.get(pinned=True)
    assert AnnouncementRead.objects.filter(user=volunteer).get().announcement == pinned
    assert _todo_counts("volunteer")["未读群公告"] == 1
    assert "未读群公告" not in _todo_counts("leader")  # the author has read what they posted


@pytest.mark.django_db
def test_demo_station_kit_balances_equal_their_movements() -> None:
    keeper = User.objects.get(username="keeper")
    station = keeper.role_assignments.get().org
    stocks = StationStock.objects.filter(station=station).select_related("item")
    assert {s.item.name for s in stocks} == {"红马甲", "帽子", "袖标"}
    for stock in stocks:
        moved = StockMovement.objects.filter(station=station, item=stock.item)
        assert stock.on_hand == moved.aggregate(total=Sum("stock_delta"))["total"] > 0
        assert stock.on_hand == moved.order_by("-id").first().balance_after
    assert not StationStock.objects.exclude(station=station).exists()
    volunteer = Volunteer.objects.get(user__username="volunteer")
    held = StockMovement.objects.filter(volunteer=volunteer).values("item__name").annotate(held=Sum("held_delta"))
    assert {h["item__name"]: h["held"] for h in held} == {"红马甲": 1, "帽子": 1, "袖标": 1}
    holders = StockMovement.objects.values("volunteer").annotate(held=Sum("held_delta")).filter(held__gt=0)
    assert holders.count() >= 5
    returned = StockMovement.objects.get(kind=MovementKind.RETURN)
    assert returned.stock_delta == returned.quantity == 1


@pytest.mark.django_db
def test_county_and_town_have_one_transfer_into_the_demo_community_to_decide() -> None:
    transfer = VolunteerTransfer.objects.select_related("from_org", "to_org").get()
    assert transfer.status == TransferStatus.PENDING
    assert transfer.to_org.name == data.DEMO_COMMUNITY
    assert not transfer.from_org.path.startswith(transfer.to_org.path[: OrgNode.steplen * 2])
    assert transfer.volunteer.org == transfer.from_org
    assert _todo_counts("county")["待接收的转移接续"] == 1
    assert _todo_counts("town")["待接收的转移接续"] == 1
