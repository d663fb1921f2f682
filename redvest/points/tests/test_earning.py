"""Credit hours → points by the rules in force; caps; corrections; approval; 好人好事 claims."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from redvest.activities.models import ServiceCategory
from redvest.core.errors import DomainError, PermissionDenied
from redvest.points.errors import CapExceeded, ClaimNotPending, NoRuleInForce
from redvest.points.models import (
    ClaimStatus,
    EarningBasis,
    PointsAccount,
    PointsClaim,
    PointsEarnedYear,
    PointsEntry,
    PointsTransaction,
    PointType,
    PostingOutcome,
    TxnKind,
)
from redvest.points.selectors import rules_in_force
from redvest.points.services import (
    ClaimData,
    claim_approve,
    claim_reject,
    claim_report,
    claim_revoke,
    points_post_for_service_record,
)
from redvest.points.tests.conftest import Bank
from redvest.points.tests.factories import EarningRuleFactory, PointsClaimFactory
from redvest.records.models import RecordKind, RecordSource, ServiceRecord
from redvest.records.services import record_append
from redvest.volunteers.models import Volunteer


def _record(volunteer: Volunteer, minutes: int = 120, **kw: object) -> ServiceRecord:
    values: dict[str, object] = {
        "actor": None,
        "volunteer": volunteer,
        "kind": RecordKind.CREDIT,
        "source": RecordSource.MAKEUP,
        "category": ServiceCategory.COMMUNITY,
        "minutes": minutes,
        "served_on": timezone.localdate(),
    }
    values.update(kw)
    return record_append(**values)  # type: ignore[arg-type]


def _balance(volunteer: Volunteer) -> int:
    account = PointsAccount.objects.filter(volunteer=volunteer).first()
    return account.balance if account else 0


def _evidence() -> SimpleUploadedFile:
    return SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff" + b"0" * 100, content_type="image/jpeg")


def test_credit_hours_earn_points_by_the_county_rule(bank: Bank) -> None:
    posting = points_post_for_service_record(record=_record(bank.volunteer, minutes=150))
    assert posting.outcome == PostingOutcome.POSTED
    assert posting.points == 25  # 10 per hour, 2.5 hours
    assert _balance(bank.volunteer) == 25
    assert PointsEarnedYear.objects.get(volunteer=bank.volunteer).points == 25


def test_posting_twice_for_one_record_posts_once(bank: Bank) -> None:
    record = _record(bank.volunteer)
    first = points_post_for_service_record(record=record)
    second = points_post_for_service_record(record=record)
    assert first.pk == second.pk
    assert _balance(bank.volunteer) == 20
    assert PointsTransaction.objects.filter(kind=TxnKind.EARN).count() == 1


def test_nearer_rule_overrides_the_county_rule(bank: Bank) -> None:
    EarningRuleFactory(org=bank.tree.town_a, amount=30)
    points_post_for_service_record(record=_record(bank.volunteer, minutes=60))
    assert _balance(bank.volunteer) == 30


def test_switched_off_rule_earns_nothing_in_its_subtree(bank: Bank) -> None:
    EarningRuleFactory(org=bank.tree.community_a, is_active=False)
    posting = points_post_for_service_record(record=_record(bank.volunteer))
    assert posting.outcome == PostingOutcome.NONE
    assert _balance(bank.volunteer) == 0


def test_rules_in_force_lists_every_type_with_its_nearest_rule(bank: Bank) -> None:
    EarningRuleFactory(org=bank.tree.town_a, point_type=PointType.GOOD_DEED, basis=EarningBasis.PER_EVENT, amount=20)
    rules = {r.point_type: r for r in rules_in_force(org=bank.tree.community_a)}
    assert len(rules) == 5
    assert rules[PointType.SERVICE].rule.org == bank.tree.county  # type: ignore[union-attr]
    assert rules[PointType.GOOD_DEED].rule.amount == 20  # type: ignore[union-attr]
    assert not rules[PointType.BRAVERY].earns


def test_daily_cap_cuts_automatic_points(bank: Bank) -> None:
    EarningRuleFactory(org=bank.tree.town_a, amount=10, daily_cap=30)
    points_post_for_service_record(record=_record(bank.volunteer, minutes=120))
    posting = points_post_for_service_record(record=_record(bank.volunteer, minutes=120))
    assert posting.points == 10
    assert "每日上限" in posting.note
    third = points_post_for_service_record(record=_record(bank.volunteer, minutes=60))
    assert third.outcome == PostingOutcome.NONE
    assert _balance(bank.volunteer) == 30


def test_honour_minutes_earn_no_points(bank: Bank) -> None:
    posting = points_post_for_service_record(
        record=_record(bank.volunteer, kind=RecordKind.HONOUR, source=RecordSource.HONOUR)
    )
    assert posting.outcome == PostingOutcome.NONE
    assert _balance(bank.volunteer) == 0


def test_correction_reverses_and_reposts(bank: Bank) -> None:
    old = _record(bank.volunteer, minutes=180)
    points_post_for_service_record(record=old)
    reversal = _record(bank.volunteer, minutes=-180, source=RecordSource.REVERSAL, reverses=old)
    correction = _record(bank.volunteer, minutes=60, source=RecordSource.CORRECTION, corrects=old)
    reversed_posting = points_post_for_service_record(record=reversal)
    points_post_for_service_record(record=correction)
    assert reversed_posting.outcome == PostingOutcome.REVERSED
    assert reversed_posting.points == -30
    assert _balance(bank.volunteer) == 10
    assert PointsEarnedYear.objects.get(volunteer=bank.volunteer).points == 10
    original = PointsTransaction.objects.get(service_record=old)
    assert original.reversed_by.kind == TxnKind.REVERSAL


def test_reversal_after_spending_leaves_a_negative_balance_not_an_error(bank: Bank) -> None:
    old = _record(bank.volunteer, minutes=60)
    points_post_for_service_record(record=old)
    account = PointsAccount.objects.get(volunteer=bank.volunteer)
    from redvest.points.services import ledger_post

    fund = PointsAccount.objects.create(kind="fund", org=bank.tree.county, name="爱心基金")
    ledger_post(kind=TxnKind.DONATION, legs=[(account, -10), (fund, 10)], actor=None)
    points_post_for_service_record(
        record=_record(bank.volunteer, minutes=-60, source=RecordSource.REVERSAL, reverses=old)
    )
    assert _balance(bank.volunteer) == -10


def test_rule_needing_approval_opens_a_claim_and_approval_posts(bank: Bank) -> None:
    EarningRuleFactory(org=bank.tree.town_a, requires_approval=True)
    record = _record(bank.volunteer, minutes=60)
    posting = points_post_for_service_record(record=record)
    assert posting.outcome == PostingOutcome.PENDING
    claim = PointsClaim.objects.get(service_record=record)
    claim_approve(actor=bank.admin_a, claim=claim)
    assert _balance(bank.volunteer) == 10
    assert PointsTransaction.objects.get(claim=claim).service_record == record


def test_reversing_a_record_withdraws_its_pending_claim(bank: Bank) -> None:
    EarningRuleFactory(org=bank.tree.town_a, requires_approval=True)
    record = _record(bank.volunteer, minutes=60)
    points_post_for_service_record(record=record)
    points_post_for_service_record(
        record=_record(bank.volunteer, minutes=-60, source=RecordSource.REVERSAL, reverses=record)
    )
    claim = PointsClaim.objects.get(service_record=record)
    assert claim.status == ClaimStatus.CANCELLED
    with pytest.raises(ClaimNotPending):
        claim_approve(actor=bank.admin_a, claim=claim)


def _good_deed_rule(bank: Bank, **kw: object) -> None:
    EarningRuleFactory(
        org=bank.tree.county,
        point_type=PointType.GOOD_DEED,
        basis=EarningBasis.PER_EVENT,
        amount=20,
        requires_approval=True,
        **kw,
    )


def _report(bank: Bank, **kw: object) -> PointsClaim:
    data = {
        "volunteer": bank.volunteer,
        "point_type": PointType.GOOD_DEED,
        "title": "拾金不昧",
        "occurred_on": timezone.localdate(),
        "description": "在城东菜场拾得钱包并归还失主",
        "evidence": _evidence(),
    }
    data.update(kw)
    return claim_report(actor=bank.keeper, data=ClaimData(**data))  # type: ignore[arg-type]


def test_station_keeper_reports_a_good_deed_and_the_town_admin_approves(bank: Bank) -> None:
    _good_deed_rule(bank)
    claim = _report(bank)
    assert claim.status == ClaimStatus.PENDING
    assert claim.reporter_role == "station_keeper"
    assert _balance(bank.volunteer) == 0
    claim_approve(actor=bank.admin_a, claim=claim, note="属实")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    assert _balance(bank.volunteer) == 20
    entry = PointsEntry.objects.get(account__volunteer=bank.volunteer)
    assert entry.transaction.kind == TxnKind.AWARD
    assert entry.transaction.point_type == PointType.GOOD_DEED


def test_good_deed_without_approval_is_posted_at_once(bank: Bank) -> None:
    EarningRuleFactory(org=bank.tree.county, point_type=PointType.BRAVERY, basis=EarningBasis.PER_EVENT, amount=100)
    claim = _report(bank, point_type=PointType.BRAVERY, title="勇救落水儿童")
    assert claim.status == ClaimStatus.APPROVED
    assert _balance(bank.volunteer) == 100


def test_report_without_evidence_is_refused_and_writes_nothing(bank: Bank) -> None:
    _good_deed_rule(bank)
    with pytest.raises(DomainError, match="佐证材料") as info:
        _report(bank, evidence=None)
    assert info.value.field == "evidence"
    assert not PointsClaim.objects.exists()


def test_report_for_a_type_not_open_in_the_org_is_refused(bank: Bank) -> None:
    with pytest.raises(NoRuleInForce, match="未开放「好人好事」积分"):
        _report(bank)


def test_future_deed_is_refused(bank: Bank) -> None:
    _good_deed_rule(bank)
    with pytest.raises(DomainError, match="不能晚于今天"):
        _report(bank, occurred_on=timezone.localdate() + datetime.timedelta(days=1))


def test_sibling_town_admin_cannot_approve(bank: Bank) -> None:
    _good_deed_rule(bank)
    claim = _report(bank)
    with pytest.raises(PermissionDenied):
        claim_approve(actor=bank.admin_b, claim=claim)
    with pytest.raises(PermissionDenied):
        claim_approve(actor=bank.keeper, claim=claim)


def test_approval_over_the_cap_is_refused_with_what_is_left_and_writes_nothing(bank: Bank) -> None:
    _good_deed_rule(bank, daily_cap=30)
    first = _report(bank)
    claim_approve(actor=bank.admin_a, claim=first)
    second = _report(bank, title="扶老人过马路")
    with pytest.raises(CapExceeded, match="最多还可计 10 分"):
        claim_approve(actor=bank.admin_a, claim=second)
    second.refresh_from_db()
    assert second.status == ClaimStatus.PENDING
    assert _balance(bank.volunteer) == 20
    claim_approve(actor=bank.admin_a, claim=second, points=10)
    assert _balance(bank.volunteer) == 30


def test_reject_needs_a_note_and_approving_twice_is_refused(bank: Bank) -> None:
    claim = PointsClaimFactory(volunteer=bank.volunteer)
    with pytest.raises(DomainError, match="原因"):
        claim_reject(actor=bank.admin_a, claim=claim, note=" ")
    claim_reject(actor=bank.admin_a, claim=claim, note="证据不足")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED
    with pytest.raises(ClaimNotPending):
        claim_reject(actor=bank.admin_a, claim=claim, note="再次")


def test_revoking_an_approved_claim_reverses_its_points(bank: Bank) -> None:
    _good_deed_rule(bank)
    claim = _report(bank)
    claim_approve(actor=bank.admin_a, claim=claim)
    claim_revoke(actor=bank.admin_a, claim=claim, reason="经核实系重复登记")
    assert _balance(bank.volunteer) == 0
    assert PointsEarnedYear.objects.get(volunteer=bank.volunteer, point_type=PointType.GOOD_DEED).points == 0


def test_a_user_without_a_reporting_role_cannot_report(bank: Bank) -> None:
    from redvest.accounts.tests.factories import UserFactory

    _good_deed_rule(bank)
    with pytest.raises(PermissionDenied, match="站点管理员、群众或志愿者"):
        claim_report(
            actor=UserFactory(),
            data=ClaimData(
                volunteer=bank.volunteer,
                point_type=PointType.GOOD_DEED,
                title="拾金不昧",
                occurred_on=timezone.localdate(),
                evidence=_evidence(),
            ),
        )
    assert not PointsClaim.objects.exists()


def test_appending_a_credit_record_posts_its_points_in_the_same_transaction(bank: Bank) -> None:
    record = _record(bank.volunteer, minutes=60)
    assert _balance(bank.volunteer) == 10
    assert PointsTransaction.objects.filter(service_record_id=record.pk, kind=TxnKind.EARN).count() == 1
