from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from redvest.audit.models import AuditEntry
from redvest.core.errors import PermissionDenied, ValidationFailed
from redvest.households import selectors
from redvest.households.errors import ContactLogAppendOnly
from redvest.households.models import ContactWay, Household, HouseholdContact
from redvest.households.services import (
    ContactData,
    HouseholdData,
    contact_log,
    household_create,
    household_phone_reveal,
    household_update,
)
from redvest.households.tests.factories import HouseholdContactFactory, HouseholdFactory
from redvest.teams.tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


def data(hw: Any, **overrides: Any) -> HouseholdData:
    values: dict[str, Any] = {
        "org_id": hw.community_a.pk,
        "head_name": "王大伯",
        "address": "城东路1号",
        "phone": "13912345678",
        "volunteer_id": hw.volunteer.pk,
    }
    values.update(overrides)
    return HouseholdData(**values)


def contact(**overrides: Any) -> ContactData:
    values: dict[str, Any] = {"contacted_on": timezone.localdate(), "way": ContactWay.VISIT, "content": "上门走访"}
    values.update(overrides)
    return ContactData(**values)


def test_admin_registers_a_household_with_encrypted_masked_phone_and_audit(hw: Any) -> None:
    household = household_create(actor=hw.admin, data=data(hw))
    household.refresh_from_db()
    assert household.phone_masked == "139****5678" and "13912345678" not in household.phone_encrypted
    assert household.phone == "13912345678" and household.volunteer_id == hw.volunteer.pk
    entry = AuditEntry.objects.get(action="create", target_id=str(household.pk))
    assert "13912345678" not in str(entry.after)


