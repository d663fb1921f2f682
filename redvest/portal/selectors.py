"""Reads for the public portal: stations near the visitor, activities recruiting, public stories."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from redvest.activities.geo import bounding_box, haversine_m
from redvest.activities.models import Activity
from redvest.activities.selectors.activities import activity_recruiting_public
from redvest.core.pagination import Page, paginate
from redvest.orgs.models import Station
from redvest.orgs.selectors import stations_located
from redvest.publicity.selectors.exemplars import PublicExemplar, public_exemplars

NEAR_RADIUS_M = 20_000
NEAR_LIMIT = 10


@dataclass(frozen=True)
class NearStation:
    station: Station
    distance_m: int | None

    @property
    def distance_label(self) -> str:
        if self.distance_m is None:
            return ""
        if self.distance_m < 1000:
            return f"{self.distance_m}米"
        return f"{self.distance_m / 1000:.1f}公里"

    @property
    def navigation_url(self) -> str:
        """A geo: link: the phone's own map app opens at the station (no map service of ours)."""
        s = self.station
        return f"geo:{s.latitude},{s.longitude}?q={s.latitude},{s.longitude}({s.node.name})"


@dataclass(frozen=True)
class Portal:
    stations: list[NearStation]
    located: bool
    activities: list[Activity]
    exemplars: list[PublicExemplar]


def stations_page(*, q: str = "", page: int = 1) -> Page[NearStation]:
    """Every located station in tree order, a page at a time (no location given)."""
    found = paginate(stations_located(q=q), page=page)
    return Page(
        items=[NearStation(station=s, distance_m=None) for s in found.items],
        count=found.count,
        number=found.number,
        size=found.size,
    )


def stations_near(
    *, latitude: Decimal | None, longitude: Decimal | None, q: str = "", limit: int = NEAR_LIMIT
) -> list[NearStation]:
    """The nearest stations within 20 km (a bounding box in SQL, the exact distance in Python); without a
    location, the first stations in tree order."""
    qs = stations_located(q=q)
    if latitude is None or longitude is None:
        return [NearStation(station=s, distance_m=None) for s in qs[:limit]]
    box = bounding_box(latitude, longitude, NEAR_RADIUS_M)
    candidates = qs.filter(
        latitude__gte=box.min_lat, latitude__lte=box.max_lat, longitude__gte=box.min_lng, longitude__lte=box.max_lng
    )[:2000]
    near = []
    for station in candidates:
        if station.latitude is None or station.longitude is None:
            continue
        d = haversine_m(latitude, longitude, station.latitude, station.longitude)
        if d <= NEAR_RADIUS_M:
            near.append(NearStation(station=station, distance_m=round(d)))
    near.sort(key=lambda n: (n.distance_m or 0, n.station.node.path))
    return near[:limit]


def portal(*, latitude: Decimal | None, longitude: Decimal | None, at: datetime.datetime) -> Portal:
    """Everything the public portal shows, in a fixed number of queries."""
    return Portal(
        stations=stations_near(latitude=latitude, longitude=longitude, limit=5),
        located=latitude is not None and longitude is not None,
        activities=activity_recruiting_public(at=at, limit=6),
        exemplars=public_exemplars(page=1, size=3).items,
    )
