"""20 redemptions at once, each thread on its own database connection (SQLite file and PostgreSQL)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection
from django.db.models import Sum

from redvest.accounts.tests.factories import UserFactory
from redvest.core.errors import DomainError
from redvest.points.models import AccountKind, PointsAccount, PointsEntry, Redemption, RedemptionStatus, RewardItem
from redvest.points.services import redemption_reserve
from redvest.points.tests.conftest import Bank
from redvest.points.tests.factories import RewardItemFactory
from redvest.volunteers.models import Volunteer
from redvest.volunteers.tests.factories import VolunteerFactory

THREADS = 20


def _race(jobs: list[Callable[[], object]]) -> Counter[str]:
    """Run the jobs together; count outcomes by error code ("ok" for success)."""
    barrier = threading.Barrier(len(jobs))
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def run(job: Callable[[], object]) -> None:
        try:
            barrier.wait()
            job()
            result = "ok"
        except DomainError as exc:
            result = exc.code
        except Exception as exc:  # anything else is a failure the test reports by name
            result = f"crash:{type(exc).__name__}:{exc}"
        finally:
            connection.close()
        with lock:
            outcomes[result] += 1

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


def _assert_ledger_consistent() -> None:
    for account in PointsAccount.objects.all():
        total = PointsEntry.objects.filter(account=account).aggregate(s=Sum("delta"))["s"] or 0
        assert account.balance == total, account
        if account.kind != AccountKind.BANK:
            assert account.balance >= 0, account
    assert PointsEntry.objects.aggregate(s=Sum("delta"))["s"] == 0


def _reserve_job(volunteer: Volunteer, item: RewardItem) -> Callable[[], object]:
    return lambda: redemption_reserve(actor=volunteer.user, volunteer=volunteer, item=item)  # type: ignore[arg-type]


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_redemptions_never_overdraw_one_balance(bank: Bank) -> None:
    bank.give(350)  # covers 7 redemptions of 50
    item = RewardItemFactory(org=bank.point, points_cost=50, stock=15)
    outcomes = _race([_reserve_job(bank.volunteer, item) for _ in range(THREADS)])
    assert outcomes == {"ok": 7, "insufficient_balance": 13}, outcomes
    account = PointsAccount.objects.get(kind=AccountKind.VOLUNTEER, volunteer=bank.volunteer)
    assert account.balance == 0
    item.refresh_from_db()
    assert item.stock == 8
    assert Redemption.objects.filter(status=RedemptionStatus.HELD).count() == 7
    assert PointsAccount.objects.get(kind=AccountKind.ESCROW, org=bank.point).balance == 350
    _assert_ledger_consistent()


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_redemptions_never_oversell_the_stock(bank: Bank) -> None:
    item = RewardItemFactory(org=bank.point, points_cost=50, stock=5)
    volunteers = [VolunteerFactory(org=bank.tree.community_a, user=UserFactory()) for _ in range(THREADS)]
    for v in volunteers:
        bank.give(100, to=v)
    outcomes = _race([_reserve_job(v, item) for v in volunteers])
    assert outcomes == {"ok": 5, "out_of_stock": 15}, outcomes
    item.refresh_from_db()
    assert item.stock == 0
    assert Redemption.objects.count() == 5
    assert PointsAccount.objects.filter(kind=AccountKind.VOLUNTEER, balance=50).count() == 5
    _assert_ledger_consistent()
