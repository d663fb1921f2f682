"""Team pages: permissions per role, Chinese messages with 4xx, htmx approvals, constant query counts."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from redvest.accounts.models import User
from redvest.orgs.tests.factories import OrgTree
from redvest.teams.models import Backbone, JoinRequest, Membership, Team, TeamDocument, TeamKind
from redvest.teams.tests.factories import (
    JoinRequestFactory,
    MembershipFactory,
    TeamDocumentFactory,
    TeamFactory,
    leader_login,
    member_of,
    org_admin_at,
    team_with_members,
    volunteer_login,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree() -> OrgTree:
    return OrgTree()


def _login(client: Client, user: User | None) -> Client:
    assert user is not None
    client.force_login(user)
    return client


def _page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.content.decode()[:2000]
    html = response.content.decode()
    assert "!!MISSING" not in html
    return html


def _same_queries(client: Client, url: str, grow: Callable[[], None], django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    """One row, then ten: the page costs the same number of queries."""
    _page(client, url)  # warm the session
    with CaptureQueriesContext(connection) as one:
        _page(client, url)
    grow()
    with django_assert_num_queries(len(one.captured_queries)):
        html = _page(client, url)
    assert html


# ---- list ------------------------------------------------------------------------------------


def test_team_list_flags_teams_below_minimum_size(client: Client, tree: OrgTree) -> None:
    team_with_members(2, org=tree.town_a, name="两人队")
    team_with_members(5, org=tree.town_a, name="五人队")
    html = _page(_login(client, org_admin_at(tree.county)), reverse("teams:team-list"))
    assert "两人队" in html and "五人队" in html
    assert html.count("人数不足</span>") == 1
    flagged = _page(client, reverse("teams:team-list") + "?below_min=1")
    assert "两人队" in flagged and "五人队" not in flagged


def test_town_admin_list_shows_own_subtree_only(client: Client, tree: OrgTree) -> None:
    TeamFactory(org=tree.community_a, name="城东社区队")
    TeamFactory(org=tree.town_b, name="画溪街道队")
    html = _page(_login(client, org_admin_at(tree.town_a)), reverse("teams:team-list"))
    assert "城东社区队" in html and "画溪街道队" not in html


def test_team_list_query_count_is_the_same_for_1_and_10_teams(
    client: Client,
    tree: OrgTree,
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    tree.town_a.team_min_size = 3
    tree.town_a.save()

    def team() -> None:
        t = team_with_members(2, org=tree.community_a, parent=TeamFactory(org=tree.county))
        leader_login(t)

    team()
    _login(client, org_admin_at(tree.county))
    _same_queries(client, reverse("teams:team-list"), lambda: [team() for _ in range(9)], django_assert_num_queries)


# ---- detail ----------------------------------------------------------------------------------


def test_detail_shows_roster_leader_backbone_documents_and_history(client: Client, tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a, name="城东支队", rules="每月25日集中服务")
    leader_login(team)
    backbone = member_of(team, name="李骨干")
    Backbone.objects.create(team=team, volunteer=backbone, order=1)
    TeamDocumentFactory(team=team, title="章程")
    html = _page(_login(client, org_admin_at(tree.town_a)), reverse("teams:team-detail", args=[team.pk]))
    for text in ("城东支队", "每月25日集中服务", "李骨干", "第1顺位", "章程", "负责人", "最近变动", "上传档案"):
        assert text in html


def test_roster_page_query_count_is_the_same_for_1_and_10_members(
    client: Client,
    tree: OrgTree,
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    team = TeamFactory(org=tree.town_a)
    leader = leader_login(team)

    def more() -> None:
        for i in range(9):
            volunteer = member_of(team)
            Backbone.objects.create(team=team, volunteer=volunteer, order=i + 1)
            TeamDocumentFactory(team=team)

    _login(client, leader)
    _same_queries(client, reverse("teams:team-detail", args=[team.pk]), more, django_assert_num_queries)


def test_roster_is_paginated(client: Client, tree: OrgTree, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PAGE_SIZE = 3
    team = team_with_members(7, org=tree.town_a)
    html = _page(_login(client, org_admin_at(tree.town_a)), reverse("teams:team-detail", args=[team.pk]) + "?page=3")
    assert "第 3 / 3 页" in html


def test_volunteer_sees_join_button_but_no_management_forms(client: Client, tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    html = _page(_login(client, volunteer_login(tree.town_b)), reverse("teams:team-detail", args=[team.pk]))
    assert "申请加入" in html
    assert "上传档案" not in html and "设为负责人" not in html and "编辑</a>" not in html


def test_org_admin_without_volunteer_record_sees_no_join_button(client: Client, tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    html = _page(_login(client, org_admin_at(tree.town_a)), reverse("teams:team-detail", args=[team.pk]))
    assert "申请加入" not in html


def test_town_admin_cannot_see_other_towns_team(client: Client, tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_b)
    html = _page(_login(client, org_admin_at(tree.town_a)), reverse("teams:team-detail", args=[team.pk]), status=404)
    assert "服务队不存在或您无权查看" in html


def test_huge_team_id_is_a_404_not_a_500(client: Client, tree: OrgTree) -> None:
    _page(_login(client, org_admin_at(tree.county)), f"/teams/{10**30}/", status=404)


def test_anonymous_user_is_sent_to_login(client: Client, tree: OrgTree) -> None:
    response = client.get(reverse("teams:team-list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# ---- create / edit ---------------------------------------------------------------------------


def _form(tree: OrgTree, **kw: object) -> dict[str, object]:
    return {"name": "城东先锋队", "kind": TeamKind.VANGUARD, "specialty": "", "org": tree.town_a.pk, "rules": "", **kw}


def test_org_admin_creates_a_team_from_the_form(client: Client, tree: OrgTree) -> None:
    _login(client, org_admin_at(tree.town_a))
    _page(client, reverse("teams:team-create"))
    response = client.post(reverse("teams:team-create"), _form(tree))
    team = Team.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("teams:team-detail", args=[team.pk])


def test_specialty_on_a_vanguard_team_shows_the_message_and_writes_nothing(client: Client, tree: OrgTree) -> None:
    _login(client, org_admin_at(tree.town_a))
    response = client.post(reverse("teams:team-create"), _form(tree, specialty="legal"))
    assert response.status_code == 400
    assert "只有专业服务队才能设置专业方向" in response.content.decode()
    assert not Team.objects.exists()


def test_duplicate_name_shows_the_message(client: Client, tree: OrgTree) -> None:
    TeamFactory(org=tree.town_a, name="城东先锋队")
    _login(client, org_admin_at(tree.town_a))
    response = client.post(reverse("teams:team-create"), _form(tree))
    assert response.status_code == 400
    assert "本组织下已有同名服务队" in response.content.decode()
    assert Team.objects.count() == 1


def test_volunteer_cannot_create_a_team(client: Client, tree: OrgTree) -> None:
    _login(client, volunteer_login(tree.town_a))
    response = client.post(reverse("teams:team-create"), _form(tree))
    assert response.status_code in {400, 403}
    assert not Team.objects.exists()


def test_org_admin_cannot_create_in_another_town(client: Client, tree: OrgTree) -> None:
    _login(client, org_admin_at(tree.town_a))
    response = client.post(reverse("teams:team-create"), _form(tree, org=tree.town_b.pk))
    assert response.status_code in {400, 403}
    assert not Team.objects.exists()


def test_team_leader_edits_own_team_only(client: Client, tree: OrgTree) -> None:
    team, other = TeamFactory(org=tree.town_a, name="本队"), TeamFactory(org=tree.town_a, name="他队")
    _login(client, leader_login(team))
    _page(client, reverse("teams:team-edit", args=[team.pk]))
    response = client.post(reverse("teams:team-edit", args=[team.pk]), _form(tree, name="本队", rules="新的制度"))
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.rules == "新的制度"
    _page(client, reverse("teams:team-edit", args=[other.pk]), status=404)


def test_volunteer_cannot_open_the_edit_form(client: Client, tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    _page(_login(client, member_of(team, with_user=True).user), reverse("teams:team-edit", args=[team.pk]), status=404)


# ---- leader, liaison, backbone, members ------------------------------------------------------


def test_setting_a_non_member_as_leader_shows_the_message(client: Client, tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    outsider = member_of(TeamFactory(org=tree.town_a))
    _login(client, org_admin_at(tree.town_a))
    response = client.post(reverse("teams:team-leader", args=[team.pk]), {"volunteer": outsider.pk})
    assert response.status_code == 400
    assert "负责人必须是本队在册队员" in response.content.decode()
    team.refresh_from_db()
    assert team.leader is None


def test_leader_and_liaison_are_set_from_the_detail_page(client: Client, tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    a, b = member_of(team), member_of(team)
    _login(client, org_admin_at(tree.town_a))
    assert client.post(reverse("teams:team-leader", args=[team.pk]), {"volunteer": a.pk}).status_code == 302
    assert client.post(reverse("teams:team-liaison", args=[team.pk]), {"volunteer": b.pk}).status_code == 302
    team.refresh_from_db()
    assert (team.leader, team.liaison) == (a, b)


def test_volunteer_cannot_set_the_leader(client: Client, tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    member = member_of(team, with_user=True)
    response = _login(client, member.user).post(reverse("teams:team-leader", args=[team.pk]), {"volunteer": member.pk})
    assert response.status_code == 403
    team.refresh_from_db()
    assert team.leader is None


def test_backbone_page_saves_the_order(client: Client, tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    a, b = member_of(team), member_of(team)
    _login(client, leader_login(team))
    _page(client, reverse("teams:team-backbone", args=[team.pk]))
    response = client.post(reverse("teams:team-backbone", args=[team.pk]), {f"order_{a.pk}": "2", f"order_{b.pk}": "1"})
    assert response.status_code == 302
    assert list(Backbone.objects.filter(team=team).order_by("order").values_list("volunteer_id", flat=True)) == [
        b.pk,
        a.pk,
    ]


def test_step_down_hands_over_to_the_first_backbone(client: Client, tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    leader = leader_login(team)
    successor = member_of(team)
    Backbone.objects.create(team=team, volunteer=successor, order=1)
    response = _login(client, leader).post(reverse("teams:team-step-down", args=[team.pk]), {"reason": "身体原因"})
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.leader == successor


def test_org_admin_transfers_a_volunteer_by_number(client: Client, tree: OrgTree) -> None:
    old, new = TeamFactory(org=tree.town_a), TeamFactory(org=tree.town_a)
    volunteer = member_of(old)
    _login(client, org_admin_at(tree.town_a))
    response = client.post(
        reverse("teams:member-add", args=[new.pk]), {"number": volunteer.number, "kind": "org", "reason": "调整"}
    )
    assert response.status_code == 302
    assert Membership.objects.get(volunteer=volunteer, left_at__isnull=True).team == new


def test_unknown_volunteer_number_shows_a_message(client: Client, tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    _login(client, org_admin_at(tree.town_a))
    response = client.post(reverse("teams:member-add", args=[team.pk]), {"number": "999", "kind": "org"})
    assert response.status_code == 404
    assert "未找到该编号的志愿者" in response.content.decode()


def test_member_leaves_the_team_from_the_detail_page(client: Client, tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    member = member_of(team, with_user=True)
    membership = Membership.objects.get(volunteer=member)
    response = _login(client, member.user).post(reverse("teams:membership-leave", args=[membership.pk]))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.left_at is not None and membership.left_reason == "本人退出"


def test_deactivate_from_the_detail_page(client: Client, tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    response = _login(client, org_admin_at(tree.town_a)).post(
        reverse("teams:team-deactivate", args=[team.pk]), {"reason": "合并"}
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert not team.is_active


# ---- join requests ---------------------------------------------------------------------------


def test_volunteer_applies_from_the_detail_page_and_can_withdraw(client: Client, tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    _login(client, volunteer_login(tree.town_a))
    response = client.post(reverse("teams:team-join", args=[team.pk]), {"kind": "org", "message": "我会急救"})
    assert response.status_code == 302
    request = JoinRequest.objects.get()
    html = _page(client, reverse("teams:team-detail", args=[team.pk]))
    assert "正在审批中" in html
    client.post(reverse("teams:joinrequest-withdraw", args=[request.pk]))
    request.refresh_from_db()
    assert request.status == "withdrawn"


def test_second_application_shows_the_message_with_409(client: Client, tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    _login(client, volunteer_login(tree.town_a))
    client.post(reverse("teams:team-join", args=[team.pk]), {"kind": "org"})
    response = client.post(reverse("teams:team-join", args=[team.pk]), {"kind": "activity"})
    assert response.status_code == 409
    assert "已有待审批的入队申请" in response.content.decode()


def test_leader_approves_in_the_inbox_with_htmx(client: Client, tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    request = JoinRequestFactory(team=team, kind="activity")
    _login(client, leader_login(team))
    assert request.volunteer.name in _page(client, reverse("teams:joinrequest-list"))
    response = client.post(
        reverse("teams:joinrequest-approve", args=[request.pk]), {"note": "欢迎"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<tr") and "已同意" in html and "!!MISSING" not in html
    assert Membership.objects.filter(team=team, volunteer=request.volunteer, left_at__isnull=True).exists()


def test_reject_without_note_returns_the_row_with_the_message_and_400(client: Client, tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    request = JoinRequestFactory(team=team)
    _login(client, org_admin_at(tree.town_a))
    response = client.post(
        reverse("teams:joinrequest-reject", args=[request.pk]), {"note": ""}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 400
    assert "请填写拒绝理由" in response.content.decode()
    request.refresh_from_db()
    assert request.status == "pending"


def test_approve_without_htmx_redirects_to_the_inbox(client: Client, tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    request = JoinRequestFactory(team=team)
    response = _login(client, org_admin_at(tree.town_a)).post(reverse("teams:joinrequest-approve", args=[request.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("teams:joinrequest-list")


def test_other_town_admin_cannot_decide_a_request(client: Client, tree: OrgTree) -> None:
    request = JoinRequestFactory(team=TeamFactory(org=tree.town_a))
    response = _login(client, org_admin_at(tree.town_b)).post(reverse("teams:joinrequest-approve", args=[request.pk]))
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == "pending"


def test_inbox_query_count_is_the_same_for_1_and_10_requests(
    client: Client,
    tree: OrgTree,
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    team = TeamFactory(org=tree.town_a)

    def request() -> None:
        volunteer = member_of(TeamFactory(org=tree.town_b))
        JoinRequestFactory(team=team, volunteer=volunteer)

    request()
    _login(client, leader_login(team))
    _same_queries(
        client, reverse("teams:joinrequest-list"), lambda: [request() for _ in range(9)], django_assert_num_queries
    )


# ---- archive and history ---------------------------------------------------------------------


def test_leader_uploads_a_document_and_a_volunteer_downloads_it(client: Client, tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    _login(client, leader_login(team))
    response = client.post(
        reverse("teams:document-upload", args=[team.pk]),
        {"title": "季度记录", "file": SimpleUploadedFile("q1.pdf", b"%PDF-1.4 data")},
    )
    assert response.status_code == 302
    document = TeamDocument.objects.get()
    _login(client, volunteer_login(tree.town_b))
    download = client.get(reverse("teams:document-download", args=[document.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 data"  # type: ignore[attr-defined]
    assert "attachment" in download["Content-Disposition"]


def test_upload_without_file_shows_the_form_error(client: Client, tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    response = _login(client, leader_login(team)).post(reverse("teams:document-upload", args=[team.pk]), {"title": "x"})
    assert response.status_code == 400
    assert not TeamDocument.objects.exists()


def test_archive_and_history_pages_are_paginated_with_constant_queries(
    client: Client,
    tree: OrgTree,
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    team = TeamFactory(org=tree.town_a)
    TeamDocumentFactory(team=team)
    MembershipFactory(team=team)
    _login(client, org_admin_at(tree.town_a))

    def more() -> None:
        TeamDocumentFactory.create_batch(9, team=team)
        MembershipFactory.create_batch(9, team=team)

    _page(client, reverse("teams:team-history", args=[team.pk]))
    with CaptureQueriesContext(connection) as history_one:
        _page(client, reverse("teams:team-history", args=[team.pk]))
    with CaptureQueriesContext(connection) as docs_one:
        _page(client, reverse("teams:document-list", args=[team.pk]))
    more()
    with django_assert_num_queries(len(history_one.captured_queries)):
        _page(client, reverse("teams:team-history", args=[team.pk]))
    with django_assert_num_queries(len(docs_one.captured_queries)):
        _page(client, reverse("teams:document-list", args=[team.pk]))


def test_review_inbox_link_shows_only_for_people_who_manage_a_team(client: Client, tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    assert "入队申请审批" in _page(_login(client, leader_login(team)), reverse("teams:team-list"))
    assert "入队申请审批" not in _page(_login(client, volunteer_login(tree.town_a)), reverse("teams:team-list"))
