from __future__ import annotations

import pytest

from redvest.orgs.tests.factories import OrgTree


@pytest.fixture
def tree(db: None) -> OrgTree:
    return OrgTree()
