"""Check-in burst (issue 4): 300 approved volunteers check in to one running activity at once, over
HTTP on the harness's gunicorn, against a bare single-insert view (`POST /bench/insert/`) hit by the
same 300 tokens with the same concurrency in the same run.

`python -m bench.checkin prepare` (Django on bench.settings) makes, or reuses, the activity (running
now, at a known position, geofence 500 m), 300 registered volunteers with logins, approved sign-ups
and fresh API tokens, clears earlier attendances and baseline rows, and prints one JSON line.
`python -m bench.checkin verify <activity_id>` prints the attendance and baseline row counts.
`burst(base, prepared)` sends the requests (only to the given 127.0.0.1 base URL).
"""

from __future__ import annotations

import datetime
import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import requests

VOLUNTEERS = 300
TITLE = "基准签到活动"
SECRET = "bench-checkin-secret"
LATITUDE = "30.900000"
LONGITUDE = "119.900000"
HERE = {"latitude": "30.900100", "longitude": "119.900000"}  # about 11 m from the activity
TABLE = "bench_insert"
TIMEOUT_S = 120.0
TARGET_RATIO = 0.5


def _setup() -> None:
    import django

    django.setup()


def prepare() -> dict[str, Any]:
    from django.db import connection, transaction
    from django.utils import timezone

    from redvest.accounts.models import ApiToken, User
    from redvest.activities.models import Activity, ActivityStatus, Attendance, SignUp, SignUpStatus
    from redvest.orgs.models import OrgNode
    from redvest.volunteers.models import Volunteer, VolunteerStatus

    now = timezone.now()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {TABLE} (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, at TEXT NOT NULL)"
            )
            cursor.execute(f"DELETE FROM {TABLE}")
        root = OrgNode.objects.get_root_nodes().first()
        if root is None:
            raise RuntimeError("基准库没有组织节点")
        activity = Activity.objects.filter(title=TITLE).first() or Activity(title=TITLE, org=root)
        activity.category = activity.category or "other"
        activity.place = "基准签到地点"
        activity.latitude, activity.longitude = LATITUDE, LONGITUDE  # type: ignore[assignment]
        activity.geofence_radius_m = 500
        activity.start_at = now - datetime.timedelta(minutes=10)
        activity.end_at = now + datetime.timedelta(hours=3)
        activity.recruit_start = now - datetime.timedelta(days=7)
        activity.recruit_end = now - datetime.timedelta(minutes=10)
        activity.quota = VOLUNTEERS
        activity.status = ActivityStatus.PUBLISHED
        activity.published_at = activity.published_at or now
        activity.checkin_secret = SECRET
        activity.save()
        Attendance.objects.filter(activity=activity).delete()
        usernames = [f"bench-checkin-{i:03d}" for i in range(VOLUNTEERS)]
        users = {u.username: u for u in User.objects.filter(username__in=usernames)}
        for name in usernames:
            if name not in users:
                user = User(username=name, name=name)
                user.set_unusable_password()
                user.save()
                users[name] = user
        linked = dict(Volunteer.objects.filter(user__in=users.values()).values_list("user_id", "pk"))
        free = iter(
            Volunteer.objects.filter(user__isnull=True, status=VolunteerStatus.REGISTERED)
            .order_by("pk")
            .values_list("pk", flat=True)[: VOLUNTEERS - len(linked)]
        )
        for user in users.values():
            if user.pk not in linked:
                pk = next(free)
                Volunteer.objects.filter(pk=pk).update(user=user)
                linked[user.pk] = pk
        have = set(SignUp.objects.filter(activity=activity).values_list("volunteer_id", flat=True))
        SignUp.objects.bulk_create(
            [
                SignUp(activity=activity, volunteer_id=pk, status=SignUpStatus.APPROVED)
                for pk in linked.values()
                if pk not in have
            ]
        )
        SignUp.objects.filter(activity=activity).update(status=SignUpStatus.APPROVED)
        ApiToken.objects.filter(user__in=users.values()).delete()
        tokens = []
        for name in usernames:
            key = f"bench-checkin-token-{name}-{int(now.timestamp())}"
            ApiToken.objects.create(
                user=users[name], key_hash=ApiToken.hash_key(key), expires_at=now + datetime.timedelta(days=1)
            )
            tokens.append(key)
    return {"activity_id": activity.pk, "secret": SECRET, "tokens": tokens}


def verify(activity_id: int) -> dict[str, int]:
    from django.db import connection
    from django.db.models import Count

    from redvest.activities.models import Attendance

    counts = Attendance.objects.filter(activity_id=activity_id).aggregate(
        rows=Count("id"), volunteers=Count("volunteer_id", distinct=True)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), COUNT(DISTINCT user_id) FROM {TABLE}")
        base_rows, base_users = cursor.fetchone()
    return {
        "attendance_rows": int(counts["rows"]),
        "attendance_volunteers": int(counts["volunteers"]),
        "insert_rows": int(base_rows),
        "insert_users": int(base_users),
    }


@dataclass
class Burst:
    name: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def _fire(name: str, url: str, tokens: list[str], body: Any) -> Burst:
    """One request per token, all threads released together by a barrier."""
    result = Burst(name=name)
    barrier = threading.Barrier(len(tokens))
    lock = threading.Lock()

    def one(token: str) -> None:
        payload = body() if callable(body) else body
        barrier.wait()
        t0 = time.perf_counter()
        try:
            status = requests.post(
                url, json=payload, headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT_S
            ).status_code
        except requests.RequestException:
            status = 0
        ms = (time.perf_counter() - t0) * 1000
        with lock:
            result.latencies.append(ms)
            result.statuses[status] = result.statuses.get(status, 0) + 1

    started = time.perf_counter()
    with ThreadPoolExecutor(len(tokens)) as pool:
        list(pool.map(one, tokens))
    result.seconds = time.perf_counter() - started
    return result


def burst(base: str, prepared: dict[str, Any]) -> tuple[Burst, Burst]:
    from redvest.activities.codes import code_at

    tokens: list[str] = prepared["tokens"]
    baseline = _fire("insert baseline", f"{base}/bench/insert/", tokens, {"n": 1})

    def body() -> dict[str, str]:
        return {"code": code_at(prepared["secret"], datetime.datetime.now(datetime.UTC)), **HERE}

    checkin = _fire("check-in", f"{base}/api/v1/activities/{prepared['activity_id']}/check-in", tokens, body)
    return baseline, checkin


def main() -> int:
    _setup()
    if sys.argv[1:2] == ["prepare"]:
        print(json.dumps(prepare()))
    elif sys.argv[1:2] == ["verify"]:
        print(json.dumps(verify(int(sys.argv[2]))))
    else:
        print("usage: python -m bench.checkin prepare | verify <activity_id>", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
