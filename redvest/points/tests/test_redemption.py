"""Reserve → confirm / cancel / expire, and every bad input refused with a message and no write."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import Sum
from django.utils import timezone

from redvest.core.errors import PermissionDenied
from redvest.points.errors import (
    AlreadyConfirmed,
    InsufficientBalance,
    ItemExpired,
    LimitReached,
    MerchantNotApproved,
    OutOfStock,
    RedemptionClosed,
    RedemptionExpired,
    TierTooLow,
)
from redvest.points.models import (
    AccountKind,
    MerchantStatus,
    PointsAccount,
    PointsEntry,
    PointsTransaction,
    Redemption,
    RedemptionStatus,
    RewardItem,
)
from redvest.points.selectors import counter_lookup, counter_token
from redvest.points.services import (
    redemption_cancel,
    redemption_confirm,
    redemption_reserve,
    redemptions_expire,
)
from redvest.points.tests.conftest import Bank
from redvest.points.tests.factories import RewardItemFactory


def _bank_item(bank: Bank, **kw: object) -> RewardItem:
    return RewardItemFactory(org=bank.point, **kw)


def _merchant_item(bank: Bank, **kw: object) -> RewardItem:
    return RewardItemFactory(org=bank.merchant.org, merchant=bank.merchant, **kw)


def _reserve(bank: Bank, item: RewardItem, quantity: int = 1) -> Redemption:
    return redemption_reserve(actor=bank.volunteer.user, volunteer=bank.volunteer, item=item, quantity=quantity)  # type: ignore[arg-type]


def _balance(bank: Bank) -> int:
    return PointsAccount.objects.get(kind=AccountKind.VOLUNTEER, volunteer=bank.volunteer).balance


def test_reserve_holds_points_in_escrow_and_takes_stock(bank: Bank) -> None:
    bank.give(120)
    item = _bank_item(bank, points_cost=50, stock=3)
    redemption = _reserve(bank, item, quantity=2)
    assert redemption.status == RedemptionStatus.HELD
    assert len(redemption.code) == 6 and redemption.code.isdigit()
    assert _balance(bank) == 20
    assert PointsAccount.objects.get(kind=AccountKind.ESCROW, org=bank.point).balance == 100
    item.refresh_from_db()
    assert item.stock == 1


def test_keeper_confirms_at_the_bank_counter_and_points_return_to_the_bank(bank: Bank) -> None:
    bank.give(50)
    redemption = _reserve(bank, _bank_item(bank))
    redemption_confirm(actor=bank.keeper, redemption=redemption)
    redemption.refresh_from_db()
    assert redemption.status == RedemptionStatus.FULFILLED
    assert redemption.closed_by == bank.keeper
    assert PointsAccount.objects.get(kind=AccountKind.ESCROW, org=bank.point).balance == 0
    assert PointsAccount.objects.get(kind=AccountKind.BANK, org=bank.point).balance == 50


def test_merchant_confirms_and_the_points_go_to_the_merchant(bank: Bank) -> None:
    bank.give(50)
    redemption = _reserve(bank, _merchant_item(bank))
    redemption_confirm(actor=bank.merchant.operator, redemption=redemption)
    assert PointsAccount.objects.get(merchant=bank.merchant).balance == 50


def test_double_confirmation_is_refused_with_a_clear_message(bank: Bank) -> None:
    bank.give(50)
    redemption = _reserve(bank, _merchant_item(bank))
    redemption_confirm(actor=bank.merchant.operator, redemption=redemption)
    entries = PointsEntry.objects.count()
    with pytest.raises(AlreadyConfirmed, match="已于 .* 核销，请勿重复确认"):
        redemption_confirm(actor=bank.merchant.operator, redemption=redemption)
    assert PointsEntry.objects.count() == entries


def test_another_merchant_cannot_confirm(bank: Bank) -> None:
    from redvest.points.tests.factories import MerchantFactory

    other = MerchantFactory(org=bank.tree.town_a)
    bank.give(50)
    redemption = _reserve(bank, _merchant_item(bank))
    with pytest.raises(PermissionDenied):
        redemption_confirm(actor=other.operator, redemption=redemption)
    with pytest.raises(PermissionDenied):
        redemption_confirm(actor=bank.volunteer.user, redemption=redemption)  # type: ignore[arg-type]


def test_cancel_refunds_points_and_restores_stock(bank: Bank) -> None:
    bank.give(50)
    item = _bank_item(bank, stock=1)
    redemption = _reserve(bank, item)
    redemption_cancel(actor=bank.volunteer.user, redemption=redemption)  # type: ignore[arg-type]
    redemption.refresh_from_db()
    item.refresh_from_db()
    assert redemption.status == RedemptionStatus.CANCELLED
    assert _balance(bank) == 50
    assert item.stock == 1
    with pytest.raises(RedemptionClosed):
        redemption_confirm(actor=bank.keeper, redemption=redemption)


def test_expired_reservations_are_refunded_by_the_sweep(bank: Bank) -> None:
    bank.give(50)
    item = _bank_item(bank, stock=1)
    redemption = _reserve(bank, item)
    later = timezone.now() + datetime.timedelta(hours=73)
    assert redemptions_expire(now=later) == 1
    assert redemptions_expire(now=later) == 0
    redemption.refresh_from_db()
    assert redemption.status == RedemptionStatus.EXPIRED
    assert _balance(bank) == 50
    item.refresh_from_db()
    assert item.stock == 1


def test_confirming_after_the_hold_time_is_refused(bank: Bank) -> None:
    bank.give(50)
    redemption = _reserve(bank, _bank_item(bank))
    Redemption.objects.filter(pk=redemption.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(RedemptionExpired):
        redemption_confirm(actor=bank.keeper, redemption=redemption)


def _nothing_written(bank: Bank, item: RewardItem, stock: int) -> None:
    item.refresh_from_db()
    assert item.stock == stock
    assert not Redemption.objects.exists()
    assert not PointsTransaction.objects.filter(kind="hold").exists()


def test_insufficient_balance_is_refused_and_writes_nothing(bank: Bank) -> None:
    bank.give(49)
    item = _bank_item(bank, points_cost=50, stock=5)
    with pytest.raises(InsufficientBalance, match="当前可用 49 分，需要 50 分"):
        _reserve(bank, item)
    _nothing_written(bank, item, 5)
    assert _balance(bank) == 49


def test_out_of_stock_is_refused_and_writes_nothing(bank: Bank) -> None:
    bank.give(500)
    item = _bank_item(bank, stock=0)
    with pytest.raises(OutOfStock, match="库存不足"):
        _reserve(bank, item)
    _nothing_written(bank, item, 0)
    assert _balance(bank) == 500


def test_expired_item_is_refused(bank: Bank) -> None:
    bank.give(500)
    item = _bank_item(bank, valid_until=timezone.now() - datetime.timedelta(days=1))
    with pytest.raises(ItemExpired, match="截止兑换"):
        _reserve(bank, item)
    _nothing_written(bank, item, 10)


def test_merchant_not_approved_is_refused(bank: Bank) -> None:
    bank.give(500)
    item = _merchant_item(bank)
    bank.merchant.status = MerchantStatus.SUSPENDED
    bank.merchant.save()
    with pytest.raises(MerchantNotApproved, match="尚未通过加盟审核或已暂停"):
        _reserve(bank, item)
    _nothing_written(bank, item, 10)


def test_per_person_limit_is_enforced(bank: Bank) -> None:
    bank.give(500)
    item = _bank_item(bank, per_person_limit=2)
    _reserve(bank, item)
    _reserve(bank, item)
    with pytest.raises(LimitReached, match="每人限兑 2 件，您已兑换或预约 2 件"):
        _reserve(bank, item)


def test_privilege_needs_the_tier(bank: Bank) -> None:
    bank.give(500)
    item = _bank_item(bank, min_tier=3)
    with pytest.raises(TierTooLow, match="3星及以上"):
        _reserve(bank, item)


def test_someone_else_cannot_spend_my_points(bank: Bank) -> None:
    bank.give(500)
    with pytest.raises(PermissionDenied):
        redemption_reserve(actor=bank.admin_b, volunteer=bank.volunteer, item=_bank_item(bank))


def test_counter_finds_a_reservation_by_code_or_by_qr_token(bank: Bank) -> None:
    bank.give(100)
    redemption = _reserve(bank, _merchant_item(bank))
    operator = bank.merchant.operator
    assert counter_lookup(user=operator, text=redemption.code) == [redemption]
    assert counter_lookup(user=operator, text=counter_token(volunteer=bank.volunteer)) == [redemption]


def test_counter_does_not_find_other_counters_reservations(bank: Bank) -> None:
    from redvest.points.errors import InvalidCounterCode

    bank.give(100)
    redemption = _reserve(bank, _bank_item(bank))
    with pytest.raises(InvalidCounterCode):
        counter_lookup(user=bank.merchant.operator, text=redemption.code)
    with pytest.raises(InvalidCounterCode):
        counter_lookup(user=bank.keeper, text="not-a-token")


def test_ledger_sums_to_zero_after_a_full_cycle(bank: Bank) -> None:
    bank.give(300)
    a = _reserve(bank, _bank_item(bank))
    b = _reserve(bank, _merchant_item(bank))
    _reserve(bank, _bank_item(bank))
    redemption_confirm(actor=bank.keeper, redemption=a)
    redemption_cancel(actor=bank.volunteer.user, redemption=b)  # type: ignore[arg-type]
    assert PointsEntry.objects.aggregate(s=Sum("delta"))["s"] == 0
    assert PointsAccount.objects.aggregate(s=Sum("balance"))["s"] == 0
