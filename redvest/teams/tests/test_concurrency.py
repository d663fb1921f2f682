"""Real concurrent transactions (file SQLite or PostgreSQL): the volunteer lock serialises transfers."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from redvest.orgs.tests.factories import OrgTree
from redvest.teams.models import Membership, Team
from redvest.teams.services import membership_assign_org_team
from redvest.teams.tests.factories import TeamFactory, member_of


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_transfers_of_one_volunteer_end_with_exactly_one_org_team() -> None:
    tree = OrgTree()
    old, first, second = (TeamFactory(org=tree.town_a) for _ in range(3))
    volunteer = member_of(old)
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def transfer(team: Team) -> None:
        try:
            barrier.wait(timeout=10)
            membership_assign_org_team(actor=None, volunteer=volunteer, team=team)
        except BaseException as exc:  # collected for the assertion below, the thread must not die silently
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=transfer, args=(team,)) for team in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    current = Membership.objects.filter(volunteer=volunteer, kind="org", left_at__isnull=True)
    assert current.count() == 1
    assert current.get().team_id in {first.pk, second.pk}
    # Both transfers happened, one after the other: old → one team → the other, all kept as history.
    assert Membership.objects.filter(volunteer=volunteer).count() == 3
    assert Membership.objects.get(volunteer=volunteer, team=old).left_at is not None
