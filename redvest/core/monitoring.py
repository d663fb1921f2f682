"""Prometheus metrics at `/metrics` (docs/operations.md, "Monitoring").

Request latency by view comes from django-prometheus' middleware. The figures that live in the database
(task queues in `core.task_monitoring`, SLA breaches in demand, login lockouts in accounts, each registered
from its app's `ready()`; this module loads no model, so apps.py files may import it) are read at scrape time by a few cheap aggregate queries, so every app server answers the same
whatever process took the scrape. With several gunicorn workers, `PROMETHEUS_MULTIPROC_DIR` makes the
in-process counters and histograms one sum over all workers (prometheus_client's multiprocess mode).

The endpoint is not public: it answers only to the addresses in `METRICS_ALLOWED_IPS` (loopback by default;
the client address as `core.ratelimit.client_ip` reads it behind the proxy) or to
`Authorization: Bearer <METRICS_TOKEN>`.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
from collections.abc import Callable, Iterable

import prometheus_client
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import multiprocess
from prometheus_client.registry import Collector

from redvest.core.ratelimit import client_ip

Metric = prometheus_client.Metric
MetricSource = Callable[[], Iterable[Metric]]

_sources: list[MetricSource] = []


def register(source: MetricSource) -> None:
    """An app adds figures read at scrape time (from its AppConfig.ready())."""
    if source not in _sources:
        _sources.append(source)


class DatabaseFigures(Collector):
    def collect(self) -> Iterable[Metric]:
        for source in _sources:
            yield from source()


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(n, strict=False) for n in settings.METRICS_ALLOWED_IPS]


def metrics_allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].strip().encode(), token.encode()):
        return True
    address = ipaddress.ip_address(client_ip(request))
    return any(address in network for network in _allowed_networks())


class _ThisProcess(Collector):
    """Without multiprocess mode: this process's own metrics (a single worker, tests)."""

    def collect(self) -> Iterable[Metric]:
        return prometheus_client.REGISTRY.collect()


def metrics_text() -> bytes:
    """The exposition: every worker's counters and histograms (multiprocess mode reads the files they write
    in PROMETHEUS_MULTIPROC_DIR) or this process's, then the database figures read now."""
    registry = prometheus_client.CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    registry.register(DatabaseFigures())
    return prometheus_client.generate_latest(registry)


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not metrics_allowed(request):
        return HttpResponse("禁止访问", status=403, content_type="text/plain; charset=utf-8")
    return HttpResponse(metrics_text(), content_type=prometheus_client.CONTENT_TYPE_LATEST)
