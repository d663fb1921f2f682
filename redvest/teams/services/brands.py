"""Brand projects (品牌项目): a named service owned by a unit and run by teams."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.db import IntegrityError, transaction

from redvest.accounts.policy import can_manage_under, require, scope
from redvest.audit.services import audit_record, diff, snapshot
from redvest.core.errors import Conflict, PermissionDenied
from redvest.orgs.models import OrgNode
from redvest.teams.models import BrandProject, Team
from redvest.teams.selectors import by_id
from redvest.teams.services._common import FieldErrors, as_pk, clean_text

if TYPE_CHECKING:
    from redvest.accounts.models import User

BRAND_FIELDS = ["name", "owner", "description"]


@dataclass(frozen=True)
class BrandData:
    name: str
    owner_id: Any
    description: str = ""
    team_ids: list[Any] = field(default_factory=list)

    @classmethod
    def of(cls, brand: BrandProject) -> BrandData:
        return cls(
            name=brand.name,
            owner_id=brand.owner_id,
            description=brand.description,
            team_ids=[t.pk for t in brand.teams.all()],
        )


def _clean_brand(*, actor: User, data: BrandData, brand: BrandProject | None) -> tuple[str, str, OrgNode, list[Team]]:
    """Every field checked and named. Teams must be active and changeable by the actor, except teams
    already in the brand, which may stay."""
    errors = FieldErrors()
    name = clean_text(data.name, field="name", label="品牌名称", max_length=100, errors=errors, required=True)
    description = clean_text(data.description, field="description", label="简介", max_length=5000, errors=errors)
    owner = by_id(OrgNode.objects.all(), data.owner_id)
    if owner is None:
        errors.add("owner", "请选择所属单位")
    elif (brand is None or brand.owner_id != owner.pk) and not can_manage_under(actor, owner):
        raise PermissionDenied("您无权在该组织下管理品牌项目", field="owner")
    ids = {as_pk(v) for v in data.team_ids}
    kept = set(brand.teams.values_list("pk", flat=True)) if brand is not None else set()
    teams = list(scope(actor, "team", Team.objects.filter(pk__in=ids - kept, is_active=True), "change"))
    teams += list(Team.objects.filter(pk__in=ids & kept))
    if len(teams) != len(ids) or 0 in ids:
        errors.add("teams", "参与队伍须为您可管理的有效服务队")
    if owner is not None and "name" not in errors:
        clash = BrandProject.objects.filter(owner=owner, name=name)
        if brand is not None:
            clash = clash.exclude(pk=brand.pk)
        if clash.exists():
            errors.add("name", "该单位已有同名品牌项目")
    errors.raise_if_any()
    return name, description, cast(OrgNode, owner), teams  # raise_if_any() has raised without an owner


def _save(brand: BrandProject) -> None:
    try:
        with transaction.atomic():
            brand.save()
    except IntegrityError as exc:
        raise Conflict("该单位已有同名品牌项目", field="name") from exc


@transaction.atomic
def brand_create(*, actor: User, data: BrandData) -> BrandProject:
    """A brand owned by a unit the actor may manage. Raises ValidationFailed, PermissionDenied."""
    name, description, owner, teams = _clean_brand(actor=actor, data=data, brand=None)
    brand = BrandProject(name=name, description=description, owner=owner)
    _save(brand)
    brand.teams.set(teams)
    audit_record(
        actor=actor,
        action="create",
        target=brand,
        org=owner,
        after={**snapshot(brand, BRAND_FIELDS), "team_ids": sorted(t.pk for t in teams)},
    )
    return brand


@transaction.atomic
def brand_update(*, actor: User, brand: BrandProject, data: BrandData) -> BrandProject:
    """Change a brand's name, owner, description or teams. Raises ValidationFailed, PermissionDenied."""
    brand = BrandProject.objects.select_for_update(of=("self",)).select_related("owner").get(pk=brand.pk)
    require(actor, "change", brand)
    name, description, owner, teams = _clean_brand(actor=actor, data=data, brand=brand)
    before = {**snapshot(brand, BRAND_FIELDS), "team_ids": sorted(brand.teams.values_list("pk", flat=True))}
    brand.name, brand.description, brand.owner = name, description, owner
    _save(brand)
    brand.teams.set(teams)
    old, new = diff(before, {**snapshot(brand, BRAND_FIELDS), "team_ids": sorted(t.pk for t in teams)})
    if new:
        audit_record(actor=actor, action="update", target=brand, org=brand.owner, before=old, after=new)
    return brand
