"""Public commitments: make one (volunteer or an admin for them), change its wording, follow it up."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from redvest.accounts.policy import can, can_administer
from redvest.audit.services import audit_record, snapshot
from redvest.core.errors import PermissionDenied, ValidationFailed
from redvest.publicity.errors import CommitmentExists
from redvest.publicity.models import (
    Commitment,
    CommitmentFollowUp,
    CommitmentSetting,
    CommitmentStatus,
    TargetKind,
)

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.volunteers.models import Volunteer

MAX_TARGET = {TargetKind.MINUTES: 2000 * 60, TargetKind.ACTIVITIES: 1000}


@dataclass(frozen=True)
class CommitmentData:
    year: int
    setting: str
    text: str
    target_kind: str = ""
    target_value: int | None = None  # minutes for a time target, a count for an activity target


def _clean(data: CommitmentData, *, today: datetime.date) -> CommitmentData:
    errors: dict[str, str] = {}
    if not isinstance(data.year, int) or not today.year - 1 <= data.year <= today.year + 1:
        errors["year"] = f"年度须为{today.year - 1}至{today.year + 1}年"
    if data.setting not in CommitmentSetting.values:
        errors["setting"] = "请选择服务场景（社区、村或企业）"
    text = (data.text or "").strip()
    if not text:
        errors["text"] = "请填写承诺内容"
    elif len(text) > 300:
        errors["text"] = "承诺内容不能超过300字"
    kind = data.target_kind or ""
    value = data.target_value
    if kind not in TargetKind.values:
        errors["target_kind"] = "量化目标类型无效"
    elif kind == TargetKind.NONE:
        value = None
    elif not isinstance(value, int) or isinstance(value, bool) or value < 1:
        errors["target_value"] = "量化目标须为正整数"
    elif value > MAX_TARGET[TargetKind(kind)]:
        errors["target_value"] = "量化目标过大，请核对"
    if errors:
        raise ValidationFailed(errors)
    return CommitmentData(year=data.year, setting=data.setting, text=text, target_kind=kind, target_value=value)


@transaction.atomic
def commitment_create(
    *, actor: User, volunteer: Volunteer, data: CommitmentData, today: datetime.date | None = None
) -> Commitment:
    """A volunteer's commitment for a year in a setting, by the volunteer or an admin over them; one per
    volunteer, year and setting. Raises ValidationFailed, CommitmentExists, PermissionDenied."""
    if not can(actor, "change", volunteer):
        raise PermissionDenied("您不能为该志愿者填写承诺")
    clean = _clean(data, today=today or timezone.localdate())
    duplicate = Commitment.objects.filter(volunteer=volunteer, year=clean.year, setting=clean.setting)
    if duplicate.exists():
        raise CommitmentExists(
            f"{volunteer.name}{clean.year}年在{CommitmentSetting(clean.setting).label}的承诺已提交，"
            "每人每年每个场景只能作一项承诺",
            field="setting",
        )
    try:
        with transaction.atomic():
            commitment = Commitment.objects.create(
                volunteer=volunteer,
                year=clean.year,
                setting=clean.setting,
                text=clean.text,
                target_kind=clean.target_kind,
                target_value=clean.target_value,
                created_by=actor,
            )
    except IntegrityError as exc:  # a concurrent second submission
        raise CommitmentExists(field="setting") from exc
    audit_record(actor=actor, action="create", target=commitment, org=volunteer.org, after=snapshot(commitment))
    return commitment


@transaction.atomic
def commitment_update(
    *, actor: User, commitment: Commitment, text: str, target_kind: str, target_value: int | None
) -> Commitment:
    """The volunteer (or an admin over them) rewords a commitment or its target while it is still 进行中;
    year and setting stay. Raises ValidationFailed (also once it has been judged), PermissionDenied."""
    locked = Commitment.objects.select_for_update(of=("self",)).select_related("volunteer__org").get(pk=commitment.pk)
    if not can(actor, "change", locked):
        raise PermissionDenied("您不能修改该承诺")
    if locked.status != CommitmentStatus.ONGOING:
        raise ValidationFailed({"text": "承诺已有兑现结论，不能再修改"})
    clean = _clean(
        CommitmentData(
            year=locked.year, setting=locked.setting, text=text, target_kind=target_kind, target_value=target_value
        ),
        today=datetime.date(locked.year, 6, 30),
    )
    before = snapshot(locked, ["text", "target_kind", "target_value"])
    locked.text, locked.target_kind, locked.target_value = clean.text, clean.target_kind, clean.target_value
    locked.save(update_fields=["text", "target_kind", "target_value"])
    audit_record(
        actor=actor,
        action="update",
        target=locked,
        org=locked.volunteer.org,
        before=before,
        after=snapshot(locked, ["text", "target_kind", "target_value"]),
    )
    return locked


@transaction.atomic
def commitment_follow_up(
    *,
    actor: User,
    commitment: Commitment,
    status: str,
    note: str,
    followed_on: datetime.date,
    today: datetime.date | None = None,
) -> CommitmentFollowUp:
    """Append a follow-up (进行中/已兑现/未兑现 with a note and date) by an admin over the volunteer; the
    commitment's current status moves with it. Raises ValidationFailed, PermissionDenied."""
    locked = Commitment.objects.select_for_update(of=("self",)).select_related("volunteer__org").get(pk=commitment.pk)
    if not can_administer(actor, locked.volunteer.org):
        raise PermissionDenied("只有志愿者所在组织的管理员可以跟进承诺")
    errors: dict[str, str] = {}
    if status not in CommitmentStatus.values:
        errors["status"] = "请选择兑现情况"
    note = (note or "").strip()
    if not note:
        errors["note"] = "请填写跟进说明"
    elif len(note) > 500:
        errors["note"] = "跟进说明不能超过500字"
    if not isinstance(followed_on, datetime.date):
        errors["followed_on"] = "请填写跟进日期"
    elif followed_on > (today or timezone.localdate()):
        errors["followed_on"] = "跟进日期不能晚于今天"
    elif followed_on.year < locked.year:
        errors["followed_on"] = "跟进日期不能早于承诺年度"
    if errors:
        raise ValidationFailed(errors)
    follow_up = CommitmentFollowUp.objects.create(
        commitment=locked, status=status, note=note, followed_on=followed_on, actor=actor
    )
    before = {"status": locked.status}
    locked.status = status
    locked.followed_up_on = followed_on
    locked.save(update_fields=["status", "followed_up_on"])
    audit_record(
        actor=actor,
        action="update",
        target=locked,
        org=locked.volunteer.org,
        before=before,
        after={"status": status, "follow_up_id": follow_up.pk},
        reason=note,
    )
    return follow_up
