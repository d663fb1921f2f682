"""Pure helpers: the rotating code, distances, calendar tags."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from redvest.activities.codes import code_at, code_matches, code_step, qr_svg, seconds_left
from redvest.activities.geo import bounding_box, haversine_m
from redvest.activities.selectors.calendar import day_tags, quarter_of

SH = ZoneInfo("Asia/Shanghai")
SECRET = "a" * 64


def test_code_is_six_digits_and_changes_every_minute() -> None:
    at = datetime.datetime(2026, 3, 1, 9, 0, 5, tzinfo=SH)
    code = code_at(SECRET, at)
    assert len(code) == 6 and code.isdigit()
    assert code_at(SECRET, at + datetime.timedelta(seconds=30)) == code
    assert code_step(at + datetime.timedelta(seconds=60)) == code_step(at) + 1


def test_current_and_previous_code_are_accepted_older_is_not() -> None:
    at = datetime.datetime(2026, 3, 1, 9, 0, 5, tzinfo=SH)
    previous = code_at(SECRET, at - datetime.timedelta(seconds=60))
    two_back = code_at(SECRET, at - datetime.timedelta(seconds=120))
    assert code_matches(SECRET, code_at(SECRET, at), at)
    assert code_matches(SECRET, previous, at)
    assert not code_matches(SECRET, two_back, at)


def test_code_depends_on_the_activity_secret() -> None:
    at = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=SH)
    assert not code_matches("b" * 64, code_at(SECRET, at), at)


def test_malformed_codes_never_match() -> None:
    at = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=SH)
    for bad in ("", "12345", "1234567", "abcdef", " 12 34 "):
        assert not code_matches(SECRET, bad, at)


def test_seconds_left_counts_down_within_the_step() -> None:
    at = datetime.datetime(2026, 3, 1, 9, 0, 45, tzinfo=SH)
    assert seconds_left(at) == 15


def test_qr_code_is_inline_svg() -> None:
    svg = qr_svg("https://example.org/activities/1/checkin/?code=123456")
    assert svg.startswith("<svg") and "</svg>" in svg


def test_haversine_matches_a_known_distance() -> None:
    # 0.001 degree of latitude is about 111 m anywhere.
    assert round(haversine_m(30.9, 119.9, 30.901, 119.9)) == 111
    assert haversine_m(30.9, 119.9, 30.9, 119.9) == 0


def test_bounding_box_contains_the_circle() -> None:
    box = bounding_box(Decimal("30.9"), Decimal("119.9"), 5000)
    assert haversine_m(30.9, 119.9, float(box.max_lat), 119.9) >= 4999
    assert haversine_m(30.9, 119.9, 30.9, float(box.max_lng)) >= 4999
    assert box.min_lat < Decimal("30.9") < box.max_lat


def test_day_tags_name_holidays_the_25th_and_july() -> None:
    labels = lambda d: {t.label for t in day_tags(d)}  # noqa: E731
    assert labels(datetime.date(2026, 1, 1)) == {"元旦"}
    assert labels(datetime.date(2026, 5, 1)) == {"五一"}
    assert labels(datetime.date(2026, 7, 1)) == {"七一", "党员志愿服务活动月"}
    assert labels(datetime.date(2026, 7, 25)) == {"党员先锋服务日", "党员志愿服务活动月"}
    assert labels(datetime.date(2026, 10, 1)) == {"国庆"}
    assert labels(datetime.date(2026, 2, 17)) == {"春节"}
    assert labels(datetime.date(2027, 2, 6)) == {"春节"}
    assert labels(datetime.date(2026, 3, 25)) == {"党员先锋服务日"}
    assert labels(datetime.date(2026, 3, 24)) == set()


def test_quarter_of_month() -> None:
    assert [quarter_of(datetime.date(2026, m, 1)) for m in (1, 3, 4, 7, 12)] == [1, 1, 2, 3, 4]
