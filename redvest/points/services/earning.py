"""Earning points: credit hours turned into points by the rules in force, and claims (好人好事登记)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from redvest.accounts.models import Role
from redvest.accounts.policy import can, roles_of
from redvest.audit.services import audit_record
from redvest.core.errors import DomainError, PermissionDenied
from redvest.points.errors import (
    CapExceeded,
    ClaimNotPending,
    InvalidAmount,
    NoRuleInForce,
    NoteRequired,
    VolunteerNotActive,
)
from redvest.points.models import (
    EARNING_KINDS,
    REPORTED_TYPES,
    ClaimSource,
    ClaimStatus,
    EarningBasis,
    EarningRule,
    PointsAccount,
    PointsClaim,
    PointsEarnedDay,
    PointsEarnedYear,
    PointsTransaction,
    PointType,
    PostingOutcome,
    RecordPosting,
    TxnKind,
)
from redvest.points.selectors.config import rule_in_force
from redvest.points.services._common import admins_nearest, check_evidence, clean_text, notify_later
from redvest.points.services.ledger import (
    accounts_lock,
    bank_account,
    earned_add,
    ledger_post,
    transaction_reverse,
    volunteer_account,
)
from redvest.records.models import RecordKind
from redvest.volunteers.models import Volunteer, VolunteerStatus

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.records.models import ServiceRecord

CLAIM_MAX_AGE_DAYS = 365


def cap_room(*, volunteer_id: int, rule: EarningRule, day: datetime.date) -> tuple[int | None, str]:
    """Points still allowed under the rule's daily and yearly caps for this type (None: no cap)."""
    room: int | None = None
    which = ""
    if rule.daily_cap is not None:
        earned = (
            PointsEarnedDay.objects.filter(volunteer_id=volunteer_id, point_type=rule.point_type, day=day)
            .values_list("points", flat=True)
            .first()
        )
        room, which = max(0, rule.daily_cap - int(earned or 0)), f"每日上限（{rule.daily_cap}分）"
    if rule.yearly_cap is not None:
        earned = (
            PointsEarnedYear.objects.filter(volunteer_id=volunteer_id, point_type=rule.point_type, year=day.year)
            .values_list("points", flat=True)
            .first()
        )
        yearly = max(0, rule.yearly_cap - int(earned or 0))
        if room is None or yearly < room:
            room, which = yearly, f"每年上限（{rule.yearly_cap}分）"
    return room, which


def _earn(
    *,
    actor: User | None,
    account: PointsAccount,
    bank: PointsAccount,
    volunteer_id: int,
    rule: EarningRule,
    points: int,
    day: datetime.date,
    kind: str,
    memo: str,
    truncate: bool,
    service_record: ServiceRecord | None = None,
    claim: PointsClaim | None = None,
) -> tuple[PointsTransaction | None, int, str]:
    """Post bank → volunteer within the caps; the caller holds both accounts' locks. Over a cap the
    amount is cut (automatic postings) or CapExceeded is raised (a reviewer's decision)."""
    room, which = cap_room(volunteer_id=volunteer_id, rule=rule, day=day)
    note = ""
    label = PointType(rule.point_type).label
    if room is not None and points > room:
        if not truncate:
            raise CapExceeded(f"超出{label}积分{which}：本次最多还可计 {room} 分", field="points")
        note = f"已达{label}积分{which}，本次计 {room} 分"
        points = room
    if points <= 0:
        return None, 0, note
    txn = ledger_post(
        kind=kind,
        legs=[(bank, -points), (account, points)],
        actor=actor,
        point_type=rule.point_type,
        memo=memo,
        earned_on=day,
        service_record=service_record,
        claim=claim,
    )
    earned_add(volunteer_id=volunteer_id, point_type=rule.point_type, day=day, points=points)
    return txn, points, note


def _service_points(*, rule: EarningRule, record: ServiceRecord) -> int:
    if rule.basis == EarningBasis.PER_CREDIT_HOUR:
        return record.minutes * rule.amount // 60
    if rule.basis == EarningBasis.PER_ACTIVITY:
        return rule.amount if record.activity_id else 0
    return rule.amount


def _record_memo(record: ServiceRecord) -> str:
    hours = (
        f"{record.minutes // 60}小时{record.minutes % 60:02d}分"
        if record.minutes % 60
        else f"{record.minutes // 60}小时"
    )
    title = record.activity.title if record.activity_id and record.activity else "志愿服务"
    return f"{title}（{record.served_on:%Y-%m-%d}，{hours}）"


