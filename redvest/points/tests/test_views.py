"""Pages: who sees what, the messages users get, and the main flows through the forms."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from redvest.accounts.models import Role, RoleAssignment
from redvest.accounts.tests.factories import UserFactory
from redvest.points.models import (
    ClaimStatus,
    EarningBasis,
    EarningRule,
    Merchant,
    MerchantStatus,
    PointType,
    Redemption,
    RedemptionStatus,
)
from redvest.points.tests.conftest import Bank
from redvest.points.tests.factories import EarningRuleFactory, PointsClaimFactory, RewardItemFactory


def _ok(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    body = response.content.decode()
    assert "!!MISSING" not in body, url
    return body


VOLUNTEER_PAGES = [
    "/points/",
    "/points/statement/",
    "/points/rules/",
    "/points/catalog/",
    "/points/redemptions/",
    "/points/merchants/",
    "/points/merchants/apply/",
    "/points/claims/",
    "/points/claims/new/",
    "/points/donate/",
    "/points/index/",
    "/points/qr/",
]

ADMIN_PAGES = [
    "/points/",
    "/points/rules/manage/",
    "/points/claims/?status=pending",
    "/points/merchants/?status=pending",
    "/points/funds/",
    "/points/bank/",
    "/points/counter/",
    "/points/items/",
    "/points/index/ranking/",
    "/points/index/entries/",
    "/points/index/config/",
]


def test_volunteer_pages_render(bank: Bank, client: Client) -> None:
    bank.give(80)
    RewardItemFactory(org=bank.point)
    client.force_login(bank.volunteer.user)  # type: ignore[arg-type]
    for url in VOLUNTEER_PAGES:
        _ok(client, url)
    home = _ok(client, "/points/")
    assert 'id="balance">80<' in home
    assert "<svg" in home  # the counter QR


def test_admin_pages_render(bank: Bank, client: Client) -> None:
    client.force_login(bank.admin_a)
    for url in ADMIN_PAGES:
        _ok(client, url)


def test_rules_page_shows_the_rules_in_force_for_the_volunteer(bank: Bank, client: Client) -> None:
    EarningRuleFactory(org=bank.tree.town_a, point_type=PointType.GOOD_DEED, basis=EarningBasis.PER_EVENT, amount=20)
    client.force_login(bank.volunteer.user)  # type: ignore[arg-type]
    body = _ok(client, "/points/rules/")
    assert bank.tree.community_a.name in body
    assert "每服务信用小时 10 分" in body
    assert "每件经审核的事迹 20 分" in body
    assert "暂未开放" in body  # 见义勇为 etc.


def test_non_volunteer_gets_a_clear_message_not_a_500(bank: Bank, client: Client) -> None:
    client.force_login(bank.admin_b)
    response = client.get("/points/statement/")
    assert response.status_code == 403
    assert "还没有志愿者身份" in response.content.decode()


def test_town_admin_cannot_open_ranking_of_other_town(bank: Bank, client: Client) -> None:
    client.force_login(bank.admin_a)
    response = client.get(f"/points/index/ranking/?org={bank.tree.town_b.pk}")
    assert response.status_code == 403


def test_reserving_without_enough_points_shows_the_message_with_409(bank: Bank, client: Client) -> None:
    bank.give(10)
    item = RewardItemFactory(org=bank.point, points_cost=50)
    client.force_login(bank.volunteer.user)  # type: ignore[arg-type]
    response = client.post(f"/points/catalog/{item.pk}/reserve/", {"quantity": 1})
    assert response.status_code == 409
    assert "积分余额不足：当前可用 10 分，需要 50 分" in response.content.decode()
    assert not Redemption.objects.exists()


def test_reserve_then_confirm_at_the_counter_by_code(bank: Bank, client: Client) -> None:
    bank.give(100)
    item = RewardItemFactory(org=bank.merchant.org, merchant=bank.merchant, points_cost=60)
    client.force_login(bank.volunteer.user)  # type: ignore[arg-type]
    response = client.post(f"/points/catalog/{item.pk}/reserve/", {"quantity": 1}, follow=True)
    assert "预约成功" in response.content.decode()
    redemption = Redemption.objects.get()
    shop = Client()
    shop.force_login(bank.merchant.operator)
    found = shop.post("/points/counter/", {"code": redemption.code})
    assert found.status_code == 200
    assert "确认兑换" in found.content.decode()
    done = shop.post(f"/points/counter/{redemption.pk}/confirm/", follow=True)
    assert "核销成功" in done.content.decode()
    again = shop.post(f"/points/counter/{redemption.pk}/confirm/")
    assert again.status_code == 409
    assert "请勿重复确认" in again.content.decode()
    redemption.refresh_from_db()
    assert redemption.status == RedemptionStatus.FULFILLED
    statement = _ok(client, "/points/statement/")
    assert "兑换冻结" in statement and "-60" in statement


def test_wrong_counter_code_is_a_form_error(bank: Bank, client: Client) -> None:
    client.force_login(bank.keeper)
    response = client.post("/points/counter/", {"code": "000000"})
    assert response.status_code == 404
    assert "没有找到待核销的兑换" in response.content.decode()


def test_cancel_from_my_reservations_refunds(bank: Bank, client: Client) -> None:
    bank.give(50)
    item = RewardItemFactory(org=bank.point, points_cost=50)
    client.force_login(bank.volunteer.user)  # type: ignore[arg-type]
    client.post(f"/points/catalog/{item.pk}/reserve/")
    redemption = Redemption.objects.get()
    response = client.post(f"/points/redemptions/{redemption.pk}/cancel/", follow=True)
    assert "已取消，50 分已退回" in response.content.decode()


def test_good_deed_report_with_evidence_then_approval(bank: Bank, client: Client) -> None:
    EarningRuleFactory(
        org=bank.tree.county,
        point_type=PointType.GOOD_DEED,
        basis=EarningBasis.PER_EVENT,
        amount=20,
        requires_approval=True,
    )
    resident = UserFactory()
    RoleAssignment.objects.create(user=resident, role=Role.RESIDENT, org=bank.tree.community_a)
    client.force_login(resident)
    photo = SimpleUploadedFile("deed.jpg", b"\xff\xd8\xff0000", content_type="image/jpeg")
    response = client.post(
        "/points/claims/new/",
        {
            "volunteer_number": bank.volunteer.number,
            "point_type": PointType.GOOD_DEED,
            "title": "帮助走失老人回家",
            "occurred_on": timezone.localdate().isoformat(),
            "evidence": photo,
        },
        follow=True,
    )
    assert "等待审核" in response.content.decode()
    claim = bank.volunteer.points_claims.get()
    assert claim.reporter_role == "resident"
    assert _ok(client, f"/points/claims/{claim.pk}/")  # the reporter follows their report
    admin = Client()
    admin.force_login(bank.admin_a)
    admin.post(f"/points/claims/{claim.pk}/decide/", {"action": "approve", "points": 20, "note": "属实"})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    assert admin.get(f"/points/claims/{claim.pk}/evidence/").status_code == 200


def test_report_without_evidence_is_a_form_error_and_writes_nothing(bank: Bank, client: Client) -> None:
    EarningRuleFactory(org=bank.tree.county, point_type=PointType.GOOD_DEED, basis=EarningBasis.PER_EVENT, amount=20)
    client.force_login(bank.keeper)
    response = client.post(
        "/points/claims/new/",
        {
            "volunteer_number": bank.volunteer.number,
            "point_type": PointType.GOOD_DEED,
            "title": "拾金不昧",
            "occurred_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 400
    assert "请上传佐证材料" in response.content.decode()
    assert not bank.volunteer.points_claims.exists()


def test_reject_without_note_keeps_the_claim_pending(bank: Bank, client: Client) -> None:
    claim = PointsClaimFactory(volunteer=bank.volunteer)
    client.force_login(bank.admin_a)
    response = client.post(f"/points/claims/{claim.pk}/decide/", {"action": "reject", "note": ""})
    assert response.status_code == 400
    assert "请填写不通过的原因" in response.content.decode()


def test_merchant_applies_and_town_admin_approves(bank: Bank, client: Client) -> None:
    applicant = UserFactory()
    client.force_login(applicant)
    response = client.post(
        "/points/merchants/apply/",
        {"name": "城南药店", "org": bank.tree.town_a.pk, "contact_name": "李老板", "contact_phone": "13900001111"},
        follow=True,
    )
    assert response.status_code == 200
    assert "等待组织审核" in response.content.decode()
    assert "待审核" in response.content.decode()  # the applicant follows their own application
    merchant = Merchant.objects.get(name="城南药店")
    assert merchant.status == MerchantStatus.PENDING
    assert merchant.account.balance == 0
    admin = Client()
    admin.force_login(bank.admin_a)
    admin.post(f"/points/merchants/{merchant.pk}/review/", {"action": "approve"})
    merchant.refresh_from_db()
    assert merchant.status == MerchantStatus.APPROVED
    assert RoleAssignment.objects.filter(user=applicant, role=Role.MERCHANT, org=bank.tree.town_a).exists()
    item_page = client.post(
        f"/points/items/new/?merchant={merchant.pk}",
        {"title": "感冒药九折", "kind": "discount", "points_cost": 30, "stock": 100, "min_tier": 0, "is_active": "on"},
        follow=True,
    )
    assert "已发布" in item_page.content.decode()


def test_pending_merchant_cannot_publish(bank: Bank, client: Client) -> None:
    bank.merchant.status = MerchantStatus.PENDING
    bank.merchant.save()
    client.force_login(bank.merchant.operator)
    response = client.post(
        f"/points/items/new/?merchant={bank.merchant.pk}",
        {"title": "洗车", "kind": "service", "points_cost": 30, "stock": 5, "min_tier": 0},
    )
    assert response.status_code == 409
    assert "尚未通过加盟审核" in response.content.decode()


def test_admin_sets_a_rule_with_a_cap_and_the_rule_page_shows_it(bank: Bank, client: Client) -> None:
    client.force_login(bank.admin_a)
    response = client.post(
        f"/points/rules/manage/?org={bank.tree.town_a.pk}",
        {
            "form": "rule",
            "point_type": "service",
            "basis": "per_hour",
            "amount": 12,
            "daily_cap": 50,
            "is_active": "on",
        },
        follow=True,
    )
    assert "已保存" in response.content.decode()
    rule = EarningRule.objects.get(org=bank.tree.town_a)
    assert (rule.amount, rule.daily_cap) == (12, 50)
    bad = client.post(
        f"/points/rules/manage/?org={bank.tree.town_a.pk}",
        {"form": "rule", "point_type": "good_deed", "basis": "per_hour", "amount": 5, "is_active": "on"},
    )
    assert bad.status_code == 400
    assert "按经审核的事迹计分" in bad.content.decode()


def test_sibling_admin_cannot_set_rules(bank: Bank, client: Client) -> None:
    client.force_login(bank.admin_b)
    assert client.get(f"/points/rules/manage/?org={bank.tree.town_a.pk}").status_code == 403


def test_statement_and_settlement_export_to_excel(bank: Bank, client: Client) -> None:
    bank.give(70)
    client.force_login(bank.volunteer.user)  # type: ignore[arg-type]
    response = client.get("/points/statement/?export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[2][:2] == ("时间", "业务")
    assert rows[3][3] == 70
    shop = Client()
    shop.force_login(bank.merchant.operator)
    month = timezone.localdate().strftime("%Y-%m")
    settlement = shop.get(f"/points/merchants/{bank.merchant.pk}/settlement/?month={month}&export=xlsx")
    assert settlement.status_code == 200
    assert "结算单" in str(load_workbook(io.BytesIO(settlement.content)).active["A1"].value)


def test_bank_report_for_the_keeper_and_not_for_a_merchant(bank: Bank, client: Client) -> None:
    client.force_login(bank.keeper)
    body = _ok(client, "/points/bank/")
    assert bank.point.name in body
    assert client.get("/points/bank/?export=xlsx").status_code == 200
    shop = Client()
    shop.force_login(bank.merchant.operator)
    assert shop.get("/points/bank/").status_code == 400


def test_volunteer_sees_no_funds_to_manage(bank: Bank, client: Client) -> None:
    client.force_login(bank.volunteer.user)  # type: ignore[arg-type]
    body = _ok(client, "/points/funds/")
    assert "设立爱心基金" not in body


def test_volunteer_cannot_record_pioneer_entries(bank: Bank, client: Client) -> None:
    client.force_login(bank.volunteer.user)  # type: ignore[arg-type]
    assert client.get("/points/index/entries/").status_code == 403


def test_station_keeper_publishes_an_item_at_the_bank_counter(bank: Bank, client: Client) -> None:
    client.force_login(bank.keeper)
    manage = _ok(client, "/points/items/")
    assert f'value="{bank.point.pk}"' in manage
    response = client.post(
        f"/points/items/new/?org={bank.point.pk}",
        {"title": "志愿者帽", "kind": "goods", "points_cost": 20, "stock": 50, "min_tier": 0, "is_active": "on"},
        follow=True,
    )
    assert "已发布「志愿者帽」" in response.content.decode()
    other = client.get(f"/points/items/new/?org={bank.tree.town_b.pk}")
    assert other.status_code == 403
