from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from redvest.demand.tests.factories import County


@pytest.fixture
def county(db: None) -> County:
    return County()


@pytest.fixture
def now() -> datetime.datetime:
    """A fixed moment: Wednesday 2026-03-04 10:00 Shanghai (a working day, office hours)."""
    return datetime.datetime(2026, 3, 4, 10, 0, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def menu(db: None) -> None:
    from django.core.management import call_command

    call_command("load_service_menu", stdout=open("/dev/null", "w"))  # noqa: SIM115