def test_volunteer_and_team_together_or_neither_is_refused(hw: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        household_create(actor=hw.admin, data=data(hw, team_id=hw.team.pk))
    assert "liaison" in caught.value.errors
    with pytest.raises(ValidationFailed) as caught:
        household_create(actor=hw.admin, data=data(hw, volunteer_id=None, head_name="", phone="123"))
    assert {"liaison", "head_name", "phone"} <= set(caught.value.errors)
    assert Household.objects.filter(head_name="王大伯").count() == 0


def test_admin_cannot_register_outside_their_subtree_or_hand_to_a_far_team(hw: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        household_create(actor=hw.admin, data=data(hw, org_id=hw.community_b.pk))
    assert caught.value.errors["org"] == "所选村社区不在您的管理范围内"
    far_team = TeamFactory(org=hw.tree.town_b)
    with pytest.raises(ValidationFailed) as caught:
        household_create(actor=hw.admin, data=data(hw, volunteer_id=None, team_id=far_team.pk))
    assert caught.value.errors["team"] == "服务队不存在或不在您的管理范围内"


def test_household_is_registered_at_a_village_not_a_town(hw: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        household_create(actor=hw.admin, data=data(hw, org_id=hw.tree.town_a.pk))
    assert caught.value.errors["org"] == "联系户应登记在村社区（或网格）"


def test_reassigning_to_a_team_is_audited_and_the_volunteer_loses_it(hw: Any) -> None:
    same = {"head_name": hw.mine.head_name, "address": hw.mine.address, "phone": hw.mine.phone}
    household_update(actor=hw.admin, household=hw.mine, data=data(hw, volunteer_id=None, team_id=hw.team.pk, **same))
    hw.mine.refresh_from_db()
    assert hw.mine.team_id == hw.team.pk and hw.mine.volunteer_id is None
    entry = AuditEntry.objects.get(action="update", target_id=str(hw.mine.pk))
    assert entry.after == {"volunteer": None, "team": hw.team.pk}
    assert hw.mine not in selectors.my_households(user=hw.fresh(hw.volunteer_user))
    assert hw.mine in selectors.my_households(user=hw.fresh(hw.leader))


def test_liaison_cannot_edit_the_household(hw: Any) -> None:
    with pytest.raises(PermissionDenied):
        household_update(actor=hw.volunteer_user, household=hw.mine, data=data(hw, head_name="改名"))


def test_volunteer_logs_a_contact_and_last_contact_moves_forward_only(hw: Any) -> None:
    today = timezone.localdate()
    contact_log(actor=hw.volunteer_user, household=hw.mine, data=contact(follow_up=True))
    contact_log(
        actor=hw.volunteer_user, household=hw.mine, data=contact(contacted_on=today - datetime.timedelta(days=5))
    )
    hw.mine.refresh_from_db()
    assert hw.mine.last_contact_on == today
    rows = list(HouseholdContact.objects.filter(household=hw.mine).order_by("id"))
    assert [r.follow_up for r in rows] == [True, False] and rows[0].logged_by == hw.volunteer_user


def test_team_leader_logs_for_the_team_household_but_not_for_others(hw: Any) -> None:
    contact_log(actor=hw.leader, household=hw.team_household, data=contact(way=ContactWay.WECHAT))
    with pytest.raises(PermissionDenied):
        contact_log(actor=hw.fresh(hw.leader), household=hw.mine, data=contact())
    with pytest.raises(PermissionDenied):
        contact_log(actor=hw.stranger, household=hw.mine, data=contact())
    with pytest.raises(PermissionDenied):
        contact_log(actor=hw.other_admin, household=hw.mine, data=contact())


def test_contact_fields_are_checked_together(hw: Any) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationFailed) as caught:
        contact_log(actor=hw.admin, household=hw.mine, data=contact(contacted_on=tomorrow, way="fax", content=" "))
    assert set(caught.value.errors) == {"contacted_on", "way", "content"}
    assert not HouseholdContact.objects.exists()


def test_contact_log_is_append_only(hw: Any) -> None:
    entry = HouseholdContactFactory(household=hw.mine)
    entry.content = "改写"
    with pytest.raises(ContactLogAppendOnly):
        entry.save()
    with pytest.raises(ContactLogAppendOnly):
        entry.delete()
    with pytest.raises(ContactLogAppendOnly):
        HouseholdContact.objects.filter(pk=entry.pk).update(content="改写")


def test_phone_reveal_is_for_liaison_and_admins_and_audited(hw: Any) -> None:
    assert household_phone_reveal(actor=hw.volunteer_user, household=hw.mine) == hw.mine.phone
    assert AuditEntry.objects.filter(action="view_sensitive", target_id=str(hw.mine.pk)).count() == 1
    with pytest.raises(PermissionDenied):
        household_phone_reveal(actor=hw.stranger, household=hw.mine)
    with pytest.raises(PermissionDenied):
        household_phone_reveal(actor=hw.dispatcher, household=hw.mine)


@override_settings(HOUSEHOLD_CONTACT_DAYS=30)
def test_overdue_means_no_contact_within_the_setting(hw: Any) -> None:
    today = timezone.localdate()
    HouseholdFactory(org=hw.community_a, volunteer=hw.volunteer, team=None, last_contact_on=today)
    late = HouseholdFactory(
        org=hw.community_a, volunteer=hw.volunteer, team=None, last_contact_on=today - datetime.timedelta(days=31)
    )
    Household.objects.filter(pk=hw.mine.pk).update(created_at=timezone.now() - datetime.timedelta(days=40))
    overdue = set(selectors.my_overdue_households(user=hw.volunteer_user, today=today))
    assert overdue == {late, hw.mine}  # hw.mine: registered 40 days ago and never contacted
    with override_settings(HOUSEHOLD_CONTACT_DAYS=60):
        assert set(selectors.my_overdue_households(user=hw.fresh(hw.volunteer_user), today=today)) == set()


def test_admin_sees_subtree_only_and_dispatcher_nothing(hw: Any) -> None:
    assert set(selectors.household_list(user=hw.admin)) == {hw.mine, hw.team_household}
    assert set(selectors.household_list(user=hw.other_admin)) == {hw.far}
    assert not selectors.household_list(user=hw.dispatcher).exists()
    assert set(selectors.household_list(user=hw.volunteer_user)) == {hw.mine}
