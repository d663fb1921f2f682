"""Intake: a call, a walk-in, a web form, an Open311 client or a menu-order line becomes a request."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from redvest.accounts.models import Role
from redvest.accounts.policy import grants_for
from redvest.audit.services import audit_record
from redvest.core.crypto import blind_index, encrypt, mask_phone
from redvest.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from redvest.core.validators import normalize_phone, phone_error
from redvest.demand import geo
from redvest.demand.access import can_view_resident_phone, dispatch_area_paths, may_take_requests
from redvest.demand.conf import ORDER_RESOLUTION_GRACE
from redvest.demand.errors import IdempotencyConflict, LocationRequired, UnknownServiceItem
from redvest.demand.models import (
    AttributeType,
    ErrandDocument,
    ErrandStep,
    EventKind,
    MenuOrder,
    RequestChannel,
    RequestCounter,
    Resident,
    ServiceItem,
    ServiceRequest,
    Urgency,
)
from redvest.demand.services._common import clean_text, dispatchers_for, event_add, notify, request_url
from redvest.demand.services.dispatch import auto_dispatch_quietly
from redvest.demand.tasks import schedule_sla_checks
from redvest.orgs.models import OrgNode, Station

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.demand.models import Open311Client

MAX_DESCRIPTION = 4000  # Open311: free-form text limited to 4,000 characters


@dataclass
class RequestData:
    """What the caller, the keeper, the resident or the client told us. Parsed, not yet validated."""

    item_code: str
    description: str = ""
    urgency: int = Urgency.NORMAL
    address: str = ""
    address_id: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    area_id: int | None = None
    caller_name: str = ""
    caller_phone: str = ""
    attributes: dict[str, Any] = field(default_factory=dict)
    idempotency_key: str = ""
    media_url: str = ""
    reporter: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Intake:
    request: ServiceRequest
    created: bool


def item_for_code(code: str) -> ServiceItem:
    item = ServiceItem.objects.filter(code=(code or "").strip(), is_active=True).first()
    if item is None:
        raise UnknownServiceItem(f"服务项目编码「{code}」不存在或已停用", field="item")
    return item


def _coordinates(data: RequestData) -> geo.Point | None:
    if data.latitude is None and data.longitude is None:
        return None
    if data.latitude is None or data.longitude is None:
        raise LocationRequired("经度和纬度须同时填写", field="latitude")
    if not (Decimal(-90) <= data.latitude <= Decimal(90)):
        raise ValidationFailed({"latitude": "纬度应在 -90 到 90 之间"})
    if not (Decimal(-180) <= data.longitude <= Decimal(180)):
        raise ValidationFailed({"longitude": "经度应在 -180 到 180 之间"})
    return (float(data.latitude), float(data.longitude))


def _attribute_value(attr: Any, raw: Any) -> Any:
    """One answer checked against its Open311 datatype; raises DomainError naming the attribute."""
    label = attr.description
    values = raw if isinstance(raw, list) else [raw]
    values = [str(v).strip() for v in values if str(v).strip()]
    if attr.datatype == AttributeType.MULTI:
        unknown = [v for v in values if v not in attr.value_keys]
        if unknown:
            raise DomainError(f"「{label}」的选项无效：{'、'.join(unknown)}")
        return values
    value = values[0] if values else ""
    if attr.datatype == AttributeType.SINGLE and value not in attr.value_keys:
        raise DomainError(f"「{label}」的选项无效：{value}")
    if attr.datatype == AttributeType.NUMBER:
        try:
            Decimal(value)
        except InvalidOperation:
            raise DomainError(f"「{label}」应填写数字") from None
    if attr.datatype == AttributeType.DATETIME:
        parsed = parse_datetime(value)
        if parsed is None:
            raise DomainError(f"「{label}」应为日期时间，如 2026-03-01T09:00:00+08:00")
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        return parsed.isoformat()
    limit = 2000 if attr.datatype == AttributeType.TEXT else 200
    if len(value) > limit:
        raise DomainError(f"「{label}」不能超过{limit}字")
    return value


def attributes_clean(item: ServiceItem, raw: dict[str, Any]) -> dict[str, Any]:
    """The item's extra questions: required ones answered, list answers among the options. Unknown
    codes are ignored (Open311 clients may send more than an item asks)."""
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for attr in item.attributes.all():
        raw_value = raw.get(attr.code)
        empty = raw_value is None or raw_value == "" or raw_value == []
        if empty:
            if attr.required and attr.variable:
                errors[f"attribute[{attr.code}]"] = f"请填写「{attr.description}」"
            continue
        try:
            cleaned[attr.code] = _attribute_value(attr, raw_value)
        except DomainError as exc:
            errors[f"attribute[{attr.code}]"] = exc.message
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def _idempotency_hash(key: str, *, actor: User | None, client: Open311Client | None) -> str | None:
    key = (key or "").strip()
    if not key:
        return None
    owner = f"c{client.pk}" if client is not None else f"u{getattr(actor, 'pk', None)}"
    return hashlib.sha256(f"{owner}:{key}".encode()).hexdigest()


def _next_number(now: datetime.datetime) -> str:
    day = timezone.localdate(now)
    counter, _created = RequestCounter.objects.select_for_update(of=("self",)).get_or_create(day=day)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{day:%Y%m%d}{counter.last:04d}"


def resident_upsert(
    *,
    actor: User | None,
    name: str,
    phone: str,
    address: str = "",
    point: geo.Point | None = None,
    area: OrgNode | None = None,
) -> Resident | None:
    """Find the caller by phone (keyed hash) or register them; fill in what we did not know. Audited."""
    phone = normalize_phone(phone)
    if not phone:
        return None
    if (message := phone_error(phone)) is not None:
        raise ValidationFailed({"caller_phone": message})
    name = clean_text(name, field="caller_name", label="姓名", max_length=50, required=False)
    resident = Resident.objects.select_for_update(of=("self",)).filter(phone_hash=blind_index(phone)).first()
    if resident is None:
        resident = Resident.objects.create(
            name=name,
            phone_encrypted=encrypt(phone),
            phone_hash=blind_index(phone),
            phone_masked=mask_phone(phone),
            address=address[:200],
            latitude=Decimal(f"{point[0]:.6f}") if point else None,
            longitude=Decimal(f"{point[1]:.6f}") if point else None,
            area=area,
        )
        audit_record(
            actor=actor,
            action="create",
            target=resident,
            org=area,
            after={"name": name, "area": getattr(area, "pk", None)},
        )
        return resident
    before = {"name": resident.name, "address": resident.address, "area": resident.area_id}
    if name:
        resident.name = name
    if address:
        resident.address = address[:200]
    if point:
        resident.latitude, resident.longitude = Decimal(f"{point[0]:.6f}"), Decimal(f"{point[1]:.6f}")
    if area is not None:
        resident.area = area
    after = {"name": resident.name, "address": resident.address, "area": resident.area_id}
    if after != before:
        resident.save()
        audit_record(actor=actor, action="update", target=resident, org=resident.area, before=before, after=after)
    return resident


def _area(
    *,
    data: RequestData,
    channel: str,
    actor: User | None,
    point: geo.Point | None,
    station: Station | None,
    client: Open311Client | None,
) -> OrgNode:
    """The node the request hangs off: chosen, else near its coordinates, else where it was registered."""
    limits = (
        [client.org.path]
        if client is not None
        else (dispatch_area_paths(actor) if channel != RequestChannel.WEB else None)
    )
    if data.area_id is not None:
        area = OrgNode.objects.filter(pk=data.area_id).first()
        if area is None:
            raise NotFound("所选区域不存在", field="area")
        if limits is not None and not any(area.path.startswith(p) for p in limits):
            raise PermissionDenied("所选区域不在您的受理范围内", field="area")
        return area
    if point is not None:
        under = limits[0] if limits else ""
        nearest = geo.nearest_station(point, under=under)
        if nearest is not None:
            return nearest.node
    if station is not None:
        return station.node
    if client is not None:
        return client.org
    if limits:
        root = OrgNode.objects.filter(path=limits[0]).first()
        if root is not None:
            return root
    raise ValidationFailed({"area": "请选择诉求所在的村社区"})


def _due_times(
    *, item: ServiceItem, now: datetime.datetime, order: MenuOrder | None
) -> tuple[datetime.datetime, datetime.datetime]:
    if order is not None:
        arrival = max(order.scheduled_start, now)
        return arrival, max(order.scheduled_end + ORDER_RESOLUTION_GRACE, arrival)
    arrival = now + datetime.timedelta(minutes=item.arrival_minutes)
    return arrival, max(now + datetime.timedelta(minutes=item.resolution_minutes), arrival)


@transaction.atomic
def request_create(
    *,
    actor: User | None,
    channel: str,
    data: RequestData,
    now: datetime.datetime,
    station: Station | None = None,
    client: Open311Client | None = None,
    order: MenuOrder | None = None,
) -> Intake:
    """Register a request: validate everything first (unknown item, missing location, bad attribute,
    area outside the actor's reach), then number it, set its absolute due times, copy an errand's
    checklist and steps, and dispatch by rule when the item says so. The same idempotency key from the
    same submitter returns the first request instead of a second one."""
    if channel not in RequestChannel.values or (channel == RequestChannel.OPEN311) != (client is not None):
        raise ValidationFailed({"channel": "受理渠道无效"})
    if (channel == RequestChannel.MENU) != (order is not None):
        raise ValidationFailed({"channel": "点菜订单请通过点菜下单提交"})
    if order is None and client is None and not may_take_requests(actor, channel):
        raise PermissionDenied("您无权通过该渠道登记诉求")
    key_hash = _idempotency_hash(data.idempotency_key, actor=actor, client=client)
    if key_hash is not None and (earlier := ServiceRequest.objects.filter(idempotency_key=key_hash).first()):
        if earlier.channel != channel:
            raise IdempotencyConflict()
        return Intake(request=earlier, created=False)
    item = item_for_code(data.item_code)
    description = clean_text(
        data.description,
        field="description",
        label="诉求内容",
        max_length=MAX_DESCRIPTION,
        required=channel in {RequestChannel.HOTLINE, RequestChannel.WALK_IN, RequestChannel.WEB},
    )
    point = _coordinates(data)
    address = clean_text(data.address, field="address", label="服务地址", max_length=200, required=False)
    if point is None and not address and not data.address_id.strip() and order is None:
        raise LocationRequired(field="address")
    if data.urgency not in Urgency.values:
        raise ValidationFailed({"urgency": "请选择紧急程度"})
    attributes = attributes_clean(item, data.attributes)
    if channel in {RequestChannel.HOTLINE, RequestChannel.WALK_IN} and not data.caller_phone.strip():
        raise ValidationFailed({"caller_phone": "请填写来电/来访人手机号"})
    signed_in = actor is not None and actor.is_authenticated
    if channel == RequestChannel.WEB and not signed_in and not data.caller_phone.strip():
        raise ValidationFailed({"caller_phone": "请填写手机号，志愿者凭它联系您"})
    area = (
        order.community
        if order is not None
        else _area(data=data, channel=channel, actor=actor, point=point, station=station, client=client)
    )
    resident = _resident_for(actor=actor, channel=channel, data=data, address=address, point=point, area=area)
    arrival_due, resolution_due = _due_times(item=item, now=now, order=order)
    request = ServiceRequest(
        number=_next_number(now),
        token=secrets.token_hex(12),
        idempotency_key=key_hash,
        channel=channel,
        item=item,
        category=item.category,
        is_errand=item.is_errand,
        order=order,
        resident=resident,
        submitted_by=actor if channel in {RequestChannel.WEB, RequestChannel.MENU} else None,
        intake_org=_intake_org(channel=channel, actor=actor, station=station, client=client, area=area),
        intake_station=station,
        area=area,
        description=description,
        address=address or (order.place if order is not None else ""),
        address_id=data.address_id.strip()[:64],
        latitude=Decimal(f"{point[0]:.6f}") if point else (order.latitude if order else None),
        longitude=Decimal(f"{point[1]:.6f}") if point else (order.longitude if order else None),
        urgency=data.urgency,
        attributes=attributes,
        reporter={k: str(v)[:200] for k, v in data.reporter.items() if v},
        media_url=data.media_url.strip()[:500],
        scheduled_start=order.scheduled_start if order else None,
        scheduled_end=order.scheduled_end if order else None,
        created_by=actor if actor is not None and actor.is_authenticated else None,
        created_at=now,
        updated_at=now,
        arrival_due_at=arrival_due,
        resolution_due_at=resolution_due,
    )
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError:
        # A concurrent submission with the same key won the race: answer with its request.
        if key_hash is not None and (earlier := ServiceRequest.objects.filter(idempotency_key=key_hash).first()):
            return Intake(request=earlier, created=False)
        raise
    _errand_checklist(request=request, item=item)
    event_add(
        request=request, kind=EventKind.CREATED, at=now, actor=actor, message=f"{request.get_channel_display()}受理"
    )
    audit_record(
        actor=actor,
        action="create",
        target=request,
        org=area,
        after={"number": request.number, "item": item.code, "channel": channel, "area": area.pk},
    )
    _after_intake(request=request, actor=actor, now=now)
    return Intake(request=request, created=True)


@transaction.atomic
def resident_link_user(*, user: User, phone: str, new_account: bool = False) -> Resident | None:
    """The person proved this phone with a one-time code (sign-up, password reset): the resident the hotline
    knows by it becomes theirs, so what they asked before (hotline, help form) shows in 我的求助; a new
    account unknown to the hotline becomes a resident, so that later calls from the phone show there too.
    The proof outranks a link made without one; an account holds one resident. Audited."""
    resident = (
        Resident.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(phone_hash=blind_index(phone))
        .first()
    )
    if resident is None and new_account:
        resident = resident_upsert(actor=user, name=user.display_name, phone=phone)
    if resident is None or resident.user_id == user.pk:
        return resident
    for earlier in Resident.objects.select_for_update(of=("self",)).filter(user=user).exclude(pk=resident.pk):
        earlier.user = None
        earlier.save(update_fields=["user"])
        audit_record(
            actor=user,
            action="update",
            target=earlier,
            org=earlier.area,
            before={"user": str(user)},
            after={"user": ""},
        )
    before = {"user": str(resident.user) if resident.user_id else ""}
    resident.user = user
    resident.save(update_fields=["user"])
    audit_record(
        actor=user,
        action="update",
        target=resident,
        org=resident.area,
        before=before,
        after={"user": str(user)},
        reason="本人用手机验证码证明了手机号，此前的求助归入其账号",
    )
    return resident


@transaction.atomic
def resident_phone_reveal(*, actor: User, request: ServiceRequest) -> str:
    """The resident's full phone for whoever must call them (the policy says who); audited as a sensitive view."""
    if request.resident is None:
        return ""
    if not can_view_resident_phone(actor, request):
        raise PermissionDenied("您无权查看该联系电话")
    audit_record(
        actor=actor, action="view_sensitive", target=request.resident, org=request.area, reason=f"工单{request.number}"
    )
    return request.resident.phone


def _resident_for(
    *, actor: User | None, channel: str, data: RequestData, address: str, point: geo.Point | None, area: OrgNode
) -> Resident | None:
    if channel == RequestChannel.WEB and actor is not None:
        resident = Resident.objects.filter(user=actor).first()
        phone = data.caller_phone or getattr(actor, "phone", "")
        if resident is None and phone:
            resident = resident_upsert(
                actor=actor,
                name=data.caller_name or actor.display_name,
                phone=phone,
                address=address,
                point=point,
                area=area,
            )
            # Only the account's own number joins the caller to the account: a number typed for someone else
            # would otherwise show that person's requests in 我的求助.
            if resident is not None and resident.user_id is None and normalize_phone(phone) == actor.phone:
                resident.user = actor
                resident.save(update_fields=["user"])
        return resident
    return resident_upsert(
        actor=actor, name=data.caller_name, phone=data.caller_phone, address=address, point=point, area=area
    )


def _intake_org(
    *, channel: str, actor: User | None, station: Station | None, client: Open311Client | None, area: OrgNode
) -> OrgNode | None:
    if station is not None:
        return station.node
    if client is not None:
        return client.org
    if channel == RequestChannel.HOTLINE:
        hotline = next((g for g in grants_for(actor) if g.role == Role.DISPATCHER), None)
        if hotline is not None:
            return OrgNode.objects.filter(pk=hotline.org_id).first()
    return area if channel != RequestChannel.WEB else None


def _errand_checklist(*, request: ServiceRequest, item: ServiceItem) -> None:
    if not item.is_errand:
        return
    ErrandDocument.objects.bulk_create(
        [ErrandDocument(request=request, name=name, order=i) for i, name in enumerate(item.errand_documents, start=1)]
    )
    ErrandStep.objects.bulk_create(
        [ErrandStep(request=request, name=name, order=i) for i, name in enumerate(item.errand_steps, start=1)]
    )


def _after_intake(*, request: ServiceRequest, actor: User | None, now: datetime.datetime) -> None:
    """Watch the clock, dispatch by rule when the item says so, tell the dispatchers about what did not
    come in through their own console."""
    schedule_sla_checks(request)
    dispatched = request.item.auto_dispatch and auto_dispatch_quietly(request=request, now=now)
    if request.channel != RequestChannel.HOTLINE and not dispatched:
        notify(
            users=dispatchers_for(request),
            title=f"新诉求待派单：{request.item.name}",
            body=f"工单{request.number}（{request.get_channel_display()}）{request.description[:60]}",
            url=request_url(request),
        )
