"""The province generator of `make bench-pg` (PostgreSQL only: it writes with COPY), at its smallest size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import F, Sum

from bench import province_data
from redvest.core.crypto import blind_index
from redvest.orgs.models import OrgNode
from redvest.points.models import AccountKind, PointsAccount, PointsEntry
from redvest.records.models import ServiceRecord, ServiceTotal
from redvest.records.selectors import monthly_total_drift, total_org_drift
from redvest.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated() -> province_data.Sizes:
    if connection.vendor != "postgresql":
        pytest.skip("bench-pg writes with PostgreSQL's COPY")
    wanted = province_data.sizes(0.0)  # every count at its floor
    assert province_data.present(wanted) is None
    province_data.generate(wanted)
    return wanted


def test_every_table_gets_its_size_and_the_marker_says_so(generated: province_data.Sizes) -> None:
    counts = province_data.counts()
    assert counts["org_nodes"] == generated.org_nodes
    assert counts["volunteers"] == generated.volunteers
    assert counts["service_records"] == generated.records
    assert counts["points_entries"] == generated.points_entries
    assert counts["demand_requests"] == generated.requests
    assert province_data.present(generated) is True
    assert province_data.present(province_data.sizes(0.5)) is False


def test_the_tree_is_a_valid_materialized_path_tree(generated: province_data.Sizes) -> None:
    root = OrgNode.objects.get_root_nodes().get()
    assert OrgNode.objects.get_descendants(root).count() == generated.org_nodes - 1
    assert OrgNode.objects.get_children(root).count() == generated.counties
    county = OrgNode.objects.get_children(root).first()
    assert county is not None
    assert county.numchild == OrgNode.objects.get_children(county).count() == generated.towns_per_county
    OrgNode.objects.add_child(county, {"name": "新增镇", "kind": "town"})  # identity sequence moved past the COPY


def test_encrypted_columns_decrypt_and_the_keyed_hash_finds_the_person(generated: province_data.Sizes) -> None:
    id_number, phone, _birth = province_data._person(7)
    volunteer = Volunteer.objects.get(phone_hash=blind_index(phone))
    assert volunteer.phone == phone
    assert volunteer.id_number == id_number
    assert Volunteer.objects.get(id_number_hash=blind_index(id_number)).pk == volunteer.pk
    assert Volunteer.objects.values("phone_hash").distinct().count() == generated.volunteers


def test_totals_and_balances_agree_with_their_ledgers(generated: province_data.Sizes) -> None:
    ledger = ServiceRecord.objects.aggregate(m=Sum("minutes"))["m"]
    assert ServiceTotal.objects.aggregate(m=Sum("minutes"))["m"] == ledger
    # each entry credited to its volunteer's org, as record_append does; the totals per org and month agree
    assert not ServiceRecord.objects.exclude(org_id=F("volunteer__org_id")).exists()
    assert total_org_drift() == [] and monthly_total_drift() == []
    assert PointsEntry.objects.aggregate(d=Sum("delta"))["d"] == 0  # every earn moves points out of a bank
    account = PointsAccount.objects.filter(kind=AccountKind.VOLUNTEER, balance__gt=0).first()
    assert account is not None
    assert account.balance == PointsEntry.objects.filter(account=account).aggregate(d=Sum("delta"))["d"]
    last = PointsEntry.objects.filter(account=account).order_by("-id").first()
    assert last is not None and last.balance_after == account.balance
