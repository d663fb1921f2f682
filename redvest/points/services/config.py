"""Settings an org admin keeps for their subtree: earning rules, points policy, care funds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

from redvest.accounts.policy import can_administer
from redvest.audit.services import audit_record, diff, snapshot
from redvest.core.errors import DomainError, PermissionDenied, ValidationFailed
from redvest.points.models import AccountKind, EarningBasis, EarningRule, PointsAccount, PointsPolicy, PointType
from redvest.points.services._common import clean_text

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.orgs.models import OrgNode

MAX_RULE_POINTS = 10_000
MAX_EXPIRY_YEARS = 10
MAX_HOLD_HOURS = 24 * 30


def _require_admin(actor: User, org: OrgNode, what: str) -> None:
    if not can_administer(actor, org):
        raise PermissionDenied(f"只有{org.name}及上级组织的管理员可以设置{what}")


@dataclass(frozen=True)
class RuleData:
    point_type: str
    basis: str
    amount: int
    daily_cap: int | None = None
    yearly_cap: int | None = None
    requires_approval: bool = False
    description: str = ""
    is_active: bool = True


def _rule_errors(data: RuleData) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.point_type not in PointType.values:
        errors["point_type"] = "请选择积分类型"
    if data.basis not in EarningBasis.values:
        errors["basis"] = "请选择计分方式"
    elif data.point_type != PointType.SERVICE and data.basis != EarningBasis.PER_EVENT:
        errors["basis"] = "便民服务、好人好事、慈善捐赠、见义勇为按经审核的事迹计分"
    if not 1 <= data.amount <= MAX_RULE_POINTS:
        errors["amount"] = f"积分应在 1 至 {MAX_RULE_POINTS} 之间"
    for field, label in (("daily_cap", "每日上限"), ("yearly_cap", "每年上限")):
        value = getattr(data, field)
        if value is not None and value < 1:
            errors[field] = f"{label}至少为 1 分，不设上限请留空"
    if data.daily_cap and data.yearly_cap and data.daily_cap > data.yearly_cap:
        errors["daily_cap"] = "每日上限不能大于每年上限"
    if len(data.description) > 200:
        errors["description"] = "说明不能超过200字"
    return errors


@transaction.atomic
def rule_set(*, actor: User, org: OrgNode, data: RuleData) -> EarningRule:
    """Create or change the node's rule for one point type (it overrides the rules above for the
    subtree). Raises PermissionDenied, ValidationFailed."""
    _require_admin(actor, org, "积分规则")
    errors = _rule_errors(data)
    if errors:
        raise ValidationFailed(errors)
    rule = EarningRule.objects.select_for_update(of=("self",)).filter(org=org, point_type=data.point_type).first()
    before = snapshot(rule) if rule else {}
    values = {
        "basis": data.basis,
        "amount": data.amount,
        "daily_cap": data.daily_cap,
        "yearly_cap": data.yearly_cap,
        "requires_approval": data.requires_approval,
        "description": data.description.strip(),
        "is_active": data.is_active,
        "updated_by": actor,
    }
    if rule is None:
        rule = EarningRule.objects.create(org=org, point_type=data.point_type, **values)
        audit_record(actor=actor, action="create", target=rule, org=org, after=snapshot(rule))
    else:
        for key, value in values.items():
            setattr(rule, key, value)
        rule.save()
        old, new = diff(before, snapshot(rule))
        audit_record(actor=actor, action="update", target=rule, org=org, before=old, after=new)
    return rule


@transaction.atomic
def rule_clear(*, actor: User, rule: EarningRule) -> None:
    """Drop the node's own rule so the subtree follows the rule above again. Raises PermissionDenied."""
    _require_admin(actor, rule.org, "积分规则")
    audit_record(actor=actor, action="delete", target=rule, org=rule.org, before=snapshot(rule))
    rule.delete()


@dataclass(frozen=True)
class PolicyData:
    allow_fund_donation: bool | None = None
    allow_transfer: bool | None = None
    expiry_years: int | None = None
    hold_hours: int | None = None


@transaction.atomic
def policy_set(*, actor: User, org: OrgNode, data: PolicyData) -> PointsPolicy:
    """Set the node's donation, expiry and reservation settings; an empty value inherits from above.
    Raises PermissionDenied, ValidationFailed."""
    _require_admin(actor, org, "积分政策")
    errors: dict[str, str] = {}
    if data.expiry_years is not None and not 0 <= data.expiry_years <= MAX_EXPIRY_YEARS:
        errors["expiry_years"] = f"有效期应在 0 至 {MAX_EXPIRY_YEARS} 年之间（0 为永久有效）"
    if data.hold_hours is not None and not 1 <= data.hold_hours <= MAX_HOLD_HOURS:
        errors["hold_hours"] = f"预约保留时长应在 1 至 {MAX_HOLD_HOURS} 小时之间"
    if errors:
        raise ValidationFailed(errors)
    policy, created = PointsPolicy.objects.select_for_update(of=("self",)).get_or_create(org=org)
    before = snapshot(policy)
    policy.allow_fund_donation = data.allow_fund_donation
    policy.allow_transfer = data.allow_transfer
    policy.expiry_years = data.expiry_years
    policy.hold_hours = data.hold_hours
    policy.updated_by = actor
    policy.save()
    old, new = diff(before, snapshot(policy))
    audit_record(actor=actor, action="create" if created else "update", target=policy, org=org, before=old, after=new)
    return policy


@transaction.atomic
def fund_create(*, actor: User, org: OrgNode, name: str) -> PointsAccount:
    """Open a care fund (爱心基金) at a node; volunteers under it may donate points to it.
    Raises PermissionDenied, DomainError."""
    _require_admin(actor, org, "爱心基金")
    title = clean_text(name, field="name", label="基金名称", max_length=100)
    if PointsAccount.objects.filter(kind=AccountKind.FUND, org=org, name=title).exists():
        raise DomainError("本组织已有同名基金", field="name", code="duplicate_fund")
    fund = PointsAccount.objects.create(kind=AccountKind.FUND, org=org, name=title)
    audit_record(actor=actor, action="create", target=fund, org=org, after={"name": title})
    return fund
