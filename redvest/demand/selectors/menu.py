"""Reads over the service menu (everyone signed in may read it)."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from redvest.demand.errors import UnknownServiceItem
from redvest.demand.models import DemandCategory, ServiceAttribute, ServiceItem


def menu_items(*, category: str = "", q: str = "", active_only: bool = True) -> QuerySet[ServiceItem]:
    qs = ServiceItem.objects.prefetch_related(
        Prefetch("attributes", queryset=ServiceAttribute.objects.order_by("order"))
    )
    if active_only:
        qs = qs.filter(is_active=True)
    if category:
        qs = qs.filter(category=category)
    if q:
        q = q.strip()
        qs = qs.filter(
            Q(code__iexact=q) | Q(name__icontains=q) | Q(keywords__icontains=q) | Q(description__icontains=q)
        )
    return qs.order_by("category", "sort_order", "code")


def menu_grouped() -> list[tuple[str, list[ServiceItem]]]:
    """Active items under their category, in menu order (the console's item picker): one query."""
    groups: dict[str, list[ServiceItem]] = {value: [] for value in DemandCategory.values}
    for item in ServiceItem.objects.filter(is_active=True).order_by("category", "sort_order", "code"):
        groups[item.category].append(item)
    labels = dict(DemandCategory.choices)
    return [(labels[value], items) for value, items in groups.items() if items]


def item_get(*, code: str, active_only: bool = True) -> ServiceItem:
    item = menu_items(active_only=active_only).filter(code=code).first()
    if item is None:
        raise UnknownServiceItem(f"服务项目编码「{code}」不存在或已停用")
    return item


def help_items(*, category: str, q: str = "") -> QuerySet[ServiceItem]:
    """The items a resident may pick on the help form, by category and words (names, keywords and
    descriptions; never by internal code)."""
    qs = ServiceItem.objects.filter(is_active=True, is_errand=False)
    if category:
        qs = qs.filter(category=category)
    words = [w for w in (q or "").replace("\x00", "").split() if w][:5]
    for word in words:
        qs = qs.filter(Q(name__icontains=word) | Q(keywords__icontains=word) | Q(description__icontains=word))
    return qs.order_by("category", "sort_order", "code")


def help_item_get(*, item_id: int) -> ServiceItem:
    item = ServiceItem.objects.filter(pk=item_id, is_active=True).first() if 0 < item_id < 2**31 else None
    if item is None:
        raise UnknownServiceItem("该服务项目不存在或已停用", field="item")
    return item
