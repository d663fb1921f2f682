from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from redvest.care.tests.factories import CareWorld


@pytest.fixture
def world(db: None) -> CareWorld:
    return CareWorld()


@pytest.fixture
def now() -> datetime.datetime:
    return timezone.now()
