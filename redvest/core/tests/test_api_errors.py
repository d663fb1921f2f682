"""Every API error is JSON {"code", "message"} in Chinese, whoever makes it: ninja (schema errors),
Django (an unknown path, a wrong method) or a crash. The docs page loads nothing from outside."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from redvest.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from redvest.orgs.tests.factories import OrgTree

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin() -> Client:
    tree = OrgTree()
    user = UserFactory()
    RoleAssignmentFactory(user=user, role="org_admin", org=tree.county)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _json(response: Any) -> dict[str, Any]:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return dict(response.json())


def test_unknown_api_path_answers_json_404(admin: Client) -> None:
    response = admin.get("/api/v1/no-such-thing/42")
    assert response.status_code == 404
    assert _json(response) == {"code": "not_found", "message": "接口或记录不存在"}


def test_wrong_method_answers_json_405(admin: Client) -> None:
    response = admin.delete("/api/v1/teams/brands")
    assert response.status_code == 405
    assert _json(response)["code"] == "method_not_allowed" and "GET" in response["Allow"]


def test_server_error_answers_json_500_without_details(admin: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(**kwargs: Any) -> Any:
        raise RuntimeError("secret internals")

    monkeypatch.setattr("redvest.teams.api.brand_list", crash)
    response = admin.get("/api/v1/teams/brands")
    assert response.status_code == 500
    assert _json(response) == {"code": "server_error", "message": "服务器内部错误，请稍后重试"}


def test_schema_errors_are_chinese_and_name_each_field(admin: Client) -> None:
    body = {"name": "合之队", "owner": "abc", "teams": [0], "description": 5}
    response = admin.post("/api/v1/teams/brands", body, content_type="application/json")
    assert response.status_code == 422
    data = _json(response)
    assert data["code"] == "validation_error"
    assert data["errors"] == {
        "owner": "应为整数",
        "teams.0": "不能小于1",
        "description": "应为文本",
    }
    assert data["message"].startswith("提交的数据有误")


def test_missing_field_and_broken_json_are_chinese(admin: Client) -> None:
    missing = admin.post("/api/v1/teams/brands", {"name": "合之队"}, content_type="application/json")
    assert _json(missing)["errors"] == {"owner": "必填"}
    broken = admin.post("/api/v1/teams/brands", "{not json", content_type="application/json")
    assert broken.status_code in {400, 422}
    data = _json(broken)
    assert set(data) >= {"code", "message"} and not data["message"].isascii()


def test_api_docs_load_swagger_from_our_own_static_files(admin: Client) -> None:
    html = admin.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "/static/ninja/swagger-ui.css" in html
    assert "https://" not in html and "http://" not in html
    assert '"validatorUrl": null' in html
    assert finders.find("ninja/swagger-ui-bundle.js") and finders.find("ninja/swagger-ui.css")
