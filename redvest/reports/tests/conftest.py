from __future__ import annotations

import pytest

from redvest.reports.tests.factories import ReportTree


@pytest.fixture
def tree(db: None) -> ReportTree:
    return ReportTree()
