"""Writes on 联户: register and change a household (its volunteer or team), reveal its phone (audited),
append a contact to its log."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from redvest.audit.services import audit_record
from redvest.core.crypto import blind_index, encrypt, mask_phone
from redvest.core.errors import PermissionDenied, ValidationFailed
from redvest.core.validation import model_errors
from redvest.core.validators import normalize_phone, phone_error
from redvest.households.access import can_edit_household, can_log_contact
from redvest.households.models import ContactWay, Household, HouseholdContact
from redvest.households.selectors import HOUSEHOLD_ORG_KINDS
from redvest.orgs.models import OrgNode
from redvest.teams.models import Team
from redvest.volunteers.models import Volunteer, VolunteerStatus

if TYPE_CHECKING:
    from redvest.accounts.models import User

BACKDATE_DAYS = 60
CONTENT_LIMIT = 2000


@dataclass
class HouseholdData:
    """What the form or the API sent for a household; exactly one of volunteer and team."""

    org_id: int | None
    head_name: str
    address: str = ""
    phone: str = ""
    notes: str = ""
    volunteer_id: int | None = None
    team_id: int | None = None


@dataclass
class ContactData:
    contacted_on: datetime.date | None
    way: str
    content: str
    follow_up: bool = False


def _liaison(data: HouseholdData, *, actor: User, org: OrgNode | None, errors: dict[str, str]) -> tuple[Any, Any]:
    """The volunteer or the team, registered/active and within what the actor administers."""
    if (data.volunteer_id is None) == (data.team_id is None):
        errors["liaison"] = "请选择一名联户志愿者或一支服务队（二选一）"
        return None, None
    if data.volunteer_id is not None:
        volunteer = Volunteer.objects.select_related("org").filter(pk=data.volunteer_id).first()
        if volunteer is None or not can_edit_household(actor, volunteer.org):
            errors["volunteer"] = "联户志愿者不存在或不在您的管理范围内"
        elif volunteer.status != VolunteerStatus.REGISTERED:
            errors["volunteer"] = "只能选择已注册的志愿者"
        else:
            return volunteer, None
        return None, None
    team = Team.objects.select_related("org").filter(pk=data.team_id or 0).first()
    if team is None or not can_edit_household(actor, team.org):
        errors["team"] = "服务队不存在或不在您的管理范围内"
    elif not team.is_active:
        errors["team"] = "该服务队已撤销"
    else:
        return None, team
    return None, None


def _apply(household: Household, data: HouseholdData, *, actor: User) -> str:
    """Set the input on `household`, check every field at once; return the normalised phone."""
    errors: dict[str, str] = {}
    org = OrgNode.objects.filter(pk=data.org_id).first() if data.org_id else None
    if org is None:
        errors["org"] = "请选择所在村社区"
    elif org.kind not in HOUSEHOLD_ORG_KINDS:
        errors["org"] = "联系户应登记在村社区（或网格）"
    elif not can_edit_household(actor, org):
        errors["org"] = "所选村社区不在您的管理范围内"
    volunteer, team = _liaison(data, actor=actor, org=org, errors=errors)
    household.head_name = (data.head_name or "").strip()
    household.address = (data.address or "").strip()
    household.notes = (data.notes or "").strip()
    household.volunteer, household.team = volunteer, team
    found = model_errors(household, exclude=["phone_encrypted", "phone_hash", "phone_masked"])
    if "liaison" in errors or "volunteer" in errors or "team" in errors:
        found.pop("liaison", None)  # already said, more precisely
    errors.update(found)
    phone = normalize_phone(data.phone)
    if phone and (message := phone_error(phone)) is not None:
        errors["phone"] = message
    if errors or org is None:
        raise ValidationFailed(errors)
    household.org = org
    return phone


def _set_phone(household: Household, phone: str) -> None:
    household.phone_encrypted = encrypt(phone) if phone else ""
    household.phone_hash = blind_index(phone) if phone else ""
    household.phone_masked = mask_phone(phone) if phone else ""


def _audit_values(household: Household) -> dict[str, Any]:
    return {
        "org": household.org_id,
        "head_name": household.head_name,
        "address": household.address,
        "phone": household.phone_masked,
        "volunteer": household.volunteer_id,
        "team": household.team_id,
    }


@transaction.atomic
def household_create(*, actor: User, data: HouseholdData) -> Household:
    """Register a household at a village/community the actor administers, with its volunteer or team;
    the phone is stored encrypted with a masked copy. Raises ValidationFailed naming each field."""
    household = Household(created_by=actor)
    phone = _apply(household, data, actor=actor)
    _set_phone(household, phone)
    household.save()
    audit_record(actor=actor, action="create", target=household, org=household.org, after=_audit_values(household))
    return household


@transaction.atomic
def household_update(*, actor: User, household: Household, data: HouseholdData) -> Household:
    """Change a household or hand it to another volunteer or team (administrators over the old node and
    the new); audited before and after. Raises PermissionDenied or ValidationFailed."""
    household = Household.objects.select_for_update(of=("self",)).select_related("org").get(pk=household.pk)
    if not can_edit_household(actor, household.org):
        raise PermissionDenied("您无权修改该联系户")
    before = _audit_values(household)
    phone = _apply(household, data, actor=actor)
    if phone != household.phone:
        _set_phone(household, phone)
    household.save()
    after = _audit_values(household)
    if after != before:
        changed = [k for k in after if after[k] != before[k]]
        audit_record(
            actor=actor,
            action="update",
            target=household,
            org=household.org,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return household


@transaction.atomic
def household_phone_reveal(*, actor: User, household: Household) -> str:
    """The full phone for administrators over the household and its volunteer or team; audited."""
    if not can_log_contact(actor, household):
        raise PermissionDenied("您无权查看该联系电话")
    audit_record(actor=actor, action="view_sensitive", target=household, org=household.org, reason="联系电话")
    return household.phone


def _clean_contact(data: ContactData, today: datetime.date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.contacted_on is None:
        errors["contacted_on"] = "请填写联系日期"
    elif data.contacted_on > today:
        errors["contacted_on"] = "联系日期不能晚于今天"
    elif data.contacted_on < today - datetime.timedelta(days=BACKDATE_DAYS):
        errors["contacted_on"] = f"只能补记{BACKDATE_DAYS}天内的联系"
    if data.way not in ContactWay.values:
        errors["way"] = "请选择联系方式：上门、电话或微信群"
    content = (data.content or "").strip()
    if not content:
        errors["content"] = "请填写联系内容"
    elif len(content) > CONTENT_LIMIT:
        errors["content"] = f"联系内容不能超过{CONTENT_LIMIT}字"
    return errors


@transaction.atomic
def contact_log(*, actor: User, household: Household, data: ContactData) -> HouseholdContact:
    """Append a contact to the household's log (its volunteer, its team's leader or liaison, or an admin
    over it) and move its last contact date forward. Raises PermissionDenied or ValidationFailed."""
    if not can_log_contact(actor, household):
        raise PermissionDenied("您不是该户的联户志愿者，不能记录联系")
    errors = _clean_contact(data, timezone.localdate())
    contacted_on = data.contacted_on
    if errors or contacted_on is None:
        raise ValidationFailed(errors)
    household = Household.objects.select_for_update(of=("self",)).select_related("org").get(pk=household.pk)
    contact = HouseholdContact.objects.create(
        household=household,
        contacted_on=contacted_on,
        way=data.way,
        content=data.content.strip(),
        follow_up=data.follow_up,
        logged_by=actor,
    )
    if household.last_contact_on is None or household.last_contact_on < contacted_on:
        household.last_contact_on = contacted_on
        household.save(update_fields=["last_contact_on", "updated_at"])
    audit_record(
        actor=actor,
        action="create",
        target=contact,
        org=household.org,
        after={"household": household.pk, "contacted_on": contacted_on.isoformat(), "way": data.way},
    )
    return contact
