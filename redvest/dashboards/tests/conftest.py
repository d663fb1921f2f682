from __future__ import annotations

import pytest

from redvest.dashboards.tests.factories import County, county


@pytest.fixture
def world(db: None) -> County:
    return county()
