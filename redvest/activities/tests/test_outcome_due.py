"""The organiser's workbench asks for the outcome (成效) of an activity that has ended without one."""

from __future__ import annotations

import datetime

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from redvest.activities.selectors.activities import outcome_due_count
from redvest.activities.services.outcomes import OutcomeData, outcome_save
from redvest.activities.tests.conftest import World
from redvest.activities.tests.factories import ActivityFactory
from redvest.activities.todos import todos


def _ended(world: World, *, days_ago: int):  # type: ignore[no-untyped-def]  # an Activity
    end = timezone.now() - datetime.timedelta(days=days_ago)
    activity = ActivityFactory(org=world.tree.town_a, start_at=end - datetime.timedelta(hours=2), end_at=end)
    activity.teams.add(world.team)
    return activity


def test_an_ended_activity_without_outcome_waits_on_the_leader_until_filled_in(world: World) -> None:
    activity = _ended(world, days_ago=1)
    _ended(world, days_ago=45)  # too long ago to nag about
    assert outcome_due_count(user=world.leader_user) == 1
    assert outcome_due_count(user=world.admin_user) == 1
    assert outcome_due_count(user=world.other_leader_user) == 0
    outcome_save(actor=world.leader_user, activity=activity, data=OutcomeData(beneficiaries=12, summary="清理河道"))
    assert outcome_due_count(user=world.leader_user) == 0


def test_the_todo_opens_the_list_of_activities_whose_outcome_is_due(world: World) -> None:
    activity = _ended(world, days_ago=1)
    todo = next(t for t in todos(world.leader_user) if t.label == "待填写成效的已结束活动")
    assert todo.count == 1 and todo.url == f"{reverse('activities:activity-manage')}?outcome=due"
    client = Client()
    client.force_login(world.leader_user)
    html = client.get(todo.url).content.decode()
    assert activity.title in html and world.activity.title not in html  # the upcoming one is not listed
    assert "尚未填写成效" in html


def test_outcome_due_count_takes_the_same_queries_as_activities_grow(world: World, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    _ended(world, days_ago=1)
    outcome_due_count(user=world.leader_user)  # grants are cached per user from here on
    with django_assert_num_queries(1):
        outcome_due_count(user=world.leader_user)
    for days in (2, 3, 4):
        _ended(world, days_ago=days)
    with django_assert_num_queries(1):
        assert outcome_due_count(user=world.leader_user) == 4
