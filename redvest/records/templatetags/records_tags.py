"""Service time is stored as integer minutes; hours appear only here, in templates."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def hours(minutes: int | None) -> str:
    """Minutes as hours with one decimal, rounded half up in integer arithmetic: 95 → "1.6", −30 → "-0.5"."""
    value = int(minutes or 0)
    sign = "-" if value < 0 else ""
    tenths = (abs(value) * 10 + 30) // 60
    return f"{sign}{tenths // 10}.{tenths % 10}"


@register.filter
def stars(count: int) -> str:
    return "★" * int(count or 0)
