from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Sum

from redvest.points.errors import InsufficientBalance, LedgerAppendOnly
from redvest.points.models import PointsAccount, PointsEntry, PointsTransaction, TxnKind
from redvest.points.services import bank_account, ledger_post, volunteer_account
from redvest.points.tests.conftest import Bank


def test_a_transaction_moves_balances_and_records_balance_after(bank: Bank) -> None:
    account = bank.give(30)
    assert account.balance == 30
    county = bank_account(org=bank.tree.county)
    county.refresh_from_db()
    assert county.balance == -30
    entry = PointsEntry.objects.get(account=account)
    assert (entry.delta, entry.balance_after) == (30, 30)


def test_unbalanced_transaction_is_a_programming_error(bank: Bank) -> None:
    account = volunteer_account(volunteer=bank.volunteer)
    with pytest.raises(ValueError):
        ledger_post(kind=TxnKind.AWARD, legs=[(account, 5)], actor=None)
    assert not PointsTransaction.objects.exists()


def test_overdraft_is_refused_and_writes_nothing(bank: Bank) -> None:
    account = bank.give(10)
    fund = PointsAccount.objects.create(kind="fund", org=bank.tree.county, name="爱心基金")
    with pytest.raises(InsufficientBalance, match="当前可用 10 分，需要 11 分"):
        ledger_post(kind=TxnKind.DONATION, legs=[(account, -11), (fund, 11)], actor=None)
    account.refresh_from_db()
    assert account.balance == 10
    assert PointsTransaction.objects.count() == 1


def test_entries_cannot_be_changed_or_deleted(bank: Bank) -> None:
    bank.give(10)
    entry = PointsEntry.objects.first()
    assert entry is not None
    entry.delta = 99
    with pytest.raises(LedgerAppendOnly):
        entry.save()
    with pytest.raises(LedgerAppendOnly):
        entry.delete()
    with pytest.raises(LedgerAppendOnly):
        PointsEntry.objects.all().update(delta=1)
    with pytest.raises(LedgerAppendOnly):
        PointsTransaction.objects.all().delete()


def test_check_command_passes_on_a_consistent_ledger(bank: Bank, capsys: pytest.CaptureFixture[str]) -> None:
    bank.give(10)
    bank.give(5)
    call_command("check_points_ledger")
    assert "一致" in capsys.readouterr().out
    assert PointsEntry.objects.aggregate(s=Sum("delta"))["s"] == 0


def test_check_command_reports_a_tampered_balance(bank: Bank, capsys: pytest.CaptureFixture[str]) -> None:
    account = bank.give(10)
    with connection.cursor() as cursor:  # simulate a write that bypassed the services
        cursor.execute("UPDATE points_pointsaccount SET balance = 7 WHERE id = %s", [account.pk])
    with pytest.raises(CommandError, match="1 处差异"):
        call_command("check_points_ledger")
    out = capsys.readouterr().out
    assert f"#{account.pk}" in out
    assert "7" in out and "10" in out
