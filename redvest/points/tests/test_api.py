"""/api/v1/points: the flows, the JSON errors with field names, and who may call what."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from redvest.accounts.models import User
from redvest.points.models import EarningBasis, PointType, Redemption
from redvest.points.tests.conftest import Bank
from redvest.points.tests.factories import EarningRuleFactory, PointsClaimFactory, RewardItemFactory

API = "/api/v1/points"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client: Client, url: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(f"{API}{url}", data or {}, content_type="application/json")


def test_volunteer_reserves_and_merchant_confirms_by_code(bank: Bank) -> None:
    bank.give(100)
    item = RewardItemFactory(org=bank.merchant.org, merchant=bank.merchant, points_cost=40)
    me = _client(bank.volunteer.user)  # type: ignore[arg-type]
    listed = me.get(f"{API}/items").json()
    assert listed["count"] == 1 and listed["items"][0]["provider"] == bank.merchant.name
    reserved = _post(me, f"/items/{item.pk}/reserve", {"quantity": 2})
    assert reserved.status_code == 201, reserved.json()
    code = reserved.json()["code"]
    assert me.get(f"{API}/me").json()["balance"] == 20
    shop = _client(bank.merchant.operator)
    found = _post(shop, "/counter/lookup", {"code": code}).json()
    assert found["count"] == 1
    redemption_id = found["items"][0]["id"]
    confirmed = _post(shop, f"/redemptions/{redemption_id}/confirm")
    assert confirmed.json()["status"] == "fulfilled"
    again = _post(shop, f"/redemptions/{redemption_id}/confirm")
    assert again.status_code == 409
    assert again.json()["code"] == "already_confirmed"
    entries = me.get(f"{API}/me/entries").json()
    assert me.get(f"{API}/me").json()["balance"] == 20 == entries["items"][0]["balance_after"]
    assert [e["delta"] for e in entries["items"]] == [-80, 100]


def test_qr_token_finds_the_volunteer_at_the_counter(bank: Bank) -> None:
    bank.give(100)
    item = RewardItemFactory(org=bank.point)
    me = _client(bank.volunteer.user)  # type: ignore[arg-type]
    _post(me, f"/items/{item.pk}/reserve")
    token = me.get(f"{API}/me/qr-token").json()["token"]
    found = _post(_client(bank.keeper), "/counter/lookup", {"code": token})
    assert found.json()["count"] == 1


def test_errors_are_json_with_code_message_and_field(bank: Bank) -> None:
    bank.give(10)
    item = RewardItemFactory(org=bank.point, points_cost=50)
    me = _client(bank.volunteer.user)  # type: ignore[arg-type]
    poor = _post(me, f"/items/{item.pk}/reserve")
    assert poor.status_code == 409
    assert poor.json()["code"] == "insufficient_balance"
    assert "需要 50 分" in poor.json()["message"]
    invalid = _post(me, f"/items/{item.pk}/reserve", {"quantity": 0})
    assert invalid.status_code == 422
    assert "quantity" in invalid.json()["errors"]
    missing = _post(me, "/donations", {"amount": 5})
    assert missing.status_code == 400
    assert missing.json()["field"] == "fund"
    assert not Redemption.objects.exists()


def test_rule_validation_names_the_fields(bank: Bank) -> None:
    admin = _client(bank.admin_a)
    response = admin.put(
        f"{API}/rules",
        {"org": bank.tree.town_a.pk, "point_type": "good_deed", "basis": "per_hour", "amount": 0},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"basis", "amount"}


def test_rules_in_force_for_me(bank: Bank) -> None:
    response = _client(bank.volunteer.user).get(f"{API}/rules").json()  # type: ignore[arg-type]
    assert response["count"] == 5
    service = next(r for r in response["items"] if r["point_type"] == "service")
    assert service["rule"]["amount"] == 10 and service["rule"]["org"] == bank.tree.county.pk


def test_claim_report_and_review_through_the_api(bank: Bank) -> None:
    EarningRuleFactory(
        org=bank.tree.county,
        point_type=PointType.BRAVERY,
        basis=EarningBasis.PER_EVENT,
        amount=100,
        requires_approval=True,
    )
    keeper = _client(bank.keeper)
    created = keeper.post(
        f"{API}/claims",
        {
            "volunteer_number": bank.volunteer.number,
            "point_type": "bravery",
            "title": "勇救落水儿童",
            "occurred_on": timezone.localdate().isoformat(),
            "evidence": SimpleUploadedFile("news.pdf", b"%PDF-1.4", content_type="application/pdf"),
        },
    )
    assert created.status_code == 201, created.json()
    claim_id = created.json()["id"]
    assert _post(_client(bank.admin_b), f"/claims/{claim_id}/approve").status_code == 404
    approved = _post(_client(bank.admin_a), f"/claims/{claim_id}/approve", {"note": "见报道"})
    assert approved.json()["status"] == "approved"
    assert _client(bank.volunteer.user).get(f"{API}/me").json()["balance"] == 100  # type: ignore[arg-type]


def test_reject_without_note_names_the_field(bank: Bank) -> None:
    claim = PointsClaimFactory(volunteer=bank.volunteer)
    response = _post(_client(bank.admin_a), f"/claims/{claim.pk}/reject", {"note": ""})
    assert response.status_code == 400
    assert response.json()["field"] == "note"


def test_merchant_application_and_review(bank: Bank) -> None:
    applicant = _client(bank.volunteer.user)  # type: ignore[arg-type]
    created = _post(
        applicant,
        "/merchants",
        {"name": "城东理发店", "org": bank.tree.town_a.pk, "contact_name": "赵师傅", "contact_phone": "123"},
    )
    assert created.status_code == 400
    assert "contact_phone" in created.json()["errors"]
    created = _post(
        applicant,
        "/merchants",
        {"name": "城东理发店", "org": bank.tree.town_a.pk, "contact_name": "赵师傅", "contact_phone": "0572-6012345"},
    )
    merchant_id = created.json()["id"]
    assert created.json()["status"] == "pending"
    assert _post(_client(bank.admin_b), f"/merchants/{merchant_id}/review", {"action": "approve"}).status_code == 404
    reviewed = _post(_client(bank.admin_a), f"/merchants/{merchant_id}/review", {"action": "approve"})
    assert reviewed.json()["status"] == "approved"


def test_ranking_and_breakdown(bank: Bank) -> None:
    ranking = _client(bank.admin_a).get(f"{API}/index/ranking").json()
    assert ranking["count"] == 1 and ranking["items"][0]["score"] == "60.00"
    mine = _client(bank.volunteer.user).get(f"{API}/index/me").json()  # type: ignore[arg-type]
    assert mine["grade_label"] == "一般" and mine["rank"] == 1
    assert _client(bank.volunteer.user).get(f"{API}/index/ranking").status_code == 403  # type: ignore[arg-type]


def test_pioneer_entry_through_the_api(bank: Bank) -> None:
    admin = _client(bank.admin_a)
    created = _post(
        admin,
        "/index/entries",
        {
            "number": bank.volunteer.number,
            "year": timezone.localdate().year,
            "category": "exemplar",
            "reason": "入选身边好人",
        },
    )
    assert created.status_code == 201
    assert created.json()["score"] == 5
    revoked = _post(admin, f"/index/entries/{created.json()['id']}/revoke", {"reason": "重复录入"})
    assert revoked.json()["revoked"] is True


def test_openapi_lists_the_points_endpoints(bank: Bank) -> None:
    schema = _client(bank.admin_a).get("/api/openapi.json").json()
    paths = [p for p in schema["paths"] if p.startswith(API)]
    assert f"{API}/items/{{item_id}}/reserve" in paths
    assert f"{API}/index/ranking" in paths
    assert len(paths) >= 30


def test_settlement_month_must_be_year_dash_month(bank: Bank) -> None:
    shop = _client(bank.merchant.operator)
    bad = shop.get(f"{API}/merchants/{bank.merchant.pk}/settlement?month=2026-13")
    assert bad.status_code == 400
    assert bad.json()["field"] == "month"
    good = shop.get(f"{API}/merchants/{bank.merchant.pk}/settlement?month=2026-07").json()
    assert (good["month"], good["count"]) == ("2026-07", 0)


def _patch(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.patch(f"{API}{url}", data, content_type="application/json")


def test_item_patch_with_null_min_tier_is_refused_naming_the_field(bank: Bank) -> None:
    item = RewardItemFactory(org=bank.point, min_tier=2)
    response = _patch(_client(bank.admin_a), f"/items/{item.pk}", {"min_tier": None})
    assert response.status_code == 422
    assert response.json()["errors"] == {"min_tier": "不能为空"}
    item.refresh_from_db()
    assert item.min_tier == 2


def test_item_patch_with_null_limit_removes_the_limit(bank: Bank) -> None:
    item = RewardItemFactory(org=bank.point, per_person_limit=3)
    response = _patch(_client(bank.admin_a), f"/items/{item.pk}", {"per_person_limit": None})
    assert response.status_code == 200, response.json()
    item.refresh_from_db()
    assert item.per_person_limit is None


def test_item_stock_beyond_the_column_is_refused_naming_the_field(bank: Bank) -> None:
    item = RewardItemFactory(org=bank.point, stock=5)
    response = _patch(_client(bank.admin_a), f"/items/{item.pk}", {"stock": 2**31})
    assert response.status_code == 422
    assert response.json()["errors"] == {"stock": "不能大于2147483647"}
