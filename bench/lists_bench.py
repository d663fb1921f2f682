"""Lists at 100,000 volunteers (issue 13 item 7): the volunteer ledger `/volunteers/` and the hours
ranking, first page against the deepest page, with the query count of each.

    BENCH_DATABASE_URL=postgres://…/redvest_lists_bench PYTHONPATH=. .venv/bin/python -m bench.lists_bench

Runs on PostgreSQL when `BENCH_DATABASE_URL` is set, else on its own SQLite file
(`var/bench-lists.sqlite3`). Migrates, fills the database once (`bench.generate`'s 100,000 volunteers,
then `redvest.records.benchdata.generate_records`' service records; later runs reuse them) and
analyses the tables, then requests each target through Django's test client in-process (session,
middleware, templates) as the county's org admin, with `/bench/baseline/` timed the same way. The
deepest page is reached as a user reaches it: by the "下一页" cursor of the page before (made with
`core.pagination.keyset_cursor`), and also by `?page=999999` (which stops at the count cap). Prints
p50/p95 per target and the machine's load; the last line of stdout is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if not os.environ.get("BENCH_DATABASE_URL"):
    os.environ.setdefault("BENCH_SQLITE_PATH", str(ROOT / "var" / "bench-lists.sqlite3"))

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

import bench._django  # noqa: E402, F401  (Django on bench.settings before the model imports below)
from bench.generate import LARGE, generate  # noqa: E402
from bench.timing import p50_p95_ms  # noqa: E402
from redvest.accounts.models import User  # noqa: E402
from redvest.core.db import analyze  # noqa: E402
from redvest.core.pagination import keyset_cursor  # noqa: E402
from redvest.orgs.models import OrgKind, OrgNode  # noqa: E402
from redvest.records.benchdata import generate_records  # noqa: E402
from redvest.records.models import ServiceRecord, ServiceTotal  # noqa: E402
from redvest.records.selectors import ranking  # noqa: E402
from redvest.records.selectors.ranking import RANKING_ORDER  # noqa: E402
from redvest.volunteers.models import Volunteer  # noqa: E402
from redvest.volunteers.selectors import VOLUNTEER_LIST_ORDER, volunteer_list  # noqa: E402


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _deep_cursor(qs: Any, ordering: tuple[str, ...], size: int) -> str:
    """The "下一页" cursor of the page before the last: what a user following the links ends up holding."""
    total = qs.count()
    position = max(0, total - size)
    row = qs.order_by(*ordering)[position - 1]
    return keyset_cursor(ordering, row, position)


def _targets(county: User, year: int, records: int) -> list[tuple[str, str]]:
    town = OrgNode.objects.filter(kind=OrgKind.TOWN).order_by("path").first()
    size = 20
    targets = [
        ("/volunteers/ page 1 (county)", "/volunteers/"),
        ("/volunteers/?org=<town> page 1", f"/volunteers/?org={town.pk if town else 0}"),
        ("/volunteers/?page=999999", "/volunteers/?page=999999"),
        ("API /api/v1/volunteers/ page 1", "/api/v1/volunteers/"),
    ]
    if records:
        targets += [
            ("ranking page 1 (county)", f"/records/ranking/?year={year}"),
            ("ranking ?page=999999", f"/records/ranking/?year={year}&page=999999"),
        ]
    after = _deep_cursor(volunteer_list(user=county), VOLUNTEER_LIST_ORDER, size)
    targets.append(("/volunteers/ last page (cursor)", f"/volunteers/?after={after}"))
    root = OrgNode.objects.get_root_nodes().first()
    if records and root is not None:
        after = _deep_cursor(ranking(user=county, org=root, year=year), RANKING_ORDER, size)
        targets.append(("ranking last page (cursor)", f"/records/ranking/?year={year}&after={after}"))
    return targets


def _measure(client: Client, url: str, runs: int) -> dict[str, Any]:
    for _ in range(5):
        response = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    count = len(queries.captured_queries)  # now: the next request resets the connection's log
    p50, p95 = p50_p95_ms(lambda: client.get(url), runs)
    return {"status": response.status_code, "queries": count, "p50_ms": round(p50, 1), "p95_ms": round(p95, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--records", type=int, default=1_000_000, help="service records (0: no ranking)")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    generate(LARGE)
    if args.records:
        generate_records(records=args.records, volunteers=LARGE.volunteers)
    analyze(Volunteer, ServiceRecord, ServiceTotal)
    county = User.objects.get(username="county")
    client = Client(HTTP_HOST="localhost")
    client.force_login(county)
    year = timezone.localdate().year
    vendor = connection.vendor
    print(f"数据库 {vendor}；负载（开始）{_load()}", file=sys.stderr)
    base = _measure(client, "/bench/baseline/", args.runs)
    base_p50, base_p95 = base["p50_ms"], base["p95_ms"]
    results = []
    for label, url in _targets(county, year, args.records):
        row = {"target": label, "url": url[:80], **_measure(client, url, args.runs)}
        row["x_baseline"] = round(row["p50_ms"] / base_p50, 1) if base_p50 else None
        results.append(row)
    print(f"{vendor}: baseline /bench/baseline/ p50 {base_p50} ms, p95 {base_p95} ms ({args.runs} runs each)")
    print(f"{'target':<34}{'status':>7}{'queries':>9}{'p50 ms':>9}{'p95 ms':>9}{'/base':>8}")
    for r in results:
        print(
            f"{r['target']:<34}{r['status']:>7}{r['queries']:>9}{r['p50_ms']:>9}{r['p95_ms']:>9}"
            f"{'x' + str(r['x_baseline']):>8}"
        )
    load = _load()
    print(f"load average (1/5/15 min) at the end: {load}")
    print(json.dumps({"vendor": vendor, "baseline": base, "targets": results, "load": load}, ensure_ascii=False))
    return 0 if all(r["status"] == 200 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
