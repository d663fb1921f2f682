"""Reviewing an alliance merchant: approval gives the operator the merchant role through the accounts
app (`role_ensure`, its audit row), once, also when a suspended merchant is approved again."""

from __future__ import annotations

import pytest

from redvest.accounts.models import Role, RoleAssignment
from redvest.accounts.tests.factories import UserFactory
from redvest.audit.models import AuditEntry
from redvest.points.models import MerchantStatus
from redvest.points.services import merchant_review, merchant_suspend
from redvest.points.tests.conftest import Bank
from redvest.points.tests.factories import MerchantFactory

pytestmark = pytest.mark.django_db


def test_approving_a_merchant_gives_the_operator_the_role_with_an_audit_row(bank: Bank) -> None:
    operator = UserFactory(username="new_shop")
    merchant = MerchantFactory(org=bank.tree.town_a, operator=operator, status=MerchantStatus.PENDING)
    merchant_review(actor=bank.admin_a, merchant=merchant, approve=True)
    role = RoleAssignment.objects.get(user=operator, role=Role.MERCHANT)
    assert (role.org, role.created_by) == (bank.tree.town_a, bank.admin_a)
    audit = AuditEntry.objects.get(target_type="accounts.roleassignment", target_id=str(role.pk))
    assert (audit.action, audit.actor, audit.after) == (
        "create",
        bank.admin_a,
        {"role": Role.MERCHANT, "user": "new_shop"},
    )


def test_approving_a_suspended_merchant_again_keeps_the_one_role(bank: Bank) -> None:
    merchant_suspend(actor=bank.admin_a, merchant=bank.merchant, note="整改")
    merchant_review(actor=bank.admin_a, merchant=bank.merchant, approve=True)
    bank.merchant.refresh_from_db()
    assert bank.merchant.status == MerchantStatus.APPROVED
    assert RoleAssignment.objects.filter(user=bank.merchant.operator, role=Role.MERCHANT).count() == 1
    assert not AuditEntry.objects.filter(target_type="accounts.roleassignment").exists()


def test_rejecting_a_merchant_gives_no_role(bank: Bank) -> None:
    operator = UserFactory(username="other_shop")
    merchant = MerchantFactory(org=bank.tree.town_a, operator=operator, status=MerchantStatus.PENDING)
    merchant_review(actor=bank.admin_a, merchant=merchant, approve=False, note="资质不全")
    assert not RoleAssignment.objects.filter(user=operator).exists()
