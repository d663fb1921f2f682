"""Where org nodes are: the coordinates of a node's own station, else of a station directly under it,
else of its parent's (and so on up the tree). Volunteers and teams are placed at their node."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Q
from django.db.models.functions import Length, Substr

from redvest.activities.geo import bounding_box, haversine_m
from redvest.orgs.models import OrgNode, Station
from redvest.orgs.selectors import ancestors_paths, in_subtree_q

Point = tuple[float, float]


def point_of(latitude: Decimal | None, longitude: Decimal | None) -> Point | None:
    if latitude is None or longitude is None:
        return None
    return (float(latitude), float(longitude))


def locate_paths(paths: Iterable[str]) -> dict[str, Point]:
    """For each org path, the nearest known station position up the tree (one query)."""
    wanted = set(paths)
    if not wanted:
        return {}
    ancestors = {a for p in wanted for a in ancestors_paths(p)}
    rows = (
        Station.objects.filter(latitude__isnull=False, longitude__isnull=False)
        .annotate(parent_path=Substr("node__path", 1, Length("node__path") - OrgNode.steplen))
        .filter(Q(node__path__in=ancestors) | Q(parent_path__in=ancestors))
        .order_by("node__path")
        .values_list("node__path", "latitude", "longitude")
    )
    own: dict[str, Point] = {}
    child: dict[str, Point] = {}
    for path, lat, lng in rows:
        if lat is None or lng is None:
            continue
        own.setdefault(path, (float(lat), float(lng)))
        child.setdefault(path[: -OrgNode.steplen], (float(lat), float(lng)))
    located: dict[str, Point] = {}
    for path in wanted:
        for candidate in reversed(ancestors_paths(path)):
            found = own.get(candidate) or child.get(candidate)
            if found is not None:
                located[path] = found
                break
    return located


def distance_m(a: Point | None, b: Point | None) -> float | None:
    if a is None or b is None:
        return None
    return haversine_m(a[0], a[1], b[0], b[1])


def nearest_station(point: Point, *, under: str = "") -> Station | None:
    """The closest station with coordinates in a subtree: a small box around the point first, wider
    only when it holds nothing within its radius (so a county's stations are not all read)."""
    base = Station.objects.filter(in_subtree_q("node__path", under), latitude__isnull=False, longitude__isnull=False)
    for radius_m in (3_000, 30_000, None):
        qs = base
        if radius_m is not None:
            box = bounding_box(point[0], point[1], radius_m)
            qs = qs.filter(
                latitude__gte=box.min_lat,
                latitude__lte=box.max_lat,
                longitude__gte=box.min_lng,
                longitude__lte=box.max_lng,
            )
        best: tuple[float, int] | None = None
        for pk, lat, lng in qs.values_list("pk", "latitude", "longitude"):
            if lat is None or lng is None:
                continue
            d = haversine_m(point[0], point[1], float(lat), float(lng))
            if best is None or d < best[0]:
                best = (d, pk)
        if best is not None and (radius_m is None or best[0] <= radius_m):
            return Station.objects.select_related("node").get(pk=best[1])
    return None
