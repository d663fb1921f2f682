"""Equipment's part of the volunteer record page (`volunteers.hooks.volunteer_page_sections`), registered
from EquipmentConfig.ready(): the kit the person holds, in one grouped query."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from redvest.equipment.selectors import holdings
from redvest.volunteers import hooks
from redvest.volunteers.models import Volunteer


def holdings_section(request: HttpRequest, volunteer: Volunteer) -> Any:
    return render_to_string("equipment/_holdings.html", {"held": holdings(volunteer=volunteer)}, request=request)


def register() -> None:
    hooks.volunteer_page_sections.register(holdings_section)
