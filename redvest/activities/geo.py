"""Distances on the earth's surface for geofences and "near me" browsing (metres)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_DEGREE_LAT = math.pi * EARTH_RADIUS_M / 180


def haversine_m(lat1: float | Decimal, lng1: float | Decimal, lat2: float | Decimal, lng2: float | Decimal) -> float:
    """Great-circle distance between two points in metres."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp = p2 - p1
    dl = math.radians(float(lng2) - float(lng1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class BoundingBox:
    min_lat: Decimal
    max_lat: Decimal
    min_lng: Decimal
    max_lng: Decimal


def bounding_box(lat: float | Decimal, lng: float | Decimal, radius_m: float) -> BoundingBox:
    """A lat/lng rectangle containing every point within `radius_m`; cheap to test in SQL on indexed columns."""
    lat_f, lng_f = float(lat), float(lng)
    dlat = radius_m / METRES_PER_DEGREE_LAT
    cos_lat = math.cos(math.radians(lat_f))
    # Near the poles a circle spans every longitude.
    dlng = 180.0 if cos_lat < 1e-6 else min(180.0, dlat / cos_lat)

    def q(value: float) -> Decimal:
        return Decimal(f"{value:.6f}")

    return BoundingBox(
        min_lat=q(max(-90.0, lat_f - dlat)),
        max_lat=q(min(90.0, lat_f + dlat)),
        min_lng=q(max(-180.0, lng_f - dlng)),
        max_lng=q(min(180.0, lng_f + dlng)),
    )
