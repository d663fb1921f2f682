"""Who sees and changes which volunteers, through pages and API alike (the policy decides)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from redvest.accounts.models import Role
from redvest.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from redvest.volunteers.tests.factories import member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(ledger: Any) -> dict[str, Any]:
    a1 = member_of(ledger.team_a, name="雉城甲")
    a2 = member_of(ledger.team_community, name="城东乙")
    b1 = member_of(ledger.team_b, name="画溪丙")
    leader_user, self_user = UserFactory(), UserFactory()
    leader = member_of(ledger.team_a, name="队长丁", user=leader_user)
    ledger.team_a.leader = leader
    ledger.team_a.save()
    me = member_of(ledger.team_b, name="本人戊", user=self_user)
    return {
        "a1": a1,
        "a2": a2,
        "b1": b1,
        "leader": leader,
        "me": me,
        "leader_user": leader_user,
        "self_user": self_user,
    }


def names(client: Client) -> set[str]:
    response = client.get("/api/v1/volunteers/", {"page_size": 100})
    assert response.status_code == 200
    return {item["name"] for item in response.json()["items"]}


def test_town_admin_cannot_see_other_town(client: Client, ledger: Any, people: dict[str, Any]) -> None:
    client.force_login(ledger.admin_a)
    assert names(client) == {"雉城甲", "城东乙", "队长丁"}
    page = client.get(reverse("volunteers:volunteer-list")).content.decode()
    assert "画溪丙" not in page and "雉城甲" in page
    assert client.get(reverse("volunteers:volunteer-detail", args=[people["b1"].pk])).status_code == 404
    assert client.get(f"/api/v1/volunteers/{people['b1'].pk}").status_code == 404


def test_town_admin_cannot_change_other_town(client: Client, ledger: Any, people: dict[str, Any]) -> None:
    client.force_login(ledger.admin_a)
    b1 = people["b1"]
    assert client.get(reverse("volunteers:volunteer-edit", args=[b1.pk])).status_code == 404
    assert (
        client.post(
            reverse("volunteers:volunteer-status", args=[b1.pk]), {"status": "suspended", "reason": "x"}
        ).status_code
        == 404
    )
    patch = client.patch(f"/api/v1/volunteers/{b1.pk}", {"name": "改"}, content_type="application/json")
    assert patch.status_code == 404
    status = client.post(
        f"/api/v1/volunteers/{b1.pk}/status", {"status": "suspended", "reason": "x"}, content_type="application/json"
    )
    assert status.status_code == 404
    b1.refresh_from_db()
    assert b1.name == "画溪丙" and b1.status == "registered"


def test_county_admin_sees_both_towns(client: Client, ledger: Any, people: dict[str, Any]) -> None:
    client.force_login(ledger.county_admin)
    assert names(client) == {"雉城甲", "城东乙", "画溪丙", "队长丁", "本人戊"}


def test_team_leader_sees_only_own_members_and_cannot_change_them(
    client: Client, ledger: Any, people: dict[str, Any]
) -> None:
    client.force_login(people["leader_user"])
    assert names(client) == {"雉城甲", "队长丁"}
    assert client.get(reverse("volunteers:volunteer-detail", args=[people["a2"].pk])).status_code == 404
    assert client.get(reverse("volunteers:volunteer-edit", args=[people["a1"].pk])).status_code == 404
    reveal = client.post(f"/api/v1/volunteers/{people['a1'].pk}/reveal")
    assert reveal.status_code == 403
    assert reveal.json()["code"] == "permission_denied"


def test_volunteer_sees_only_self(client: Client, ledger: Any, people: dict[str, Any]) -> None:
    client.force_login(people["self_user"])
    assert names(client) == {"本人戊"}
    assert client.get(reverse("volunteers:volunteer-detail", args=[people["me"].pk])).status_code == 200
    assert client.get(reverse("volunteers:volunteer-detail", args=[people["b1"].pk])).status_code == 404
    assert client.post(f"/api/v1/volunteers/{people['me'].pk}/reveal").status_code == 403


def test_volunteer_may_edit_own_record_but_not_approve_it(client: Client, ledger: Any, people: dict[str, Any]) -> None:
    me = people["me"]
    me.status = "pending"
    me.save()
    client.force_login(people["self_user"])
    assert client.get(reverse("volunteers:volunteer-edit", args=[me.pk])).status_code == 200
    detail = client.get(reverse("volunteers:volunteer-detail", args=[me.pk])).content.decode()
    assert "变更状态" not in detail
    response = client.post(
        f"/api/v1/volunteers/{me.pk}/status", {"status": "registered"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert (
        client.post(reverse("volunteers:volunteer-status", args=[me.pk]), {"status": "registered"}).status_code == 403
    )
    me.refresh_from_db()
    assert me.status == "pending"


def test_sensitive_reveal_only_for_admins_over_the_record(client: Client, ledger: Any, people: dict[str, Any]) -> None:
    a1 = people["a1"]
    for admin, expected in ((ledger.admin_a, 200), (ledger.county_admin, 200), (ledger.admin_b, 404)):
        client.force_login(admin)
        response = client.post(f"/api/v1/volunteers/{a1.pk}/reveal")
        assert response.status_code == expected
        if expected == 200:
            assert response.json()["id_number"] == a1.id_number


def test_dispatcher_sees_but_cannot_reveal(client: Client, ledger: Any, people: dict[str, Any]) -> None:
    dispatcher = UserFactory()
    RoleAssignmentFactory(user=dispatcher, org=ledger.tree.town_a, role=Role.DISPATCHER)
    client.force_login(dispatcher)
    assert "雉城甲" in names(client)
    assert client.post(f"/api/v1/volunteers/{people['a1'].pk}/reveal").status_code == 403


def test_export_covers_only_the_users_scope(
    client: Client, ledger: Any, people: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    from redvest.volunteers.tests.test_exports import export_via_page, sheet_rows

    client.force_login(ledger.admin_a)
    _, content = export_via_page(client, django_capture_on_commit_callbacks)
    assert {r["姓名"] for r in sheet_rows(content)} == {"雉城甲", "城东乙", "队长丁"}


def test_import_pages_refuse_users_without_an_org_to_manage(client: Client, people: dict[str, Any]) -> None:
    client.force_login(people["leader_user"])
    assert client.get(reverse("volunteers:import-create")).status_code == 403
