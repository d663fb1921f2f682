"""Template helpers: service time is stored as integer minutes and shown as hours and minutes."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def hours(minutes: int | None) -> str:
    """125 -> "2 小时 5 分"."""
    total = int(minutes or 0)
    sign = "-" if total < 0 else ""
    total = abs(total)
    h, m = divmod(total, 60)
    if h and m:
        return f"{sign}{h} 小时 {m} 分"
    if h:
        return f"{sign}{h} 小时"
    return f"{sign}{m} 分钟"


@register.filter
def distance(metres: int | None) -> str:
    if metres is None:
        return ""
    return f"{metres} 米" if metres < 1000 else f"{metres / 1000:.1f} 公里"
