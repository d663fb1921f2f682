"""`/`: the public portal for anyone, the workbench for whoever is signed in."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.http import require_GET

from redvest.core.pagination import parse_page
from redvest.core.replica import read_from_replica, replica_reads
from redvest.portal import selectors
from redvest.portal.workbench import workbench

HOTLINE = "96345"


def _coordinate(value: str | None, limit: int) -> Decimal | None:
    try:
        number = Decimal(value or "")
    except InvalidOperation:
        return None
    return number.quantize(Decimal("0.000001")) if number.is_finite() and abs(number) <= limit else None


def _location(request: HttpRequest) -> tuple[Decimal | None, Decimal | None]:
    latitude, longitude = _coordinate(request.GET.get("lat"), 90), _coordinate(request.GET.get("lng"), 180)
    return (latitude, longitude) if latitude is not None and longitude is not None else (None, None)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return render(request, "portal/workbench.html", {"bench": workbench(user=request.user)})
    latitude, longitude = _location(request)
    with replica_reads():  # the public portal reads from the replica (when one is configured and usable)
        context = {
            "portal": selectors.portal(latitude=latitude, longitude=longitude, at=timezone.now()),
            "hotline": HOTLINE,
        }
        return render(request, "portal/portal.html", context)


@require_GET
@read_from_replica
def stations_near(request: HttpRequest) -> HttpResponse:
    """附近服务站点: nearest first with a location, else every station a page at a time."""
    latitude, longitude = _location(request)
    q = request.GET.get("q", "").strip()[:50]
    context: dict[str, Any]
    if latitude is not None and longitude is not None:
        near = selectors.stations_near(latitude=latitude, longitude=longitude, q=q, limit=20)
        context = {"stations": near, "page": None, "located": True, "q": q}
    else:
        page = selectors.stations_page(q=q, page=parse_page(request.GET.get("page")))
        context = {"stations": page.items, "page": page, "located": False, "q": q}
    return render(request, "portal/stations.html", {**context, "hotline": HOTLINE})


SHELL = ["css/redvest.css", "vendor/htmx-2.0.11.min.js", "img/icon.svg", "activities/checkin.js", "portal/near.js"]
SHELL_VERSION = "1"


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: installed on the phone's home screen, it opens on the workbench."""
    data = {
        "name": "红马甲 · 党员志愿服务",
        "short_name": "红马甲",
        "lang": "zh-CN",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#c8161d",
        "icons": [{"src": static("img/icon.svg"), "sizes": "any", "type": "image/svg+xml", "purpose": "any"}],
    }
    return JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from the root so that it may control every page."""
    context = {
        "version": SHELL_VERSION,
        "shell": [static(path) for path in SHELL] + ["/"],
        "static_prefix": settings.STATIC_URL if settings.STATIC_URL.startswith("/") else f"/{settings.STATIC_URL}",
    }
    response = render(request, "portal/sw.js", context, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response
