"""Commitments: one per volunteer, year and setting; progress from the records; follow-up history."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from redvest.activities.tests.factories import ActivityFactory
from redvest.audit.models import AuditEntry
from redvest.core.errors import PermissionDenied, ValidationFailed
from redvest.publicity.errors import CommitmentExists
from redvest.publicity.models import Commitment, CommitmentFollowUp, CommitmentStatus, TargetKind
from redvest.publicity.selectors import commitment_list, commitment_progress, follow_ups
from redvest.publicity.services import CommitmentData, commitment_create, commitment_follow_up, commitment_update
from redvest.publicity.tests.factories import CommitmentFactory, admin_at, volunteer_login
from redvest.records.services import record_correct
from redvest.records.tests.factories import post_record
from redvest.teams.tests.factories import TeamFactory, leader_login, member_of
from redvest.volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def data(**kw: object) -> CommitmentData:
    values: dict[str, object] = {"year": YEAR, "setting": "community", "text": "每月参加两次志愿服务"}
    values.update(kw)
    return CommitmentData(**values)  # type: ignore[arg-type]


def test_volunteer_makes_own_commitment_and_it_is_audited(tree):
    me = volunteer_login(tree.community_a)
    c = commitment_create(actor=me.user, volunteer=me, data=data(target_kind="minutes", target_value=1200))
    assert (c.status, c.target_value, c.created_by) == (CommitmentStatus.ONGOING, 1200, me.user)
    assert AuditEntry.objects.filter(target_type="publicity.commitment", target_id=str(c.pk), action="create").exists()


def test_second_commitment_same_year_and_setting_is_refused_with_message(tree):
    me = volunteer_login(tree.community_a)
    commitment_create(actor=me.user, volunteer=me, data=data())
    with pytest.raises(CommitmentExists) as exc:
        commitment_create(actor=me.user, volunteer=me, data=data(text="另一项承诺"))
    assert "每人每年每个场景只能作一项承诺" in exc.value.message
    assert exc.value.field == "setting"
    assert Commitment.objects.count() == 1


def test_other_setting_or_year_is_a_separate_commitment(tree):
    me = volunteer_login(tree.community_a)
    commitment_create(actor=me.user, volunteer=me, data=data())
    commitment_create(actor=me.user, volunteer=me, data=data(setting="enterprise"))
    commitment_create(actor=me.user, volunteer=me, data=data(year=YEAR + 1))
    assert Commitment.objects.filter(volunteer=me).count() == 3


def test_admin_enters_commitment_for_volunteer_in_subtree_only(tree):
    admin = admin_at(tree.town_a)
    inside = VolunteerFactory(org=tree.community_a)
    outside = VolunteerFactory(org=tree.town_b)
    c = commitment_create(actor=admin, volunteer=inside, data=data(setting="village"))
    assert c.created_by == admin
    with pytest.raises(PermissionDenied):
        commitment_create(actor=admin, volunteer=outside, data=data())


def test_volunteer_cannot_commit_for_someone_else(tree):
    me = volunteer_login(tree.community_a)
    other = VolunteerFactory(org=tree.community_a)
    with pytest.raises(PermissionDenied):
        commitment_create(actor=me.user, volunteer=other, data=data())


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"text": "  "}, "text"),
        ({"setting": "school"}, "setting"),
        ({"year": 1999}, "year"),
        ({"target_kind": "minutes", "target_value": 0}, "target_value"),
        ({"target_kind": "activities", "target_value": None}, "target_value"),
        ({"target_kind": "money", "target_value": 3}, "target_kind"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(tree, kw, field):
    me = volunteer_login(tree.community_a)
    with pytest.raises(ValidationFailed) as exc:
        commitment_create(actor=me.user, volunteer=me, data=data(**kw))
    assert field in exc.value.errors
    assert not Commitment.objects.exists()
    assert not AuditEntry.objects.filter(target_type="publicity.commitment").exists()


def test_minutes_progress_follows_credit_records_of_the_year_including_a_correction(tree):
    me = volunteer_login(tree.community_a)
    c = CommitmentFactory(volunteer=me, target_kind=TargetKind.MINUTES, target_value=600)
    first = post_record(volunteer=me, minutes=120)
    post_record(volunteer=me, minutes=60)
    post_record(volunteer=me, minutes=999, served_on=datetime.date(YEAR - 1, 6, 1))  # another year
    post_record(volunteer=me, minutes=300, kind="honour", source="honour")  # honour time is not credit
    admin = admin_at(tree.county)
    record_correct(actor=admin, record=first, minutes=90, reason="签退时间有误")
    progress = commitment_progress([c])[c.pk]
    assert (progress.done, progress.target, progress.percent) == (150, 600, 25)


def test_activity_count_progress_drops_an_activity_corrected_to_zero(tree):
    me = volunteer_login(tree.community_a)
    c = CommitmentFactory(volunteer=me, target_kind=TargetKind.ACTIVITIES, target_value=2)
    a1, a2, a3 = (ActivityFactory(org=tree.community_a) for _ in range(3))
    post_record(volunteer=me, minutes=60, activity=a1)
    post_record(volunteer=me, minutes=30, activity=a1)  # same activity counts once
    wrong = post_record(volunteer=me, minutes=60, activity=a2)
    post_record(volunteer=me, minutes=60, activity=a3)
    record_correct(actor=admin_at(tree.county), record=wrong, minutes=0, reason="未实际参加")
    progress = commitment_progress([c])[c.pk]
    assert a1.start_at.year == YEAR  # the factory's activities fall in this year
    assert (progress.done, progress.reached, progress.percent) == (2, True, 100)


def test_progress_is_computed_in_bulk(tree, django_assert_num_queries):
    people = [VolunteerFactory(org=tree.community_a) for _ in range(5)]
    rows = [CommitmentFactory(volunteer=v, target_kind=TargetKind.MINUTES, target_value=60) for v in people]
    rows += [
        CommitmentFactory(volunteer=v, setting="village", target_kind=TargetKind.ACTIVITIES, target_value=3)
        for v in people
    ]
    for v in people:
        post_record(volunteer=v, minutes=30)
    with django_assert_num_queries(2):
        progress = commitment_progress(rows)
    assert {p.done for p in progress.values()} == {30, 0}
    assert commitment_progress([CommitmentFactory(volunteer=people[0], setting="enterprise")]) == {}


def test_follow_ups_are_history_and_move_the_current_status(tree):
    admin = admin_at(tree.town_a)
    c = CommitmentFactory(volunteer=VolunteerFactory(org=tree.community_a))
    today = timezone.localdate()
    commitment_follow_up(actor=admin, commitment=c, status="ongoing", note="已参加3次", followed_on=today)
    commitment_follow_up(actor=admin, commitment=c, status="fulfilled", note="全年已兑现", followed_on=today)
    c.refresh_from_db()
    assert (c.status, c.followed_up_on) == (CommitmentStatus.FULFILLED, today)
    history = list(follow_ups(commitment=c))
    assert [f.status for f in history] == ["fulfilled", "ongoing"]
    assert CommitmentFollowUp.objects.filter(commitment=c).count() == 2
    assert AuditEntry.objects.filter(target_type="publicity.commitment", reason="全年已兑现").exists()


def test_follow_up_needs_an_admin_over_the_volunteer_and_a_note(tree):
    c = CommitmentFactory(volunteer=VolunteerFactory(org=tree.community_a))
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        commitment_follow_up(actor=admin_at(tree.town_b), commitment=c, status="fulfilled", note="x", followed_on=today)
    me = volunteer_login(tree.community_a)
    mine = CommitmentFactory(volunteer=me)
    with pytest.raises(PermissionDenied):  # a volunteer does not judge their own commitment
        commitment_follow_up(actor=me.user, commitment=mine, status="fulfilled", note="x", followed_on=today)
    with pytest.raises(ValidationFailed) as exc:
        commitment_follow_up(
            actor=admin_at(tree.town_a),
            commitment=c,
            status="done",
            note="",
            followed_on=today + datetime.timedelta(days=1),
        )
    assert set(exc.value.errors) == {"status", "note", "followed_on"}
    assert not CommitmentFollowUp.objects.exists()


def test_volunteer_rewords_own_commitment_while_ongoing_only(tree):
    me = volunteer_login(tree.community_a)
    c = CommitmentFactory(volunteer=me)
    commitment_update(
        actor=me.user, commitment=c, text="每月参加三次志愿服务", target_kind="activities", target_value=36
    )
    c.refresh_from_db()
    assert (c.text, c.target_value) == ("每月参加三次志愿服务", 36)
    commitment_follow_up(
        actor=admin_at(tree.town_a), commitment=c, status="fulfilled", note="已兑现", followed_on=timezone.localdate()
    )
    with pytest.raises(ValidationFailed):
        commitment_update(actor=me.user, commitment=c, text="改写", target_kind="", target_value=None)


def test_team_leader_sees_members_commitments_only(tree):
    team = TeamFactory(org=tree.community_a)
    leader = leader_login(team)
    member = member_of(team)
    mine = CommitmentFactory(volunteer=member)
    CommitmentFactory(volunteer=VolunteerFactory(org=tree.community_a))
    assert list(commitment_list(user=leader)) == [mine]
