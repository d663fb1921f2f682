"""The one way points move: `ledger_post` appends a balanced transaction under the accounts' row locks."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F

from redvest.points.errors import AlreadyReversed, InsufficientBalance, NotReversible
from redvest.points.models import (
    EARNING_KINDS,
    AccountKind,
    MemberYearTotal,
    PointsAccount,
    PointsClaim,
    PointsEarnedDay,
    PointsEarnedYear,
    PointsEntry,
    PointsTransaction,
    Redemption,
    TxnKind,
)

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.orgs.models import OrgNode
    from redvest.records.models import ServiceRecord
    from redvest.volunteers.models import Volunteer

Leg = tuple[PointsAccount, int]


def volunteer_account(*, volunteer: Volunteer) -> PointsAccount:
    account, _created = PointsAccount.objects.get_or_create(
        kind=AccountKind.VOLUNTEER, volunteer=volunteer, defaults={"name": volunteer.name}
    )
    return account


def bank_account(*, org: OrgNode) -> PointsAccount:
    account, _created = PointsAccount.objects.get_or_create(
        kind=AccountKind.BANK, org=org, defaults={"name": f"{org.name}好人好事银行"}
    )
    return account


def escrow_account(*, org: OrgNode) -> PointsAccount:
    account, _created = PointsAccount.objects.get_or_create(
        kind=AccountKind.ESCROW, org=org, defaults={"name": f"{org.name}兑换冻结"}
    )
    return account


def accounts_lock(*, ids: Iterable[int]) -> dict[int, PointsAccount]:
    """Lock the rows in id order (so two transactions never wait on each other in a cycle)."""
    return {
        a.pk: a
        for a in PointsAccount.objects.select_for_update(of=("self",)).filter(pk__in=sorted(set(ids))).order_by("pk")
    }


def _shortfall_message(account: PointsAccount, needed: int) -> str:
    if account.kind == AccountKind.VOLUNTEER:
        return f"积分余额不足：当前可用 {max(account.balance, 0)} 分，需要 {needed} 分"
    return f"{account}余额不足：当前 {account.balance} 分，需要 {needed} 分"


@transaction.atomic
def ledger_post(
    *,
    kind: str,
    legs: Sequence[Leg],
    actor: User | None,
    point_type: str = "",
    memo: str = "",
    earned_on: datetime.date | None = None,
    reverses: PointsTransaction | None = None,
    service_record: ServiceRecord | None = None,
    claim: PointsClaim | None = None,
    redemption: Redemption | None = None,
    may_overdraw: Iterable[int] = (),
) -> PointsTransaction:
    """Append one transaction whose deltas sum to zero; move each balance with F() under its row lock.

    Only a bank may go below zero, and whatever `may_overdraw` names (a volunteer whose spent points
    are reversed). Raises InsufficientBalance and writes nothing when a balance would go negative.
    """
    deltas: dict[int, int] = {}
    for account, delta in legs:
        deltas[account.pk] = deltas.get(account.pk, 0) + int(delta)
    deltas = {pk: d for pk, d in deltas.items() if d != 0}
    if len(deltas) < 2 or sum(deltas.values()) != 0:
        raise ValueError(f"unbalanced points transaction: {deltas}")
    locked = accounts_lock(ids=deltas)
    overdraw = set(may_overdraw)
    for pk, delta in deltas.items():
        account = locked[pk]
        if delta < 0 and account.balance + delta < 0 and not account.may_go_negative and pk not in overdraw:
            raise InsufficientBalance(_shortfall_message(account, -delta))
    txn = PointsTransaction.objects.create(
        kind=kind,
        point_type=point_type,
        memo=memo[:200],
        actor=actor if actor is not None and actor.is_authenticated else None,
        earned_on=earned_on,
        reverses=reverses,
        service_record=service_record,
        claim=claim,
        redemption=redemption,
    )
    PointsEntry.objects.bulk_create(
        [
            PointsEntry(
                transaction=txn,
                account_id=pk,
                delta=delta,
                balance_after=locked[pk].balance + delta,
                created_at=txn.created_at,
            )
            for pk, delta in sorted(deltas.items())
        ]
    )
    for pk, delta in deltas.items():
        PointsAccount.objects.filter(pk=pk).update(balance=F("balance") + delta)
    for account, _delta in legs:  # callers see the new balances without another read
        account.balance = locked[account.pk].balance + deltas.get(account.pk, 0)
    return txn


def earned_add(*, volunteer_id: int, point_type: str, day: datetime.date, points: int) -> None:
    """Move the day and year earned totals (callers hold the volunteer's account lock)."""
    day_row, _created = PointsEarnedDay.objects.get_or_create(volunteer_id=volunteer_id, point_type=point_type, day=day)
    PointsEarnedDay.objects.filter(pk=day_row.pk).update(points=F("points") + points)
    year_row, _created = PointsEarnedYear.objects.get_or_create(
        volunteer_id=volunteer_id, point_type=point_type, year=day.year
    )
    PointsEarnedYear.objects.filter(pk=year_row.pk).update(points=F("points") + points)
    member_year_add(volunteer_id=volunteer_id, year=day.year, points_earned=points)


def member_year_add(
    *, volunteer_id: int, year: int, points_earned: int = 0, bonus: int = 0, deduction: int = 0
) -> None:
    """Move the member's yearly row the pioneer ranking joins (callers hold a lock on the change)."""
    row, _created = MemberYearTotal.objects.select_for_update(of=("self",)).get_or_create(
        volunteer_id=volunteer_id, year=year
    )
    MemberYearTotal.objects.filter(pk=row.pk).update(
        points_earned=F("points_earned") + points_earned, bonus=F("bonus") + bonus, deduction=F("deduction") + deduction
    )


@transaction.atomic
def transaction_reverse(
    *, actor: User | None, txn: PointsTransaction, reason: str, service_record: ServiceRecord | None = None
) -> PointsTransaction:
    """Reverse an earning with a mirror transaction (the volunteer may go below zero if the points are
    already spent). Raises NotReversible (redemptions are undone by cancelling), AlreadyReversed."""
    txn = PointsTransaction.objects.select_for_update(of=("self",)).get(pk=txn.pk)
    if txn.kind not in EARNING_KINDS:
        raise NotReversible()
    if PointsTransaction.objects.filter(reverses=txn).exists():
        raise AlreadyReversed()
    entries = list(txn.entries.select_related("account"))
    legs = [(e.account, -e.delta) for e in entries]
    volunteer_accounts = [e.account for e in entries if e.account.kind == AccountKind.VOLUNTEER]
    reversal = ledger_post(
        kind=TxnKind.REVERSAL,
        legs=legs,
        actor=actor,
        point_type=txn.point_type,
        memo=f"冲正：{txn.memo}"[:200] if not reason else f"冲正：{reason}"[:200],
        earned_on=txn.earned_on,
        reverses=txn,
        service_record=service_record,
        may_overdraw=[a.pk for a in volunteer_accounts],
    )
    for account in volunteer_accounts:
        gained = sum(e.delta for e in entries if e.account_id == account.pk)
        if txn.earned_on is not None and account.volunteer_id is not None:
            earned_add(volunteer_id=account.volunteer_id, point_type=txn.point_type, day=txn.earned_on, points=-gained)
    return reversal
