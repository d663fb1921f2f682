"""Writes for the service menu: loading the standard catalogue."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from redvest.core.errors import ValidationFailed
from redvest.demand.menu_data import CATEGORY_RECORD, MENU, Item
from redvest.demand.models import ServiceAttribute, ServiceItem
from redvest.demand.models.menu import requirement_conflict


@dataclass(frozen=True)
class MenuLoad:
    created: int
    updated: int

    @property
    def total(self) -> int:
        return self.created + self.updated


def _fields(row: Item, order: int) -> dict[str, object]:
    return {
        "name": row.name,
        "category": row.category,
        "description": row.description,
        "keywords": row.keywords,
        "required_skills": list(row.skills),
        "team_specialty": row.specialty,
        "handling_level": row.level,
        "assignee_kind": row.assignee,
        "arrival_minutes": row.arrival,
        "resolution_minutes": row.resolution_hours * 60,
        "record_category": row.record_category or CATEGORY_RECORD[row.category],
        "is_errand": row.is_errand,
        "errand_documents": list(row.documents),
        "errand_steps": list(row.steps),
        "auto_dispatch": row.auto_dispatch,
        "sort_order": order,
    }


@transaction.atomic
def service_menu_load(*, items: tuple[Item, ...] = MENU) -> MenuLoad:
    """Create or refresh the standard items by code (idempotent); items added by admins stay untouched,
    and an item an admin switched off stays off. Raises ValidationFailed when a row's required skills and
    team specialty disagree (the recommendation would look for two different kinds of help)."""
    conflicts = {
        row.code: f"{row.code} {row.name}：{msg}"
        for row in items
        if (msg := requirement_conflict(row.skills, row.specialty))
    }
    if conflicts:
        raise ValidationFailed(conflicts)
    created = updated = 0
    existing = {i.code: i for i in ServiceItem.objects.filter(code__in=[r.code for r in items])}
    for order, row in enumerate(items, start=1):
        fields = _fields(row, order)
        item = existing.get(row.code)
        if item is None:
            item = ServiceItem.objects.create(code=row.code, **fields)
            created += 1
        else:
            for name, value in fields.items():
                setattr(item, name, value)
            item.save()
            updated += 1
        wanted = {a.code for a in row.attributes}
        item.attributes.exclude(code__in=wanted).delete()
        for position, attr in enumerate(row.attributes, start=1):
            ServiceAttribute.objects.update_or_create(
                item=item,
                code=attr.code,
                defaults={
                    "description": attr.description,
                    "datatype": attr.datatype,
                    "datatype_description": attr.datatype_description,
                    "required": attr.required,
                    "order": position,
                    "values": attr.values,
                },
            )
    return MenuLoad(created=created, updated=updated)
