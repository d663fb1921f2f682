"""The menu: sections per role from each app's nav.py, no link that answers 403 or 404, the current page
marked, one click to the keeper's walk-in registration and the merchant's settlement."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from redvest.accounts.models import Role
from redvest.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from redvest.core.navigation import entries_for
from redvest.orgs.models import OrgKind, Station
from redvest.orgs.tests.factories import OrgTree, org_node
from redvest.points.tests.factories import MerchantFactory
from redvest.teams.tests.factories import TeamFactory, leader_login
from redvest.volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


def people(tree: OrgTree) -> dict[str, object]:
    post = org_node(name="城东驿站", kind=OrgKind.POST, parent=tree.community_a)
    Station.objects.create(node=post, address="城东路1号")
    hotline = org_node(name="96345热线中心", kind=OrgKind.HOTLINE, parent=tree.county)
    merchant = MerchantFactory(org=tree.community_a)
    RoleAssignmentFactory(user=merchant.operator, role=Role.MERCHANT, org=tree.community_a)
    volunteer_user = UserFactory()
    VolunteerFactory(org=tree.community_a, user=volunteer_user)
    return {
        "系统管理员": RoleAssignmentFactory(role=Role.SYSTEM_ADMIN, org=tree.county).user,
        "组织管理员": RoleAssignmentFactory(role=Role.ORG_ADMIN, org=tree.town_a).user,
        "调度员": RoleAssignmentFactory(role=Role.DISPATCHER, org=hotline).user,
        "站点管理员": RoleAssignmentFactory(role=Role.STATION_KEEPER, org=post).user,
        "商家": merchant.operator,
        "群众": RoleAssignmentFactory(role=Role.RESIDENT, org=tree.community_a).user,
        "志愿者": volunteer_user,
        "服务队负责人": leader_login(TeamFactory(org=tree.community_a)),
    }


def test_no_role_is_shown_a_link_that_does_not_open():
    tree = OrgTree()
    for role, user in people(tree).items():
        client = Client()
        client.force_login(user)
        for entry in entries_for(user):
            status = client.get(entry.url, follow=True).status_code
            assert status == 200, f"{role}：{entry.label} {entry.url} → {status}"


def test_keeper_and_merchant_reach_their_daily_page_in_one_click():
    tree = OrgTree()
    users = people(tree)
    keeper = {e.label: e.url for e in entries_for(users["站点管理员"])}
    assert keeper["服务点登记"] == reverse("demand:walkin")
    merchant = {e.label: e.url for e in entries_for(users["商家"])}
    assert "月度结算" in merchant and "/settlement/" in merchant["月度结算"]
    assert "组织网络" not in merchant and "热线受理" not in merchant


def test_the_menu_has_sections_and_marks_the_current_page():
    tree = OrgTree()
    admin = RoleAssignmentFactory(role=Role.ORG_ADMIN, org=tree.county).user
    client = Client()
    client.force_login(admin)
    html = client.get(reverse("activities:activity-list")).content.decode()
    for section in ("组织与队伍", "活动与时长", "需求与调度", "结对帮扶", "考核与评选", "数据"):
        assert f"<summary>{section}</summary>" in html
    assert f'<a href="{reverse("activities:activity-list")}" aria-current="page">志愿活动</a>' in html
    assert 'aria-label="当前位置"' in html and "活动与时长" in html.split('aria-label="当前位置"')[1][:200]