def _posting(
    record: ServiceRecord, outcome: str, *, points: int = 0, note: str = "", txn: PointsTransaction | None = None
) -> RecordPosting:
    return RecordPosting.objects.create(record=record, outcome=outcome, points=points, note=note[:200], transaction=txn)


@transaction.atomic
def points_post_for_service_record(*, record: ServiceRecord) -> RecordPosting:
    """Turn a credit record into points under the 志愿服务 rule in force for the volunteer's org (caps
    cut the amount; a rule needing approval opens a claim). A REVERSAL record reverses what the record
    it reverses earned. Idempotent: a record is posted once, later calls return the first outcome."""
    volunteer = Volunteer.objects.select_related("org").get(pk=record.volunteer_id)
    account = volunteer_account(volunteer=volunteer)
    rule = None
    lock_ids = [account.pk]
    original: PointsTransaction | None = None
    if record.reverses_id is not None:
        original = (
            PointsTransaction.objects.filter(service_record_id=record.reverses_id, kind__in=EARNING_KINDS)
            .prefetch_related("entries")
            .first()
        )
        lock_ids += [e.account_id for e in original.entries.all()] if original else []
    elif record.kind == RecordKind.CREDIT:
        rule = rule_in_force(org=volunteer.org, point_type=PointType.SERVICE)
        bank = bank_account(org=rule.org) if rule else None
        lock_ids += [bank.pk] if bank else []
    accounts_lock(ids=lock_ids)  # one volunteer's postings run one at a time: caps and idempotency hold
    existing = RecordPosting.objects.filter(record_id=record.pk).first()
    if existing is not None:
        return existing
    if record.reverses_id is not None:
        return _post_record_reversal(record=record, original=original, account=account)
    if record.kind != RecordKind.CREDIT:
        return _posting(record, PostingOutcome.NONE, note="荣誉时数不计积分")
    if rule is None:
        return _posting(record, PostingOutcome.NONE, note="所在组织未开放志愿服务积分")
    points = _service_points(rule=rule, record=record) if record.minutes > 0 else 0
    if points <= 0:
        return _posting(record, PostingOutcome.NONE, note="按积分规则本次不计积分")
    if rule.requires_approval:
        claim = PointsClaim.objects.create(
            volunteer=volunteer,
            point_type=PointType.SERVICE,
            source=ClaimSource.SERVICE,
            service_record=record,
            title=_record_memo(record)[:100],
            occurred_on=record.served_on,
            points=points,
            reporter_role="system",
        )
        notify_later(
            recipients=admins_nearest(org=volunteer.org),
            title="有服务积分待审核",
            body=f"{volunteer.name}：{claim.title}，{points} 分",
            url=reverse("points:claim-detail", args=[claim.pk]),
        )
        return _posting(record, PostingOutcome.PENDING, points=points, note="按规则需审核后入账")
    txn, posted, note = _earn(
        actor=None,
        account=account,
        bank=bank_account(org=rule.org),
        volunteer_id=volunteer.pk,
        rule=rule,
        points=points,
        day=record.served_on,
        kind=TxnKind.EARN,
        memo=_record_memo(record),
        truncate=True,
        service_record=record,
    )
    outcome = PostingOutcome.POSTED if txn is not None else PostingOutcome.NONE
    return _posting(record, outcome, points=posted, note=note, txn=txn)


def _post_record_reversal(
    *, record: ServiceRecord, original: PointsTransaction | None, account: PointsAccount
) -> RecordPosting:
    """The reversed record's points come back out; a claim still waiting for review is withdrawn."""
    if original is not None and not PointsTransaction.objects.filter(reverses=original).exists():
        reversal = transaction_reverse(actor=None, txn=original, reason="服务记录更正", service_record=record)
        points = -sum(e.delta for e in original.entries.all() if e.account_id == account.pk)
        return _posting(record, PostingOutcome.REVERSED, points=points, txn=reversal, note="服务记录已冲销")
    pending = PointsClaim.objects.select_for_update(of=("self",)).filter(
        service_record_id=record.reverses_id, status=ClaimStatus.PENDING
    )
    for claim in pending:
        claim.status = ClaimStatus.CANCELLED
        claim.review_note = "服务记录已冲销，申报自动撤销"
        claim.reviewed_at = timezone.now()
        claim.save(update_fields=["status", "review_note", "reviewed_at"])
    return _posting(record, PostingOutcome.NONE, note="原记录未计积分，无需冲正")


