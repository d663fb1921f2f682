"""Where org nodes are: the coordinates of a node's own station, else its centre (a town's or village's
中心点, set on the org tree), else of a station directly under it (a village's 驿站), else the middle of
the stations two levels under it (a town without a 分站: its villages' 驿站), else its parent's (and so on
up the tree). An address is placed
without a map service by the places it names: the towns, villages/communities and grids of the tree."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Value
from django.db.models.functions import Greatest, Length, Substr

from redvest.activities.geo import bounding_box, haversine_m
from redvest.orgs.models import OrgKind, OrgNode, Station
from redvest.orgs.selectors import ancestors_paths, in_subtree_q

Point = tuple[float, float]


def point_of(latitude: Decimal | None, longitude: Decimal | None) -> Point | None:
    if latitude is None or longitude is None:
        return None
    return (float(latitude), float(longitude))


def locate_paths(paths: Iterable[str]) -> dict[str, Point]:
    """For each org path, the nearest known position up the tree (two queries: centres, stations)."""
    wanted = set(paths)
    if not wanted:
        return {}
    ancestors = {a for p in wanted for a in ancestors_paths(p)}
    step = OrgNode.steplen
    rows = (
        Station.objects.filter(latitude__isnull=False, longitude__isnull=False)
        .annotate(
            parent_path=Substr("node__path", 1, Greatest(Length("node__path") - step, Value(0))),
            grand_path=Substr("node__path", 1, Greatest(Length("node__path") - 2 * step, Value(0))),
        )
        .filter(Q(node__path__in=ancestors) | Q(parent_path__in=ancestors) | Q(grand_path__in=ancestors))
        .order_by("node__path")
        .values_list("node__path", "latitude", "longitude")
    )
    centres = {
        path: (float(lat), float(lng))
        for path, lat, lng in OrgNode.objects.filter(
            path__in=ancestors, latitude__isnull=False, longitude__isnull=False
        ).values_list("path", "latitude", "longitude")
        if lat is not None and lng is not None
    }
    own: dict[str, Point] = {}
    child: dict[str, Point] = {}
    grandchildren: dict[str, list[Point]] = {}
    for path, lat, lng in rows:
        if lat is None or lng is None:
            continue
        point = (float(lat), float(lng))
        own.setdefault(path, point)
        child.setdefault(path[:-step], point)
        grandchildren.setdefault(path[: -2 * step], []).append(point)
    middle = {
        p: (sum(a for a, _ in pts) / len(pts), sum(b for _, b in pts) / len(pts)) for p, pts in grandchildren.items()
    }
    located: dict[str, Point] = {}
    for path in wanted:
        for candidate in reversed(ancestors_paths(path)):
            found = own.get(candidate) or centres.get(candidate) or child.get(candidate) or middle.get(candidate)
            if found is not None:
                located[path] = found
                break
    return located


PLACE_KINDS = (OrgKind.TOWN, OrgKind.COMMUNITY, OrgKind.GRID)


@dataclass(frozen=True)
class Place:
    path: str
    name: str


def places_under(path: str, *, at_most: int | None = None) -> list[Place]:
    """The towns, villages/communities and grids of a subtree: the names an address may hold (one query).
    With `at_most`, a subtree holding more places than that (a city or province) gives none."""
    qs = OrgNode.objects.filter(in_subtree_q("path", path), kind__in=PLACE_KINDS).values_list("path", "name")
    rows = list(qs if at_most is None else qs[: at_most + 1])
    if at_most is not None and len(rows) > at_most:
        return []
    return [Place(p, n) for p, n in rows if len(n) >= 2]


def place_in_text(text: str, places: list[Place], *, near: str = "") -> Place | None:
    """The most precise place an address names: the deepest whose name it holds, backed by the names of
    its ancestors it also holds (雉城街道金陵社区 is that town's 金陵社区), then the one nearest `near`."""
    if not text:
        return None
    named = [p for p in places if p.name in text]
    if not named:
        return None
    paths = {p.path for p in named}

    def rank(place: Place) -> tuple[int, int, int]:
        backed = sum(1 for a in ancestors_paths(place.path)[:-1] if a in paths)
        return backed, len(place.path), len(os.path.commonprefix([place.path, near]))

    return max(named, key=rank)


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
