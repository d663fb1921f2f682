"""群公告: leaders post to their team, members read on their phone with an unread marker, revisions are
new versions with the history kept."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from redvest.accounts.models import User
from redvest.core.errors import PermissionDenied, ValidationFailed
from redvest.orgs.tests.factories import OrgTree
from redvest.teams.errors import AnnouncementAppendOnly, AnnouncementSuperseded, TeamInactive
from redvest.teams.models import TeamAnnouncement
from redvest.teams.selectors import my_announcements, team_announcements, unread_announcement_count
from redvest.teams.services import AnnouncementData, announcement_mark_read, announcement_post, announcement_revise
from redvest.teams.tests.factories import (
    MembershipFactory,
    TeamAnnouncementFactory,
    TeamFactory,
    leader_login,
    org_admin_at,
    volunteer_login,
)

pytestmark = pytest.mark.django_db


class World:
    def __init__(self) -> None:
        self.tree = OrgTree()
        self.team = TeamFactory(org=self.tree.town_a)
        self.other_team = TeamFactory(org=self.tree.town_b)
        self.leader = leader_login(self.team)
        self.member = volunteer_login(self.tree.town_a)
        MembershipFactory(team=self.team, volunteer=self.member.volunteer)
        self.outsider = volunteer_login(self.tree.town_a)
        self.admin = org_admin_at(self.tree.town_a)
        self.other_admin = org_admin_at(self.tree.town_b)


@pytest.fixture
def w(db: Any) -> World:
    return World()


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def notice(**overrides: Any) -> AnnouncementData:
    values: dict[str, Any] = {"title": "周六集合", "body": "上午九点服务站集合"}
    values.update(overrides)
    return AnnouncementData(**values)


def test_leader_posts_and_members_see_it_unread_until_opened(w: World) -> None:
    posted = announcement_post(actor=w.leader, team=w.team, data=notice(pinned=True))
    assert unread_announcement_count(user=w.member) == 1
    assert unread_announcement_count(user=w.leader) == 0  # the author has read their own notice
    rows = list(my_announcements(user=w.member))
    assert rows == [posted] and rows[0].is_read is False
    announcement_mark_read(user=w.member, announcement=posted)
    announcement_mark_read(user=w.member, announcement=posted)  # idempotent
    assert unread_announcement_count(user=fresh(w.member)) == 0
    assert unread_announcement_count(user=w.outsider) == 0 and not my_announcements(user=w.outsider).exists()


def test_members_and_outsiders_cannot_post(w: World) -> None:
    for user in (w.member, w.outsider, w.other_admin):
        with pytest.raises(PermissionDenied):
            announcement_post(actor=user, team=w.team, data=notice())
    assert announcement_post(actor=w.admin, team=w.team, data=notice()).author == w.admin


def test_fields_are_checked_and_a_past_expiry_refused(w: World) -> None:
    with pytest.raises(ValidationFailed) as caught:
        announcement_post(
            actor=w.leader,
            team=w.team,
            data=notice(title="", body="", expires_at=timezone.now() - datetime.timedelta(hours=1)),
        )
    assert set(caught.value.errors) == {"title", "body", "expires_at"}
    assert not TeamAnnouncement.objects.exists()


def test_dissolved_team_takes_no_notice(w: World) -> None:
    w.team.is_active = False
    w.team.save(update_fields=["is_active"])
    with pytest.raises(TeamInactive):
        announcement_post(actor=w.admin, team=w.team, data=notice())


def test_expired_notices_drop_out_of_the_lists(w: World) -> None:
    TeamAnnouncementFactory(team=w.team, expires_at=timezone.now() - datetime.timedelta(minutes=1))
    live = TeamAnnouncementFactory(team=w.team, expires_at=timezone.now() + datetime.timedelta(days=1))
    assert list(team_announcements(user=w.member, team=w.team)) == [live]
    assert unread_announcement_count(user=w.member) == 1


def test_revision_is_a_new_version_and_the_old_stays_in_history(w: World) -> None:
    first = announcement_post(actor=w.leader, team=w.team, data=notice())
    announcement_mark_read(user=w.member, announcement=first)
    second = announcement_revise(actor=w.leader, announcement=first, data=notice(title="改为周日集合"))
    assert second.replaces == first and second.first_version == first
    assert list(my_announcements(user=fresh(w.member))) == [second]  # only the newest, unread again
    assert unread_announcement_count(user=fresh(w.member)) == 1
    assert unread_announcement_count(user=fresh(w.leader)) == 0
    with pytest.raises(AnnouncementSuperseded):
        announcement_revise(actor=w.leader, announcement=first, data=notice(title="另一个修订"))
    third = announcement_revise(actor=w.leader, announcement=second, data=notice(title="第三版"))
    assert third.first_version == first
    first.title = "改写"
    with pytest.raises(AnnouncementAppendOnly):
        first.save()


def test_member_reads_on_the_phone_and_the_home_page_counts_unread(client: Client, w: World) -> None:
    posted = TeamAnnouncementFactory(team=w.team, title="防汛值班安排")
    client.force_login(w.member)
    home = client.get("/").content.decode()
    assert "未读群公告" in home and reverse("teams:announcement-mine") in home
    mine = client.get(reverse("teams:announcement-mine")).content.decode()
    assert "防汛值班安排" in mine and "未读" in mine
    detail = client.get(reverse("teams:announcement-detail", args=[posted.pk]))
    assert detail.status_code == 200 and "修订公告" not in detail.content.decode()
    assert unread_announcement_count(user=fresh(w.member)) == 0
    client.force_login(w.outsider)
    assert client.get(reverse("teams:announcement-detail", args=[posted.pk])).status_code == 404


def test_leader_posts_and_revises_on_the_team_page(client: Client, w: World) -> None:
    client.force_login(w.leader)
    url = reverse("teams:announcement-list", args=[w.team.pk])
    assert client.post(url, {"title": "", "body": ""}).status_code == 400
    assert client.post(url, {"title": "换届通知", "body": "下周一换届", "pinned": "on"}).status_code == 302
    posted = TeamAnnouncement.objects.get()
    detail = reverse("teams:announcement-detail", args=[posted.pk])
    response = client.post(detail, {"title": "换届通知（更正）", "body": "下周二换届"})
    assert response.status_code == 302
    assert TeamAnnouncement.objects.count() == 2
    newest = TeamAnnouncement.objects.get(replaces=posted)
    page = client.get(reverse("teams:announcement-detail", args=[newest.pk])).content.decode()
    assert "历史版本" in page and "换届通知" in page


def test_api_post_list_and_422(client: Client, w: World) -> None:
    client.force_login(w.leader)
    url = f"/api/v1/teams/{w.team.pk}/announcements"
    bad = client.post(url, {"title": "x", "body": "y", "pinned": "maybe"}, content_type="application/json")
    assert bad.status_code == 422 and "pinned" in bad.json()["errors"]
    empty = client.post(url, {}, content_type="application/json")
    assert empty.status_code == 400 and {"title", "body"} <= set(empty.json()["errors"])
    created = client.post(url, {"title": "通知", "body": "内容"}, content_type="application/json")
    assert created.status_code == 201
    client.force_login(w.member)
    mine = client.get("/api/v1/teams/announcements/mine").json()
    assert mine["count"] == 1 and mine["items"][0]["is_read"] is False
    one = client.get(f"/api/v1/teams/announcements/{created.json()['id']}").json()
    assert one["is_read"] is True
    assert client.post(url, {"title": "a", "body": "b"}, content_type="application/json").status_code == 403


def test_lists_cost_the_same_for_one_and_ten_notices(client: Client, w: World) -> None:
    client.force_login(w.member)

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    urls = [
        reverse("teams:announcement-mine"),
        "/api/v1/teams/announcements/mine",
        f"/api/v1/teams/{w.team.pk}/announcements",
    ]
    TeamAnnouncementFactory(team=w.team)
    before = [count(u) for u in urls]
    TeamAnnouncementFactory.create_batch(9, team=w.team, author=w.leader)
    assert [count(u) for u in urls] == before