# ---- Claims: 好人好事登记 and service time under a rule that needs approval ----------------------


@dataclass(frozen=True)
class ClaimData:
    volunteer: Volunteer
    point_type: str
    title: str
    occurred_on: datetime.date
    description: str = ""
    place: str = ""
    evidence: UploadedFile | None = None


REPORTER_ROLES = (Role.STATION_KEEPER, Role.ORG_ADMIN, Role.SYSTEM_ADMIN, Role.RESIDENT, Role.VOLUNTEER)


def _reporter_role(actor: User) -> str:
    """The role the report is made in; only these roles report (and so can follow their reports)."""
    roles = roles_of(actor)
    for role in REPORTER_ROLES:
        if role in roles:
            return str(role)
    raise PermissionDenied("请以站点管理员、群众或志愿者身份登记好人好事")


@transaction.atomic
def claim_report(*, actor: User, data: ClaimData) -> PointsClaim:
    """A station keeper, resident or volunteer reports a good deed with evidence. Under a rule without
    approval the points are posted at once. Raises DomainError (field errors), PermissionDenied,
    NoRuleInForce, VolunteerNotActive, CapExceeded."""
    if data.point_type not in REPORTED_TYPES:
        raise DomainError("请选择便民服务、好人好事、慈善捐赠或见义勇为", field="point_type", code="invalid_type")
    title = clean_text(data.title, field="title", label="事迹名称", max_length=100)
    description = clean_text(data.description, field="description", label="事迹经过", max_length=2000, required=False)
    place = clean_text(data.place, field="place", label="地点", max_length=200, required=False)
    today = timezone.localdate()
    if data.occurred_on > today:
        raise DomainError("发生日期不能晚于今天", field="occurred_on", code="future_date")
    if data.occurred_on < today - datetime.timedelta(days=CLAIM_MAX_AGE_DAYS):
        raise DomainError("只能登记一年内的事迹", field="occurred_on", code="too_old")
    check_evidence(data.evidence, required=True)
    reporter_role = _reporter_role(actor)
    volunteer = data.volunteer
    if volunteer.status != VolunteerStatus.REGISTERED:
        raise VolunteerNotActive("该志愿者尚未注册审核通过，不能登记积分", field="volunteer")
    rule = rule_in_force(org=volunteer.org, point_type=data.point_type)
    if rule is None:
        label = PointType(data.point_type).label
        raise NoRuleInForce(f"{volunteer.org.name}未开放「{label}」积分", field="point_type")
    claim = PointsClaim.objects.create(
        volunteer=volunteer,
        point_type=data.point_type,
        source=ClaimSource.REPORT,
        title=title,
        description=description,
        occurred_on=data.occurred_on,
        place=place,
        evidence=data.evidence or "",
        reporter=actor,
        reporter_role=reporter_role,
        points=rule.amount,
    )
    audit_record(
        actor=actor, action="create", target=claim, org=volunteer.org, after={"title": title, "points": rule.amount}
    )
    if not rule.requires_approval:
        _approve(actor=None, claim=claim, rule=rule, points=rule.amount, note="按规则无需审核，自动入账")
    else:
        notify_later(
            recipients=admins_nearest(org=volunteer.org),
            title="有好人好事登记待审核",
            body=f"{volunteer.name}：{title}",
            url=reverse("points:claim-detail", args=[claim.pk]),
        )
    return claim


def _approve(*, actor: User | None, claim: PointsClaim, rule: EarningRule, points: int, note: str) -> PointsTransaction:
    account = volunteer_account(volunteer=claim.volunteer)
    bank = bank_account(org=rule.org)
    accounts_lock(ids=[account.pk, bank.pk])
    kind = TxnKind.EARN if claim.source == ClaimSource.SERVICE else TxnKind.AWARD
    txn, _posted, _note = _earn(
        actor=actor,
        account=account,
        bank=bank,
        volunteer_id=claim.volunteer_id,
        rule=rule,
        points=points,
        day=claim.occurred_on,
        kind=kind,
        memo=f"{PointType(claim.point_type).label}：{claim.title}",
        truncate=False,
        service_record=claim.service_record,
        claim=claim,
    )
    if txn is None:
        raise InvalidAmount("核定积分应至少为 1 分", field="points")
    claim.status = ClaimStatus.APPROVED
    claim.points = points
    claim.reviewed_by = actor
    claim.reviewed_at = timezone.now()
    claim.review_note = note[:200]
    claim.save(update_fields=["status", "points", "reviewed_by", "reviewed_at", "review_note"])
    if claim.volunteer.user_id:
        notify_later(
            recipients=[claim.volunteer.user],  # type: ignore[list-item]  # user_id checked above
            title=f"积分到账 {points} 分",
            body=claim.title,
            url=reverse("points:home"),
        )
    return txn


