"""Donations to a care fund or another volunteer (when the org allows), and point expiry (off by default)."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from redvest.accounts.tests.factories import UserFactory
from redvest.core.errors import DomainError, PermissionDenied
from redvest.points.errors import DonationNotAllowed, InsufficientBalance
from redvest.points.models import AccountKind, PointsAccount, PointsEarnedYear, PointType, TxnKind
from redvest.points.services import (
    PolicyData,
    donate_to_fund,
    fund_create,
    points_expire,
    policy_set,
    transfer_to_volunteer,
)
from redvest.points.tests.conftest import Bank
from redvest.points.tests.factories import FundFactory, PointsPolicyFactory
from redvest.volunteers.tests.factories import VolunteerFactory


def _balance(volunteer: object) -> int:
    return PointsAccount.objects.get(kind=AccountKind.VOLUNTEER, volunteer=volunteer).balance


def test_donation_to_a_care_fund_above_the_volunteer(bank: Bank) -> None:
    bank.give(100)
    fund = fund_create(actor=bank.admin_a, org=bank.tree.town_a, name="雉城爱心基金")
    donate_to_fund(actor=bank.volunteer.user, volunteer=bank.volunteer, fund=fund, amount=30)  # type: ignore[arg-type]
    fund.refresh_from_db()
    assert fund.balance == 30
    assert _balance(bank.volunteer) == 70


def test_fund_of_another_town_is_out_of_reach(bank: Bank) -> None:
    bank.give(100)
    fund = FundFactory(org=bank.tree.town_b)
    with pytest.raises(DomainError, match="本人所在组织或上级组织"):
        donate_to_fund(actor=bank.volunteer.user, volunteer=bank.volunteer, fund=fund, amount=30)  # type: ignore[arg-type]


def test_donation_switched_off_by_the_org_is_refused(bank: Bank) -> None:
    bank.give(100)
    policy_set(actor=bank.admin_a, org=bank.tree.town_a, data=PolicyData(allow_fund_donation=False))
    fund = FundFactory(org=bank.tree.county)
    with pytest.raises(DonationNotAllowed):
        donate_to_fund(actor=bank.volunteer.user, volunteer=bank.volunteer, fund=fund, amount=30)  # type: ignore[arg-type]
    assert _balance(bank.volunteer) == 100


def test_transfer_needs_the_org_to_allow_it(bank: Bank) -> None:
    bank.give(100)
    friend = VolunteerFactory(org=bank.tree.town_b, user=UserFactory())
    with pytest.raises(DonationNotAllowed, match="未开放积分转赠"):
        transfer_to_volunteer(actor=bank.volunteer.user, volunteer=bank.volunteer, recipient=friend, amount=10)  # type: ignore[arg-type]
    PointsPolicyFactory(org=bank.tree.county, allow_transfer=True)
    transfer_to_volunteer(actor=bank.volunteer.user, volunteer=bank.volunteer, recipient=friend, amount=10)  # type: ignore[arg-type]
    assert (_balance(bank.volunteer), _balance(friend)) == (90, 10)


def test_cannot_give_more_than_the_balance_or_someone_elses_points(bank: Bank) -> None:
    bank.give(5)
    fund = FundFactory(org=bank.tree.county)
    with pytest.raises(InsufficientBalance):
        donate_to_fund(actor=bank.volunteer.user, volunteer=bank.volunteer, fund=fund, amount=6)  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        donate_to_fund(actor=bank.admin_b, volunteer=bank.volunteer, fund=fund, amount=1)


def test_points_never_expire_by_default(bank: Bank) -> None:
    bank.give(100)
    assert points_expire(today=datetime.date(2099, 1, 1)) == 0
    assert _balance(bank.volunteer) == 100


def test_expiry_takes_what_is_left_of_old_years_only(bank: Bank) -> None:
    account = bank.give(100)
    PointsEarnedYear.objects.create(volunteer=bank.volunteer, year=2024, point_type=PointType.SERVICE, points=100)
    policy_set(actor=bank.county_admin, org=bank.tree.county, data=PolicyData(expiry_years=1))
    account = bank.give(40)  # "earned" this year
    PointsEarnedYear.objects.create(volunteer=bank.volunteer, year=2026, point_type=PointType.SERVICE, points=40)
    expired = points_expire(today=datetime.date(2026, 3, 1))
    assert expired == 100
    account.refresh_from_db()
    assert account.balance == 40
    assert account.entries.filter(transaction__kind=TxnKind.EXPIRY).count() == 1
    assert points_expire(today=datetime.date(2026, 3, 1)) == 0  # running twice expires nothing more


def test_expire_command_runs_reservations_and_points(bank: Bank, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("expire_points")
    assert "预约" in capsys.readouterr().out
