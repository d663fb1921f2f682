"""Two taps at once on PostgreSQL: the judge's row lock and the unique constraint let one vote in."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.utils import timezone

from redvest.awards import services
from redvest.awards.errors import AlreadyVoted
from redvest.awards.models import Vote
from redvest.awards.tests.factories import Contest

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"),
]


def test_two_simultaneous_votes_for_the_same_entry_record_one() -> None:
    contest = Contest()
    entry = contest.entry(contest.town_b)
    user = contest.judge_a.user

    def tap() -> str:
        try:
            services.vote_cast(actor=user, nomination=entry, now=timezone.now())
            return "ok"
        except AlreadyVoted as exc:
            return exc.message
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(lambda _: tap(), range(2)))
    assert outcomes == ["ok", "已对该参评对象投过票"]
    assert Vote.objects.filter(nomination=entry).count() == 1