def _claim_for_review(*, actor: User, claim: PointsClaim) -> PointsClaim:
    if not can(actor, "change", claim):
        raise PermissionDenied("只有志愿者所在组织的管理员可以审核积分申报")
    locked = (
        PointsClaim.objects.select_for_update(of=("self",))
        .select_related("volunteer__org", "volunteer__user")
        .get(pk=claim.pk)
    )
    if locked.status != ClaimStatus.PENDING:
        raise ClaimNotPending(f"该申报{locked.get_status_display()}，不能重复审核")
    return locked


@transaction.atomic
def claim_approve(*, actor: User, claim: PointsClaim, points: int | None = None, note: str = "") -> PointsClaim:
    """A reviewer (org admin over the volunteer) approves; the points are posted within the caps.
    Raises PermissionDenied, ClaimNotPending, NoRuleInForce, InvalidAmount, CapExceeded."""
    claim = _claim_for_review(actor=actor, claim=claim)
    rule = rule_in_force(org=claim.volunteer.org, point_type=claim.point_type)
    if rule is None:
        raise NoRuleInForce(f"{claim.volunteer.org.name}已停用「{claim.get_point_type_display()}」积分规则")
    amount = claim.points if points is None else points
    if amount < 1 or amount > max(claim.points, rule.amount):
        raise InvalidAmount(f"核定积分应在 1 至 {max(claim.points, rule.amount)} 分之间", field="points")
    _approve(
        actor=actor,
        claim=claim,
        rule=rule,
        points=amount,
        note=clean_text(note, field="note", label="审核意见", max_length=200, required=False),
    )
    audit_record(
        actor=actor,
        action="update",
        target=claim,
        org=claim.volunteer.org,
        after={"status": "approved", "points": amount},
    )
    return claim


@transaction.atomic
def claim_reject(*, actor: User, claim: PointsClaim, note: str) -> PointsClaim:
    """Reject with a note the reporter and the volunteer see. Raises PermissionDenied, ClaimNotPending, NoteRequired."""
    claim = _claim_for_review(actor=actor, claim=claim)
    text = (note or "").strip()
    if not text:
        raise NoteRequired("请填写不通过的原因", field="note")
    claim.status = ClaimStatus.REJECTED
    claim.reviewed_by = actor
    claim.reviewed_at = timezone.now()
    claim.review_note = text[:200]
    claim.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    audit_record(
        actor=actor, action="update", target=claim, org=claim.volunteer.org, after={"status": "rejected"}, reason=text
    )
    recipients = [u for u in (claim.reporter, claim.volunteer.user) if u is not None]
    notify_later(
        recipients=list({u.pk: u for u in recipients}.values()), title="积分申报未通过", body=f"{claim.title}：{text}"
    )
    return claim


@transaction.atomic
def claim_revoke(*, actor: User, claim: PointsClaim, reason: str) -> PointsClaim:
    """Withdraw an approved claim found to be wrong: its points are reversed (new transaction).
    Raises PermissionDenied, NoteRequired, ClaimNotPending, AlreadyReversed."""
    if not can(actor, "change", claim):
        raise PermissionDenied("只有志愿者所在组织的管理员可以撤销积分")
    text = (reason or "").strip()
    if not text:
        raise NoteRequired("请填写撤销原因", field="reason")
    claim = PointsClaim.objects.select_for_update(of=("self",)).select_related("volunteer__org").get(pk=claim.pk)
    if claim.status != ClaimStatus.APPROVED:
        raise ClaimNotPending("只有已通过的申报可以撤销")
    for txn in claim.transactions.filter(kind__in=EARNING_KINDS):
        transaction_reverse(actor=actor, txn=txn, reason=text)
    claim.status = ClaimStatus.CANCELLED
    claim.review_note = f"已撤销：{text}"[:200]
    claim.save(update_fields=["status", "review_note"])
    audit_record(
        actor=actor, action="update", target=claim, org=claim.volunteer.org, after={"status": "cancelled"}, reason=text
    )
    return claim
