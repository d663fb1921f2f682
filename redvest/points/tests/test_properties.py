"""Property: any sequence of earn / redeem / confirm / cancel / reverse keeps every balance equal to the
sum of its entries, the whole ledger at zero, and stock and non-issuer balances at or above zero."""

from __future__ import annotations

import contextlib
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redvest.accounts.tests.factories import UserFactory
from redvest.activities.models import ServiceCategory
from redvest.core.errors import DomainError
from redvest.points.models import AccountKind, PointsAccount, PointsEntry, Redemption, RewardItem
from redvest.points.services import (
    points_post_for_service_record,
    redemption_cancel,
    redemption_confirm,
    redemption_reserve,
)
from redvest.points.tests.conftest import Bank
from redvest.points.tests.factories import EarningRuleFactory, RewardItemFactory
from redvest.records.models import RecordKind, RecordSource, ServiceRecord
from redvest.records.services import record_append
from redvest.volunteers.tests.factories import VolunteerFactory

operation = st.one_of(
    st.tuples(st.just("earn"), st.integers(0, 1), st.integers(0, 300)),
    st.tuples(st.just("redeem"), st.integers(0, 1), st.integers(0, 1), st.integers(1, 2)),
    st.tuples(st.just("confirm"), st.integers(0, 5)),
    st.tuples(st.just("cancel"), st.integers(0, 5)),
    st.tuples(st.just("reverse"), st.integers(0, 5)),
)


def _check_invariants() -> None:
    sums = dict(PointsEntry.objects.values("account_id").annotate(s=Sum("delta")).values_list("account_id", "s"))
    for account in PointsAccount.objects.all():
        assert account.balance == sums.get(account.pk, 0), account
        if account.kind in (AccountKind.ESCROW, AccountKind.MERCHANT, AccountKind.FUND):
            assert account.balance >= 0, account
    assert sum(sums.values()) == 0
    assert not RewardItem.objects.filter(stock__lt=0).exists()
    for txn_total in PointsEntry.objects.values("transaction_id").annotate(s=Sum("delta")).values_list("s", flat=True):
        assert txn_total == 0


class Play:
    def __init__(self, bank: Bank) -> None:
        self.bank = bank
        self.volunteers = [bank.volunteer, VolunteerFactory(org=bank.tree.town_a, user=UserFactory())]
        self.items = [
            RewardItemFactory(org=bank.point, points_cost=15, stock=3),
            RewardItemFactory(
                org=bank.merchant.org, merchant=bank.merchant, points_cost=40, stock=2, per_person_limit=1
            ),
        ]
        self.records: list[ServiceRecord] = []
        self.redemptions: list[Redemption] = []

    def run(self, op: tuple[Any, ...]) -> None:
        name = op[0]
        # A refused operation must leave the ledger as it was; the invariants check that.
        with contextlib.suppress(DomainError):
            getattr(self, name)(*op[1:])

    def earn(self, who: int, minutes: int) -> None:
        record = record_append(
            actor=None,
            volunteer=self.volunteers[who],
            kind=RecordKind.CREDIT,
            source=RecordSource.MAKEUP,
            category=ServiceCategory.COMMUNITY,
            minutes=minutes,
            served_on=timezone.localdate(),
        )
        points_post_for_service_record(record=record)
        self.records.append(record)

    def redeem(self, who: int, which: int, quantity: int) -> None:
        volunteer = self.volunteers[who]
        self.redemptions.append(
            redemption_reserve(actor=volunteer.user, volunteer=volunteer, item=self.items[which], quantity=quantity)  # type: ignore[arg-type]
        )

    def confirm(self, k: int) -> None:
        if self.redemptions:
            redemption_confirm(actor=self.bank.county_admin, redemption=self.redemptions[k % len(self.redemptions)])

    def cancel(self, k: int) -> None:
        if self.redemptions:
            redemption = self.redemptions[k % len(self.redemptions)]
            redemption_cancel(actor=redemption.volunteer.user, redemption=redemption)  # type: ignore[arg-type]

    def reverse(self, k: int) -> None:
        live = [r for r in self.records if not ServiceRecord.objects.filter(reverses=r).exists()]
        if live:
            old = live[k % len(live)]
            reversal = record_append(
                actor=None,
                volunteer=old.volunteer,
                kind=old.kind,
                source=RecordSource.REVERSAL,
                category=old.category,
                minutes=-old.minutes,
                served_on=old.served_on,
                reverses=old,
                reason="更正",
            )
            points_post_for_service_record(record=reversal)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(ops=st.lists(operation, min_size=1, max_size=14), daily_cap=st.one_of(st.none(), st.integers(10, 60)))
def test_any_sequence_keeps_balances_equal_to_their_entries(
    bank: Bank, ops: list[tuple[Any, ...]], daily_cap: int | None
) -> None:
    with transaction.atomic():
        EarningRuleFactory(org=bank.tree.town_a, amount=10, daily_cap=daily_cap)
        play = Play(bank)
        for op in ops:
            play.run(op)
            _check_invariants()
        transaction.set_rollback(True)  # the next example starts from the same shared world
