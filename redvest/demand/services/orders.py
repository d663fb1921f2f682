"""点菜 orders (a community orders from the menu for a date and place) and 红色代办 progress."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction

from redvest.audit.services import audit_record
from redvest.core.crypto import encrypt, mask_phone
from redvest.core.errors import NotFound, PermissionDenied, ValidationFailed
from redvest.core.validators import normalize_phone, phone_error
from redvest.demand.access import can_dispatch_to, can_handle_request, may_take_requests
from redvest.demand.errors import RequestNotOpen
from redvest.demand.models import (
    OPEN_STATUSES,
    Dispatch,
    ErrandDocument,
    ErrandStep,
    EventKind,
    MenuOrder,
    RequestChannel,
    ServiceRequest,
)
from redvest.demand.services._common import clean_text, event_add, order_refresh
from redvest.demand.services.dispatch import Target, dispatch_create, request_cancel
from redvest.demand.services.intake import RequestData, item_for_code, request_create
from redvest.orgs.models import OrgNode

if TYPE_CHECKING:
    from redvest.accounts.models import User

MAX_LINES = 20


@dataclass
class OrderLine:
    item_code: str
    note: str = ""


@dataclass
class OrderData:
    title: str
    community_id: int
    place: str
    scheduled_start: datetime.datetime
    scheduled_end: datetime.datetime
    contact_name: str
    contact_phone: str
    lines: list[OrderLine] = field(default_factory=list)
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    note: str = ""


def _validate(data: OrderData, now: datetime.datetime) -> None:
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = "请填写订单名称"
    if not data.place.strip():
        errors["place"] = "请填写服务地点"
    if data.scheduled_end <= data.scheduled_start:
        errors["scheduled_end"] = "结束时间必须晚于开始时间"
    if data.scheduled_start <= now:
        errors["scheduled_start"] = "服务时间须晚于当前时间"
    if not data.contact_name.strip():
        errors["contact_name"] = "请填写联系人"
    if (message := phone_error(data.contact_phone)) is not None:
        errors["contact_phone"] = message
    if not data.lines:
        errors["lines"] = "请从菜单中至少选择一项服务"
    elif len(data.lines) > MAX_LINES:
        errors["lines"] = f"一个订单最多{MAX_LINES}项服务"
    elif len({line.item_code for line in data.lines}) != len(data.lines):
        errors["lines"] = "同一服务项目只需选择一次"
    if (data.latitude is None) != (data.longitude is None):
        errors["latitude"] = "经度和纬度须同时填写"
    if errors:
        raise ValidationFailed(errors)


@transaction.atomic
def order_create(*, actor: User, data: OrderData, now: datetime.datetime) -> MenuOrder:
    """点菜下单: one request per picked item, all at the order's place and time (each line is one part of
    the 组团 service). Raises PermissionDenied, ValidationFailed, UnknownServiceItem."""
    community = OrgNode.objects.filter(pk=data.community_id).first()
    if community is None:
        raise NotFound("下单社区不存在", field="community")
    if not may_take_requests(actor, RequestChannel.MENU) or not can_dispatch_to(actor, community):
        raise PermissionDenied("您无权为该社区点菜下单", field="community")
    _validate(data, now)
    for line in data.lines:
        item_for_code(line.item_code)
    phone = normalize_phone(data.contact_phone)
    order = MenuOrder.objects.create(
        title=data.title.strip()[:100],
        community=community,
        place=data.place.strip()[:200],
        latitude=data.latitude,
        longitude=data.longitude,
        scheduled_start=data.scheduled_start,
        scheduled_end=data.scheduled_end,
        contact_name=data.contact_name.strip()[:50],
        contact_phone_encrypted=encrypt(phone),
        contact_phone_masked=mask_phone(phone),
        note=clean_text(data.note, field="note", label="说明", max_length=2000, required=False),
        created_by=actor,
    )
    for line in data.lines:
        request_create(
            actor=actor,
            channel=RequestChannel.MENU,
            data=RequestData(
                item_code=line.item_code,
                description=clean_text(line.note, field="lines", label="需求说明", max_length=500, required=False)
                or order.title,
                caller_name=order.contact_name,
                caller_phone=phone,
            ),
            now=now,
            order=order,
        )
    audit_record(
        actor=actor,
        action="create",
        target=order,
        org=community,
        after={"title": order.title, "items": [line.item_code for line in data.lines]},
    )
    return order


@transaction.atomic
def order_dispatch(
    *, actor: User, order: MenuOrder, assignments: dict[int, list[Target]], now: datetime.datetime
) -> list[Dispatch]:
    """组团派单: each line of the order to its own team(s), all in one go (any failure writes nothing)."""
    lines = {r.pk: r for r in order.requests.all()}
    unknown = [pk for pk in assignments if pk not in lines]
    if unknown:
        raise ValidationFailed({"assignments": "派单中包含不属于该订单的服务项"})
    if not any(assignments.values()):
        raise ValidationFailed({"assignments": "请至少为一项服务选择派单对象"})
    parts: list[Dispatch] = []
    for pk, targets in assignments.items():
        if targets:
            parts += dispatch_create(
                actor=actor, request=lines[pk], targets=targets, now=now, note=f"组团服务：{order.title}"
            )
    return parts


def _require_handler(actor: User, request: ServiceRequest) -> None:
    if not can_handle_request(actor, request):
        raise PermissionDenied("只有调度员或承办人可以更新代办进度")
    if not request.is_open:
        raise RequestNotOpen()


@transaction.atomic
def errand_document_receive(
    *, actor: User, document: ErrandDocument, received: bool, now: datetime.datetime
) -> ErrandDocument:
    """Tick (or untick) a document on the 红色代办 checklist. Raises PermissionDenied, RequestNotOpen."""
    document = (
        ErrandDocument.objects.select_for_update(of=("self",)).select_related("request__area").get(pk=document.pk)
    )
    _require_handler(actor, document.request)
    document.received_at = now if received else None
    document.received_by = actor if received else None
    document.save(update_fields=["received_at", "received_by"])
    event_add(
        request=document.request,
        kind=EventKind.ERRAND,
        at=now,
        actor=actor,
        message=f"材料「{document.name}」{'已收到' if received else '标记为未收到'}",
    )
    return document


@transaction.atomic
def errand_step_done(*, actor: User, step: ErrandStep, note: str, now: datetime.datetime) -> ErrandStep:
    """Mark the next 红色代办 step done; steps go in order. Raises PermissionDenied, RequestNotOpen,
    ValidationFailed (already done, or an earlier step still open)."""
    step = ErrandStep.objects.select_for_update(of=("self",)).select_related("request__area").get(pk=step.pk)
    _require_handler(actor, step.request)
    note = clean_text(note, field="note", label="备注", max_length=200, required=False)
    if step.done_at is not None:
        raise ValidationFailed({"step": f"「{step.name}」已完成"})
    earlier = step.request.errand_steps.filter(order__lt=step.order, done_at__isnull=True).first()
    if earlier is not None:
        raise ValidationFailed({"step": f"请先完成「{earlier.name}」"})
    step.done_at, step.done_by, step.note = now, actor, note
    step.save(update_fields=["done_at", "done_by", "note"])
    event_add(request=step.request, kind=EventKind.ERRAND, at=now, actor=actor, message=f"完成「{step.name}」{note}")
    return step


@transaction.atomic
def order_cancel(*, actor: User, order: MenuOrder, reason: str, now: datetime.datetime) -> MenuOrder:
    """Withdraw a whole order: every open line is cancelled. Raises PermissionDenied, the reason error."""
    reason = clean_text(reason, field="reason", label="撤销原因", max_length=300)
    for request in order.requests.filter(status__in=OPEN_STATUSES):
        request_cancel(actor=actor, request=request, reason=reason, now=now)
    return order_refresh(order_id=order.pk, now=now)
