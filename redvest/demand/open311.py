"""Open311 GeoReport v2 at /open311/v2/ (http://wiki.open311.org/GeoReport_v2), so existing clients work
unchanged: discovery, services, service definitions, requests (GET with filters, POST with api_key and
lat/long or address_string or address_id), requests/{id}, tokens/{token}; every one as .json and .xml;
errors as the GeoReport error list; an unknown service_code (POST, or the requests filter) is a 400.

JSON follows the spec's examples (the Spark convention: arrays for repeated elements); XML carries the
declaration and no namespace. Times are w3 (ISO 8601 with the +08:00 offset). Listings are public:
without the api_key of the request's organisation (or one above it) a request shows its category, status,
area (community, town, county names) and times only; the resident's words, street address, coordinates,
media and who handles it stay out. A client's key shows its own subtree's requests in full.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import wraps
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from django.db.models import Max, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt

from redvest.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from redvest.core.ratelimit import rate_limited
from redvest.core.text import control_character_error, strip_control_characters
from redvest.demand.models import (
    OPEN311_CLOSED,
    OPEN_STATUSES,
    Open311Client,
    RequestChannel,
    ServiceItem,
    ServiceRequest,
)
from redvest.demand.selectors.menu import menu_items
from redvest.demand.services.intake import RequestData, request_create
from redvest.demand.services.open311 import open311_client_for_key
from redvest.orgs.models import OrgNode
from redvest.orgs.selectors import ancestors_paths

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
LIST_CHILD = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}
MAX_RANGE = datetime.timedelta(days=90)
MAX_RESULTS = 1000
ATTRIBUTE_KEY = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")
# What anyone may read of a request they do not own; every other field is null.
PUBLIC_FIELDS = frozenset(
    {
        "service_request_id",
        "status",
        "status_notes",
        "service_name",
        "service_code",
        "service_notice",
        "requested_datetime",
        "updated_datetime",
        "expected_datetime",
        "address",
    }
)


class Open311Error(Exception):
    """One or more GeoReport errors with the HTTP status for the whole response."""

    def __init__(self, status: int, *descriptions: str, code: int | None = None) -> None:
        self.status = status
        self.errors = [{"code": code or status, "description": d} for d in descriptions]
        super().__init__("; ".join(descriptions))


# ---- Rendering --------------------------------------------------------------------------------


def _fill(element: Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(SubElement(element, key), child)
    elif isinstance(value, list):
        tag = LIST_CHILD[element.tag]
        for child in value:
            _fill(SubElement(element, tag), child)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        # XML 1.0 cannot hold most control characters: one in an older row would break the whole list.
        element.text = strip_control_characters(str(value))


def render(fmt: str, root_tag: str, data: Any, *, status: int = 200) -> HttpResponse:
    if fmt == "json":
        return JsonResponse(
            data, safe=False, status=status, content_type=FORMATS["json"], json_dumps_params={"ensure_ascii": False}
        )
    root = Element(root_tag)
    _fill(root, data)
    body = '<?xml version="1.0" encoding="utf-8"?>\n' + tostring(root, encoding="unicode")
    return HttpResponse(body.encode("utf-8"), status=status, content_type=FORMATS["xml"])


def w3(value: datetime.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def geo_report(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Check the format, turn every failure into a GeoReport error in the format asked for."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
        fmt = fmt.lower()
        if fmt not in FORMATS:
            return render(
                "xml",
                "errors",
                [{"code": 400, "description": f"不支持的格式「{fmt}」，请使用 .xml 或 .json"}],
                status=400,
            )
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as exc:
            return render(fmt, "errors", exc.errors, status=exc.status)
        except ValidationFailed as exc:
            return render(
                fmt, "errors", [{"code": 400, "description": f"{k}: {v}"} for k, v in exc.errors.items()], status=400
            )
        except DomainError as exc:
            status = exc.status if exc.status in {403, 404} else 400
            return render(fmt, "errors", [{"code": status, "description": exc.message}], status=status)

    return wrapper


# ---- Data -------------------------------------------------------------------------------------


def service_data(item: ServiceItem) -> dict[str, Any]:
    return {
        "service_code": item.code,
        "service_name": item.name,
        "description": item.description,
        "metadata": bool(item.attributes.all()),
        "type": item.open311_type,
        "keywords": item.keywords.replace("，", ",").replace(",", ", ") if item.keywords else "",
        "group": item.get_category_display(),
    }


def definition_data(item: ServiceItem) -> dict[str, Any]:
    return {
        "service_code": item.code,
        "attributes": [
            {
                "variable": a.variable,
                "code": a.code,
                "datatype": a.datatype,
                "required": a.required,
                "datatype_description": a.datatype_description or None,
                "order": a.order,
                "description": a.description,
                "values": [{"key": v.get("key"), "name": v.get("name")} for v in a.values],
            }
            for a in item.attributes.all()
        ],
    }


def _service_notice(request: ServiceRequest) -> str:
    item = request.item
    return f"{item.arrival_minutes}分钟内响应，{item.resolution_label}内办结（96345党员志愿服务）"


def _agency(request: ServiceRequest) -> str:
    parts = getattr(request, "active_parts", None)
    names = [p.assignee_name for p in parts] if parts else []
    return "、".join(names) or request.area.name


def _area_address(request: ServiceRequest, areas: dict[str, str]) -> str:
    path = request.area.path
    names = [areas.get(path[:i], "") for i in range(len(path), 0, -4)]
    return ", ".join(n for n in names if n)


def request_data(request: ServiceRequest, *, full: bool, areas: dict[str, str]) -> dict[str, Any]:
    """The GeoReport fields; `full` for a client of the owning organisation, else PUBLIC_FIELDS only."""
    closed_at = request.resolved_at or request.cancelled_at or request.closed_at
    lat, lng = request.latitude, request.longitude
    notes = f"{request.get_status_display()}" + (f"：{request.status_notes}" if request.status_notes else "")
    data: dict[str, Any] = {
        "service_request_id": request.number,
        "status": request.open311_status,
        "status_notes": notes,
        "service_name": request.item.name,
        "service_code": request.item.code,
        "description": request.description or None,
        "agency_responsible": _agency(request),
        "service_notice": _service_notice(request),
        "requested_datetime": w3(request.created_at),
        "updated_datetime": w3(closed_at if request.status in OPEN311_CLOSED and closed_at else request.updated_at),
        "expected_datetime": w3(request.resolution_due_at),
        "address": request.address or None,
        "address_id": request.address_id or None,
        "zipcode": None,
        "lat": float(lat) if lat is not None else None,
        "long": float(lng) if lng is not None else None,
        "media_url": request.media_url or None,
    }
    if full:
        return data
    # Status notes and the handlers' names can carry the resident's situation or a volunteer's name.
    public = {key: (value if key in PUBLIC_FIELDS else None) for key, value in data.items()}
    public["status_notes"] = request.get_status_display()
    public["address"] = _area_address(request, areas) or None
    return public


def _area_names(requests: list[ServiceRequest]) -> dict[str, str]:

    paths = {a for r in requests for a in ancestors_paths(r.area.path)}
    return dict(OrgNode.objects.filter(path__in=paths).values_list("path", "name"))


def _requests_out(requests: list[ServiceRequest], client: Open311Client | None) -> list[dict[str, Any]]:
    areas = _area_names(requests)
    prefix = client.org.path if client is not None else None
    return [request_data(r, full=prefix is not None and r.area.path.startswith(prefix), areas=areas) for r in requests]


def _public_requests() -> QuerySet[ServiceRequest]:
    from django.db.models import Prefetch

    from redvest.demand.models import ACTIVE_DISPATCH_STATUSES, Dispatch

    return ServiceRequest.objects.select_related("item", "area").prefetch_related(
        Prefetch(
            "dispatches",
            queryset=Dispatch.objects.filter(status__in=ACTIVE_DISPATCH_STATUSES).select_related(
                "station__node", "team", "volunteer"
            ),
            to_attr="active_parts",
        )
    )


def _client(request: HttpRequest, *, required: bool) -> Open311Client | None:
    key = request.POST.get("api_key") if request.method == "POST" else request.GET.get("api_key")
    client = open311_client_for_key(key or "")
    if client is None and (required or key):
        raise Open311Error(
            403, "api_key 无效或缺失，无法提交诉求（Invalid api_key received -- can't proceed with create_request.）"
        )
    return client


def _w3_param(value: str, name: str) -> datetime.datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    parsed = parse_datetime(value.replace(" ", "+")) if "T" in value else None
    if parsed is None:
        raise Open311Error(400, f"{name} 应为 w3 日期时间格式，例如 2010-01-01T00:00:00Z")
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _csv(value: str) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


# ---- Views ------------------------------------------------------------------------------------


def _changeset() -> str:
    latest = ServiceItem.objects.aggregate(at=Max("updated_at"))["at"] or timezone.now()
    return timezone.localtime(latest).strftime("%Y-%m-%d %H:%M")


@geo_report
def discovery(request: HttpRequest, *, fmt: str) -> HttpResponse:
    from redvest.demand.conf import open311_contact, open311_key_service

    changeset = _changeset()
    url = request.build_absolute_uri(reverse("open311:root")).rstrip("/")
    data = {
        "changeset": changeset,
        "contact": open311_contact(),
        "key_service": open311_key_service(),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": url,
                "changeset": changeset,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return render(fmt, "discovery", data)


def root(request: HttpRequest) -> HttpResponse:
    """The endpoint root shows the discovery document (XML, the required format)."""
    return discovery(request, fmt="xml")


@geo_report
def services(request: HttpRequest, *, fmt: str) -> HttpResponse:
    return render(fmt, "services", [service_data(item) for item in menu_items()])


@geo_report
def service_definition(request: HttpRequest, service_code: str, *, fmt: str) -> HttpResponse:
    item = menu_items().filter(code=service_code).first()
    if item is None:
        raise Open311Error(404, f"service_code {service_code} 不存在")
    return render(fmt, "service_definition", definition_data(item))


@csrf_exempt
@rate_limited(
    "open311-post",
    respond=lambda request, exc: render("json", "errors", [{"code": 429, "description": exc.message}], status=429),
)
@geo_report
def requests_view(request: HttpRequest, *, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    if request.method != "GET":
        raise Open311Error(400, f"不支持 {request.method} 方法")
    client = _client(request, required=False)
    g = request.GET
    qs = _public_requests()
    ids = _csv(g.get("service_request_id", ""))
    if ids:
        qs = qs.filter(number__in=ids)
    else:
        codes = _csv(g.get("service_code", ""))
        if codes:
            known = set(ServiceItem.objects.filter(code__in=codes).values_list("code", flat=True))
            unknown_codes = [c for c in codes if c not in known]
            if unknown_codes:
                raise Open311Error(400, f"service_code {', '.join(unknown_codes)} 不存在")
            qs = qs.filter(item__code__in=codes)
        statuses = _csv(g.get("status", ""))
        unknown = [s for s in statuses if s not in {"open", "closed"}]
        if unknown:
            raise Open311Error(400, f"status 只能是 open 或 closed，收到：{', '.join(unknown)}")
        if statuses == ["open"]:
            qs = qs.filter(status__in=OPEN_STATUSES)
        elif statuses == ["closed"]:
            qs = qs.filter(status__in=OPEN311_CLOSED)
        start, end = _w3_param(g.get("start_date", ""), "start_date"), _w3_param(g.get("end_date", ""), "end_date")
        if start and end and end - start > MAX_RANGE:
            raise Open311Error(400, "start_date 与 end_date 的间隔不能超过 90 天")
        if start and end and end < start:
            raise Open311Error(400, "end_date 不能早于 start_date")
        if start is None and end is None:
            end = timezone.now()
        start = start or (end - MAX_RANGE if end else None)
        end = end or (start + MAX_RANGE if start else None)
        qs = qs.filter(created_at__gte=start, created_at__lte=end)
    rows = list(qs.order_by("-created_at", "-id")[:MAX_RESULTS])
    return render(fmt, "service_requests", _requests_out(rows, client))


@geo_report
def request_detail(request: HttpRequest, service_request_id: str, *, fmt: str) -> HttpResponse:
    client = _client(request, required=False)
    found = _public_requests().filter(number=service_request_id).first()
    if found is None:
        raise Open311Error(404, f"service_request_id {service_request_id} 不存在")
    return render(fmt, "service_requests", _requests_out([found], client))


@geo_report
def token(request: HttpRequest, token: str, *, fmt: str) -> HttpResponse:
    found = ServiceRequest.objects.filter(token=token).only("number", "token").first()
    if found is None:
        raise Open311Error(404, f"token {token} 不存在")
    return render(fmt, "service_requests", [{"service_request_id": found.number, "token": found.token}])


def _decimal(value: str, name: str) -> Decimal | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        raise Open311Error(400, f"{name} 应为数字（WGS84）") from None


def _attributes(post: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for key in post:
        match = ATTRIBUTE_KEY.match(key)
        if match:
            values = post.getlist(key)
            answers[match.group(1)] = values if match.group(2) or len(values) > 1 else values[0]
    return answers


def _refuse_control_characters(post: Any) -> None:
    for key in post:
        for value in [key, *post.getlist(key)]:
            if message := control_character_error(value):
                raise Open311Error(400, f"{strip_control_characters(key)}: {message}")


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    post = request.POST
    _refuse_control_characters(post)
    client = _client(request, required=True)
    code = post.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, "缺少 service_code")
    if not ServiceItem.objects.filter(code=code, is_active=True).exists():
        raise Open311Error(400, f"service_code {code} 不存在")
    lat, lng = _decimal(post.get("lat", ""), "lat"), _decimal(post.get("long", ""), "long")
    if (lat is None) != (lng is None):
        raise Open311Error(400, "lat 与 long 须同时提供")
    if lat is None and not post.get("address_string", "").strip() and not post.get("address_id", "").strip():
        raise Open311Error(400, "须提供完整的位置：lat 与 long，或 address_string，或 address_id")
    data = RequestData(
        item_code=code,
        description=post.get("description", ""),
        address=post.get("address_string", ""),
        address_id=post.get("address_id", ""),
        latitude=lat,
        longitude=lng,
        caller_name=(post.get("last_name", "") + post.get("first_name", "")).strip(),
        caller_phone=post.get("phone", ""),
        attributes=_attributes(post),
        media_url=post.get("media_url", ""),
        idempotency_key=request.headers.get("Idempotency-Key", ""),
        reporter={k: post.get(k, "") for k in ("email", "device_id", "account_id", "first_name", "last_name")},
    )
    try:
        intake = request_create(
            actor=None, channel=RequestChannel.OPEN311, data=data, now=timezone.now(), client=client
        )
    except (NotFound, PermissionDenied) as exc:
        raise Open311Error(exc.status, exc.message) from None
    created = intake.request
    answer: dict[str, Any] = (
        {"token": created.token} if created.item.open311_type == "batch" else {"service_request_id": created.number}
    )
    answer["service_notice"] = _service_notice(created)
    answer["account_id"] = post.get("account_id") or None
    return render(fmt, "service_requests", [answer])
