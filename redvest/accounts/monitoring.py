"""Login figures for `/metrics` (core.monitoring): failed logins counted as they happen (summed over the
gunicorn workers in multiprocess mode), and the lockouts in force read from django-axes' table at scrape
time."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone
from prometheus_client import Counter, Metric
from prometheus_client.core import GaugeMetricFamily

LOGIN_FAILURES = Counter("redvest_login_failures", "Failed logins (wrong password, unknown account, locked out).")


def count_login_failure(sender: Any, **kwargs: Any) -> None:
    """Receiver of Django's `user_login_failed`: observation only, it decides nothing."""
    LOGIN_FAILURES.inc()


def lockout_figures() -> Iterable[Metric]:
    cooloff = datetime.timedelta(hours=float(settings.AXES_COOLOFF_TIME))
    locked = AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=timezone.now() - cooloff
    ).count()
    gauge = GaugeMetricFamily(
        "redvest_login_lockouts", "Accounts or addresses locked out now (failures at the limit within the cool-off)."
    )
    gauge.add_metric([], locked)
    return [gauge]
