"""`audit_record_many`: the bulk writes' audit rows, labelled as `audit_record` labels them, in a constant
number of queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from redvest.accounts.models import Role
from redvest.audit.models import AuditAction, AuditEntry
from redvest.audit.services import AuditItem, audit_record, audit_record_many
from redvest.orgs.tests.factories import OrgTree, role_user
from redvest.teams.tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


def test_bulk_rows_read_like_single_ones() -> None:
    tree = OrgTree()
    admin = role_user(role=Role.ORG_ADMIN, org=tree.county)
    team = TeamFactory(org=tree.town_a)
    single = audit_record(
        actor=admin, action="update", target=team, org=tree.town_a, after={"name": "甲"}, reason="改名"
    )
    written = audit_record_many(
        actor=admin,
        action=AuditAction.UPDATE,
        items=[AuditItem.of(team, org_id=tree.town_a.pk, after={"name": "甲"})],
        reason="改名",
    )
    bulk = AuditEntry.objects.exclude(pk=single.pk).get()
    fields = ("actor_id", "action", "target_type", "target_id", "target_repr", "org_id", "before", "after", "reason")
    assert written == 1
    assert [getattr(bulk, f) for f in fields] == [getattr(single, f) for f in fields]


def test_bulk_rows_without_instances_and_without_actor() -> None:
    audit_record_many(
        actor=None,
        action=AuditAction.UPDATE,
        items=(
            AuditItem("activities.activity", pk, f"活动{pk}", None, {"status": "a"}, {"status": "b"}) for pk in (1, 2)
        ),
        reason="x" * 600,
    )
    rows = list(AuditEntry.objects.order_by("target_id").values_list("actor_id", "target_id", "target_repr", "reason"))
    assert rows == [(None, "1", "活动1", "x" * 500), (None, "2", "活动2", "x" * 500)]


def test_bulk_rows_cost_the_same_queries_for_one_and_a_hundred(django_assert_num_queries: Any) -> None:
    def items(n: int) -> list[AuditItem]:
        return [AuditItem("teams.team", pk, f"队{pk}") for pk in range(n)]

    with CaptureQueriesContext(connection) as one:
        audit_record_many(actor=None, action=AuditAction.CREATE, items=items(1))
    with django_assert_num_queries(len(one)):
        audit_record_many(actor=None, action=AuditAction.CREATE, items=items(100))
    assert AuditEntry.objects.count() == 101
