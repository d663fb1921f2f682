"""The audit log page and API read in Chinese: objects by name and label, actions by label, changes as
a field table with verbose names — never "X object (5)" or a raw Python dict."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from redvest.accounts.models import Role
from redvest.audit.display import change_rows, object_label
from redvest.audit.models import AuditEntry
from redvest.orgs.services import fivehave_inspect
from redvest.orgs.tests.factories import OrgTree, role_user, station_node
from redvest.teams.tests.factories import TeamFactory
from redvest.volunteers.services import (
    ConsentChoices,
    deregistration_decide,
    deregistration_request,
    volunteer_register,
    volunteer_self_register,
    volunteer_set_status,
    volunteer_update,
)
from redvest.volunteers.tests.factories import person

pytestmark = pytest.mark.django_db
QUERIES_AUDIT_PAGE = 7  # the same for 1 and 10 rows: labels and change tables need no queries


@pytest.fixture
def admin_with_history(db: Any) -> Any:
    """Entries written by several services (volunteers, orgs, deregistration) plus one legacy row."""
    tree = OrgTree()
    admin = role_user(role=Role.ORG_ADMIN, org=tree.county)
    team = TeamFactory(org=tree.town_a)
    v = volunteer_register(actor=admin, org=tree.town_a, team=team, data=person(1))
    volunteer_update(actor=admin, volunteer=v, data=person(1, work_unit="县人民医院", phone="13700001234"))
    volunteer_set_status(actor=admin, volunteer=v, status="suspended", reason="长期外出")
    station = station_node(parent=tree.town_a)
    fivehave_inspect(
        actor=admin, station=station, kind="rules", inspected_on=timezone.localdate(), result="fail", notes="制度未上墙"
    )
    other = volunteer_self_register(
        team=team,
        data=person(2),
        password="Vest-2024-pass",
        password_confirm="Vest-2024-pass",
        consents=ConsentChoices(processing=True, sensitive=True),
    )
    assert other.user is not None
    deregistration_decide(actor=admin, request=deregistration_request(actor=other.user, volunteer=other), approve=True)
    AuditEntry.objects.create(  # written before labels were stored
        action="update",
        target_type="orgs.fivehaveinspection",
        target_id="524",
        target_repr="FiveHaveInspection object (524)",
        org=tree.town_a,
        before={"result": "pass", "inspected_on": "2026-01-02"},
        after={"result": "fail", "inspected_on": "2026-01-03"},
    )
    return admin


def test_audit_page_has_no_object_reprs_or_raw_dicts(client: Client, admin_with_history: Any) -> None:
    client.force_login(admin_with_history)
    response = client.get(reverse("audit:entry-list") + "?page_size=100")
    body = response.content.decode()
    assert response.status_code == 200
    assert AuditEntry.objects.count() >= 8
    assert "object (" not in body and "{'" not in body and "{&#x27;" not in body
    for text in (
        "五有检查记录 · #524",
        "五有检查记录#",
        "未达标",
        "有制度",
        "检查日期",
        "工作单位",
        "县人民医院",
        "联系电话",
        "暂停",
        "注销申请#",
        "个人信息处理同意",
        "修改前",
        "新建",
        "修改",
    ):
        assert text in body, text


def test_audit_api_gives_chinese_labels_and_a_change_table(client: Client, admin_with_history: Any) -> None:
    client.force_login(admin_with_history)
    items = client.get("/api/v1/audit/entries?page_size=100").json()["items"]
    assert all("object (" not in i["target_label"] for i in items)
    legacy = next(i for i in items if i["target_id"] == "524")
    assert legacy["action_label"] == "修改" and legacy["target_label"] == "五有检查记录 · #524"
    assert {"key": "result", "label": "结果", "before": "达标", "after": "未达标"} in legacy["changes"]
    status = next(i for i in items if i["target_type"] == "volunteers.volunteer" and i["reason"] == "长期外出")
    assert status["changes"] == [{"key": "status", "label": "状态", "before": "已注册", "after": "暂停"}]


def test_models_without_a_label_are_named_by_their_chinese_model_name() -> None:
    assert object_label(target_type="demand.requestevent", target_id="9", target_repr="RequestEvent object (9)") == (
        "工单记录 · #9"
    )
    assert object_label(target_type="gone.model", target_id="3", target_repr="") == "记录 · #3"


def test_change_values_use_choice_labels_and_plain_text() -> None:
    rows = change_rows(
        target_type="volunteers.volunteer",
        before={"skills": ["急救", "驾驶"], "party_org_id": 4, "status": "pending"},
        after={"skills": [], "party_org_id": None, "status": "registered", "extra": {"a": 1}},
    )
    by_key = {r.key: r for r in rows}
    assert by_key["skills"].label == "服务技能" and by_key["skills"].before == "急救、驾驶"
    assert by_key["party_org_id"].label == "所在党组织" and by_key["party_org_id"].after == "—"
    assert by_key["status"].before == "待审核" and by_key["status"].after == "已注册"
    assert by_key["extra"].after == "a：1"


def _entries(org: Any, n: int) -> None:
    for i in range(n):
        AuditEntry.objects.create(
            action="update",
            target_type="orgs.fivehaveinspection",
            target_id=str(i),
            target_repr=f"五有检查记录#{i}",
            org=org,
            before={"result": "pass"},
            after={"result": "fail"},
        )


@pytest.mark.parametrize("n", [1, 10])
def test_audit_page_queries_do_not_grow_with_rows(client: Client, django_assert_num_queries: Any, n: int) -> None:
    tree = OrgTree()
    admin = role_user(role=Role.ORG_ADMIN, org=tree.county)
    _entries(tree.town_a, n)
    client.force_login(admin)
    client.get(reverse("audit:entry-list"))  # warm the session and grant caches
    with django_assert_num_queries(QUERIES_AUDIT_PAGE):
        body = client.get(reverse("audit:entry-list")).content.decode()
    assert body.count("未达标") == n
