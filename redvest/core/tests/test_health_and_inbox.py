from __future__ import annotations

import pytest
from django.test import Client

from redvest.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from redvest.core.models import Notification
from redvest.core.navigation import SECTION_KEYS, entries_for
from redvest.core.services import notification_send
from redvest.orgs.tests.factories import OrgTree


@pytest.mark.django_db
def test_every_navigation_entry_resolves_for_every_role() -> None:
    from redvest.accounts.models import ASSIGNABLE_ROLES
    from redvest.teams.tests.factories import MembershipFactory, TeamFactory
    from redvest.volunteers.tests.factories import VolunteerFactory

    tree = OrgTree()
    user = UserFactory()
    for role in ASSIGNABLE_ROLES:
        RoleAssignmentFactory(user=user, role=role, org=tree.town_a)
    me = VolunteerFactory(org=tree.town_a, user=user)
    team = TeamFactory(org=tree.town_a, leader=me)
    MembershipFactory(team=team, volunteer=me)
    items = entries_for(user)
    assert len(items) >= 15
    assert {e.section for e in items} == SECTION_KEYS


@pytest.mark.django_db
def test_notification_goes_to_inbox_and_is_delivered_after_commit(
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    user = UserFactory()
    with (
        caplog.at_level("INFO", logger="redvest.notifications"),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        notification_send(recipients=[user], title="服务队变更", body="您已成为负责人")
    assert len(callbacks) == 1
    assert Notification.objects.filter(recipient=user, title="服务队变更").exists()
    assert "服务队变更 您已成为负责人" in caplog.text


@pytest.mark.django_db
def test_inbox_page_lists_and_marks_read(client: Client, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory()
    client.force_login(user)
    notification_send(recipients=[user], title="第一条")
    client.get("/inbox/")  # warm up session
    with django_assert_num_queries(7) as one:
        response = client.get("/inbox/")
    assert "第一条" in response.content.decode()
    for i in range(10):
        notification_send(recipients=[user], title=f"消息{i}")
    with django_assert_num_queries(len(one.captured_queries)):
        client.get("/inbox/")
    client.post("/inbox/read/")
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()


@pytest.mark.django_db
def test_inbox_requires_login(client: Client) -> None:
    response = client.get("/inbox/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
