from __future__ import annotations

import pytest

from redvest.accounts.tests import sms


@pytest.fixture
def outbox(settings):  # type: ignore[no-untyped-def]
    """Texts go to the capturing test gateway; the list of (phone, text) sent."""
    settings.SMS_GATEWAY = "redvest.accounts.tests.sms.capture"
    sms.OUTBOX.clear()
    yield sms.OUTBOX
    sms.OUTBOX.clear()
