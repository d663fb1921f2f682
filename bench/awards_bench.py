"""Annual awards at the scale of seed 004 (1,225 entries, cut to the top 100): the judge's voting page,
one vote, the admins' entries list and the preliminary cut, each against a primary-key fetch measured in
the same run.

    .venv/bin/python -m bench.awards_bench

Its own SQLite file (`var/bench-awards.sqlite3`; AWARDS_BENCH_SQLITE_PATH picks another), built once:
a county with 100 units, 1,225 nominations, 60 judges and 6,000 votes. Pages go through the full
Django stack (middleware, session auth, templates) on bench.settings with DEBUG off. The cut runs in a
transaction that is rolled back, so every run measures the same data. Budgets: voting page p50 ≤ 150
ms, one vote ≤ 100 ms, entries page ≤ 150 ms, cut of 1,225 entries ≤ 2 s. The last line is JSON.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import sys
import time
from collections.abc import Callable
from typing import Any

from bench import db

DB = db.select("awards", "bench-awards.sqlite3", override=os.environ.get("AWARDS_BENCH_SQLITE_PATH"))

import bench._django  # noqa: E402,F401  (Django on bench.settings and the file above)
from bench.timing import p50_p95_ms  # noqa: E402

ENTRIES, UNITS, JUDGES = db.scaled(1225, 40), db.scaled(100, 5), db.scaled(60, 4)
VOTES_PER_JUDGE, FINALISTS = db.scaled(100, 10), db.scaled(100, 10)
RUNS, BASELINE_RUNS = db.scaled(15, 2), db.scaled(200, 10)
BUDGET_MS = {"voting page": 150.0, "one vote": 100.0, "entries page": 150.0, "cut of 1,225": 2000.0}


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build() -> None:
    """The county, the units, 1,225 nominations, 60 judges and their votes (once)."""
    from django.db import transaction
    from django.utils import timezone

    from redvest.accounts.models import Role, RoleAssignment, User
    from redvest.awards.models import AwardCampaign, AwardKind, EntryType, Judge, Nomination, Stage, Vote
    from redvest.core.crypto import encrypt
    from redvest.demo.tree import PlannedNode, write_tree
    from redvest.orgs.models import OrgKind
    from redvest.volunteers.models import Volunteer, VolunteerStatus

    if AwardCampaign.objects.exists():
        return
    rng = random.Random(4)
    now = timezone.now()
    with transaction.atomic():
        plan = PlannedNode(key="root", name="基准市直机关工委", kind=OrgKind.ORG_DEPT, code="330399")
        for u in range(UNITS):
            plan.add(f"unit:{u}", f"市直单位{u:03d}", OrgKind.UNIT)
        index = write_tree(plan)
        root = index["root"].node
        units = [index[f"unit:{u}"].node for u in range(UNITS)]
        token = encrypt("13800000000")
        Volunteer.objects.bulk_create(
            [
                Volunteer(
                    number=f"A{i:09d}",
                    org=units[i % UNITS],
                    name=f"党员{i}",
                    gender="M",
                    birth_date=datetime.date(1980, 1, 1),
                    id_number_encrypted=token,
                    id_number_hash=f"award-bench-id-{i}",
                    id_number_masked="330***********0000",
                    phone_encrypted=token,
                    phone_hash=f"award-bench-phone-{i}",
                    phone_masked="138****0000",
                    political_status="party_member",
                    status=VolunteerStatus.REGISTERED,
                )
                for i in range(ENTRIES)
            ],
            batch_size=2000,
        )
        admin = User.objects.create_user(username="bench-award-admin", password="redvest-bench-pw", name="管理员")
        RoleAssignment.objects.create(user=admin, role=Role.ORG_ADMIN, org=root)
        campaign = AwardCampaign.objects.create(
            name="“好家风·好家训”作品征集评选",
            kind=AwardKind.CUSTOM,
            entry_type=EntryType.VOLUNTEER,
            year=now.year,
            org=root,
            stage=Stage.VOTING,
            nomination_opens=now - datetime.timedelta(days=30),
            nomination_closes=now - datetime.timedelta(days=10),
            voting_opens=now - datetime.timedelta(days=9),
            voting_closes=now + datetime.timedelta(days=30),
            default_quota=13,
            finalists=FINALISTS,
            tiers=[["一等奖", 5], ["二等奖", 10], ["三等奖", 20]],
            created_by=admin,
        )
        volunteers = list(Volunteer.objects.filter(org__path__startswith=root.path).select_related("org"))
        Nomination.objects.bulk_create(
            [
                Nomination(
                    campaign=campaign,
                    org=v.org,
                    entry_type=EntryType.VOLUNTEER,
                    volunteer=v,
                    name=v.name,
                    materials="我的家风家训：勤俭持家，忠厚传家。" * 3,
                    nominated_at=now - datetime.timedelta(days=20, minutes=i),
                )
                for i, v in enumerate(volunteers)
            ],
            batch_size=2000,
        )
        judges = []
        for j in range(JUDGES + 1):  # the last judge has not voted yet (the measured votes are theirs)
            user = User.objects.create_user(username=f"bench-judge-{j}", password="redvest-bench-pw", name=f"评委{j}")
            judges.append(Judge.objects.create(campaign=campaign, user=user, org=units[j % UNITS]))
        entries = list(Nomination.objects.filter(campaign=campaign).values_list("pk", "org_id"))
        votes = []
        for judge in judges[:JUDGES]:
            allowed = [pk for pk, org_id in entries if org_id != judge.org_id]
            votes += [
                Vote(campaign=campaign, judge=judge, nomination_id=pk, cast_at=now)
                for pk in rng.sample(allowed, VOTES_PER_JUDGE)
            ]
        Vote.objects.bulk_create(votes, batch_size=5000)


class _Rollback(Exception):
    pass


def main() -> int:
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from redvest.accounts.models import User
    from redvest.awards.models import AwardCampaign, Judge, Nomination, Vote
    from redvest.awards.services import campaign_cut

    db.migrate()
    started = time.monotonic()
    build()
    _log(f"  数据准备 {time.monotonic() - started:.1f} 秒")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    campaign = AwardCampaign.objects.get()
    admin = User.objects.get(username="bench-award-admin")
    voter = Judge.objects.filter(campaign=campaign).order_by("-pk").select_related("user").first()
    if voter is None:
        raise SystemExit("基准库没有评委")
    judge_client, admin_client = Client(HTTP_HOST="localhost"), Client(HTTP_HOST="localhost")
    judge_client.force_login(voter.user)
    admin_client.force_login(admin)
    fresh = iter(
        Nomination.objects.filter(campaign=campaign)
        .exclude(org_id=voter.org_id)
        .exclude(votes__judge=voter)
        .order_by("pk")
        .values_list("pk", flat=True)[: RUNS + 2]
    )

    def vote_once() -> None:
        response = judge_client.post(f"/awards/entries/{next(fresh)}/vote/", HTTP_HX_REQUEST="true")
        if response.status_code != 200:
            raise SystemExit(f"投票失败：{response.status_code}")

    def cut() -> None:
        try:
            with transaction.atomic():
                campaign_cut(actor=admin, campaign=campaign, now=timezone.now())
                raise _Rollback
        except _Rollback:
            pass

    some = Vote.objects.order_by("pk").values_list("pk", flat=True)[JUDGES * VOTES_PER_JUDGE // 2]
    base_p50, base_p95 = p50_p95_ms(lambda: Vote.objects.filter(pk=some).first(), BASELINE_RUNS)
    targets: dict[str, Callable[[], Any]] = {
        "voting page": lambda: judge_client.get(f"/awards/{campaign.pk}/vote/?page=30"),
        "one vote": vote_once,
        "entries page": lambda: admin_client.get(f"/awards/{campaign.pk}/entries/?page=40"),
        "cut of 1,225": cut,
    }
    results = []
    for name, fn in targets.items():
        with CaptureQueriesContext(connection) as queries:
            fn()
        p50, p95 = p50_p95_ms(fn, RUNS if name != "cut of 1,225" else 5)
        results.append(
            {
                "target": name,
                "p50_ms": round(p50, 1),
                "p95_ms": round(p95, 1),
                "x_baseline": round(p50 / base_p50, 1) if base_p50 else None,
                # Pages: the test client's request_started signal empties the log, so only the cut counts.
                "queries": len(queries) if name == "cut of 1,225" else None,
                "budget_ms": BUDGET_MS[name],
            }
        )
    print(
        f"数据：{Nomination.objects.count()} 个参评对象，{Judge.objects.count()} 位评委，{Vote.objects.count()} 票；"
        f"初评入围 {FINALISTS} 名"
    )
    print(f"基准：按主键取一票 p50 {base_p50:.2f} ms，p95 {base_p95:.2f} ms（{BASELINE_RUNS} 次）")
    print(f"{'target':<20}{'p50 ms':>10}{'p95 ms':>10}{'/base':>10}{'queries':>9}{'budget ms':>11}  verdict")
    failed = False
    for r in results:
        ok = r["p50_ms"] <= r["budget_ms"]
        failed |= not ok
        print(
            f"{r['target']:<20}{r['p50_ms']:>10}{r['p95_ms']:>10}{'x' + str(r['x_baseline']):>10}{r['queries'] if r['queries'] is not None else '—':>9}"
            f"{r['budget_ms']:>11}  {'ok' if ok else 'SLOW'}"
        )
    print(json.dumps({"baseline_pk_fetch_ms": round(base_p50, 3), "targets": results}, ensure_ascii=False))
    return db.exit_status(targets_met=not failed)


if __name__ == "__main__":
    sys.exit(main())
