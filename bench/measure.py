"""Prepare one benchmark database and count the queries of each target page in-process.

`python -m bench.measure --size large|small` migrates the database named by bench.settings,
generates the data (skipped when present), picks concrete targets (a real phone number, a town,
a team) and counts each page's queries with CaptureQueriesContext after one warm-up request.
The last line of stdout is JSON for bench/run.py; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import bench._django  # noqa: F401  (sets Django up before the model imports below)
from bench.db import migrate
from bench.generate import SIZES, Size, generate, present_size
from redvest.accounts.models import ApiToken, User
from redvest.orgs.models import OrgKind, OrgNode
from redvest.teams.models import Team
from redvest.volunteers.models import Volunteer

HOST = "127.0.0.1"


def targets(size: Size) -> dict[str, str]:
    """Baseline first; the same shapes of URL at every size."""
    town = OrgNode.objects.filter(kind=OrgKind.TOWN).order_by("path").first()
    team = Team.objects.order_by("pk").first()
    middle = Volunteer.objects.order_by("pk")[size.volunteers // 2]
    if town is None or team is None:
        raise LookupError("benchmark data is missing")
    return {
        "baseline": f"/bench/baseline/?id={middle.pk}",
        "volunteer list": "/volunteers/",
        "search by name": f"/volunteers/?q={quote('王')}",
        "search by phone": f"/volunteers/?phone={middle.phone}",
        "subtree filter": f"/volunteers/?org={town.pk}",
        "team roster": f"/teams/{team.pk}/",
        "API list": "/api/v1/volunteers/?page=1",
    }


def _api_key(user: User) -> str:
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=ApiToken.hash_key(key), expires_at=timezone.now() + timedelta(hours=2))
    return key


def query_counts(urls: dict[str, str]) -> dict[str, Any]:
    """Queries per page for the county org admin: an int, or 'missing' (404) / 'HTTP <code>' / the error."""
    county = User.objects.get(username="county")
    pages = Client(HTTP_HOST=HOST)
    pages.force_login(county)
    api = Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Bearer {_api_key(county)}")
    counts: dict[str, Any] = {}
    for name, url in urls.items():
        client = api if url.startswith("/api/") else pages
        try:
            client.get(url)  # warm-up: first-use caches are not the page's cost
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
        except Exception as exc:  # a page still under construction is reported, not fatal
            counts[name] = f"error {type(exc).__name__}"
            continue
        if response.status_code == 404:
            counts[name] = "missing"
        elif response.status_code != 200:
            counts[name] = f"HTTP {response.status_code}"
        else:
            counts[name] = len(ctx.captured_queries)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="large")
    size = SIZES[parser.parse_args().size]
    migrate()
    generate(size)
    urls = targets(size)
    result = {
        "size": size.name,
        "rows": dict(zip(("volunteers", "teams", "org_nodes"), present_size(), strict=True)),
        "targets": urls,
        "queries": query_counts(urls),
    }
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
