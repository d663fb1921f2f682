"""Outcomes: tallies inherited down the tree, validation, 人次 from attendance; tally categories."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from redvest.activities.models import ActivityStatus, ActivityTally
from redvest.activities.selectors import activity_report, tally_categories_for
from redvest.activities.services import OutcomeData, outcome_save, photo_add, tally_category_create
from redvest.activities.tests.conftest import World
from redvest.activities.tests.factories import AttendanceFactory, TallyCategoryFactory
from redvest.core.errors import DomainError, PermissionDenied, ValidationFailed


def test_categories_are_inherited_from_ancestors_only(world: World) -> None:
    county = TallyCategoryFactory(org=world.tree.county, name="巡逻")
    town = TallyCategoryFactory(org=world.tree.town_a, name="劝导")
    TallyCategoryFactory(org=world.tree.town_b, name="别处的统计项")
    TallyCategoryFactory(org=world.tree.town_a, name="已停用", is_active=False)
    assert set(tally_categories_for(org=world.tree.community_a)) == {county, town}


def test_outcome_records_tallies_and_counts_person_times_from_attendance(world: World) -> None:
    rubbish = TallyCategoryFactory(org=world.tree.county, name="清理垃圾", unit="千克")
    AttendanceFactory.create_batch(3, activity=world.activity)
    outcome_save(
        actor=world.leader_user,
        activity=world.activity,
        data=OutcomeData(sessions=2, beneficiaries=50, problems_found=4, problems_solved=3, tallies={rubbish.pk: 120}),
    )
    report = activity_report(activity=world.activity)
    assert report.sessions == 2 and report.stats.person_times == 3
    assert [(t.name, t.value, t.unit) for t in report.tallies] == [("清理垃圾", 120, "千克")]


def test_clearing_a_tally_removes_it(world: World) -> None:
    rubbish = TallyCategoryFactory(org=world.tree.county)
    outcome_save(actor=world.leader_user, activity=world.activity, data=OutcomeData(tallies={rubbish.pk: 5}))
    outcome_save(actor=world.leader_user, activity=world.activity, data=OutcomeData(tallies={rubbish.pk: None}))
    assert not ActivityTally.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (OutcomeData(problems_found=1, problems_solved=2), "problems_solved"),
        (OutcomeData(sessions=0), "sessions"),
        (OutcomeData(beneficiaries=-1), "beneficiaries"),
    ],
)
def test_bad_outcome_is_refused_and_writes_nothing(world: World, data: OutcomeData, field: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        outcome_save(actor=world.leader_user, activity=world.activity, data=data)
    assert field in exc.value.errors
    assert activity_report(activity=world.activity).outcome is None


def test_tally_of_another_subtree_is_refused(world: World) -> None:
    elsewhere = TallyCategoryFactory(org=world.tree.town_b)
    with pytest.raises(ValidationFailed):
        outcome_save(actor=world.leader_user, activity=world.activity, data=OutcomeData(tallies={elsewhere.pk: 3}))
    assert not ActivityTally.objects.exists()


def test_other_team_leader_cannot_record_outcomes(world: World) -> None:
    with pytest.raises(PermissionDenied):
        outcome_save(actor=world.other_leader_user, activity=world.activity, data=OutcomeData())


def test_cancelled_activity_has_no_outcomes(world: World) -> None:
    world.activity.status = ActivityStatus.CANCELLED
    world.activity.save()
    with pytest.raises(DomainError, match="已取消"):
        outcome_save(actor=world.leader_user, activity=world.activity, data=OutcomeData())


def test_only_org_admins_add_tally_categories_and_names_are_unique_per_node(world: World) -> None:
    with pytest.raises(PermissionDenied):
        tally_category_create(actor=world.leader_user, org=world.tree.town_a, name="巡逻", unit="次")
    tally_category_create(actor=world.admin_user, org=world.tree.town_a, name="巡逻", unit="次")
    with pytest.raises(ValidationFailed):
        tally_category_create(actor=world.admin_user, org=world.tree.town_a, name="巡逻", unit="次")


def test_photo_must_be_an_image(world: World) -> None:
    with pytest.raises(DomainError, match="JPG"):
        photo_add(actor=world.leader_user, activity=world.activity, image=SimpleUploadedFile("a.exe", b"MZ"))
    jpeg = SimpleUploadedFile("a.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 32)
    assert photo_add(actor=world.leader_user, activity=world.activity, image=jpeg, caption="合影").caption == "合影"
