"""Star-level thresholds per org node (inherited down the tree)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from redvest.accounts.policy import can_administer
from redvest.audit.services import audit_record
from redvest.core.errors import PermissionDenied
from redvest.records.errors import InvalidThresholds
from redvest.records.models import StarLevelConfig

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.orgs.models import OrgNode

MAX_THRESHOLD_HOURS = 100_000


@transaction.atomic
def star_levels_set(*, actor: User, org: OrgNode, thresholds_hours: list[int]) -> StarLevelConfig:
    """Set 1–5 star thresholds (credit hours) for an org node and its subtree. Raises PermissionDenied,
    InvalidThresholds."""
    if not can_administer(actor, org):
        raise PermissionDenied("只有该组织的管理员可以设置星级标准")
    values = list(thresholds_hours)
    valid = (
        len(values) == 5
        and all(isinstance(v, int) and not isinstance(v, bool) and 0 < v <= MAX_THRESHOLD_HOURS for v in values)
        and all(a < b for a, b in zip(values, values[1:], strict=False))
    )
    if not valid:
        raise InvalidThresholds(field="thresholds_hours")
    config = StarLevelConfig.objects.select_for_update(of=("self",)).filter(org=org).first()
    before = list(config.thresholds_hours) if config else None
    if config is None:
        config = StarLevelConfig.objects.create(org=org, thresholds_hours=values)
    else:
        config.thresholds_hours = values
        config.save(update_fields=["thresholds_hours"])
    audit_record(
        actor=actor,
        action="create" if before is None else "update",
        target=config,
        org=org,
        before={"thresholds_hours": before} if before is not None else None,
        after={"thresholds_hours": values},
    )
    return config


@transaction.atomic
def star_levels_clear(*, actor: User, org: OrgNode) -> None:
    """Drop the node's own thresholds so it inherits from above again. Raises PermissionDenied."""
    if not can_administer(actor, org):
        raise PermissionDenied("只有该组织的管理员可以设置星级标准")
    config = StarLevelConfig.objects.select_for_update(of=("self",)).filter(org=org).first()
    if config is None:
        return
    audit_record(
        actor=actor, action="delete", target=config, org=org, before={"thresholds_hours": config.thresholds_hours}
    )
    config.delete()
