"""An exported batch re-imported into an empty deployment reproduces the volunteers, teams, activities and
per-volunteer hours (转移接续: numbers kept, time as transferred, never as local credit)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection

from redvest.exchange.models import (
    BatchStatus,
    ReceivedProject,
    ReceivedTeam,
    TransferredHonour,
    TransferredService,
    TransferredTraining,
)
from redvest.exchange.services import exchange_export_request, exchange_import_check, exchange_import_confirm
from redvest.exchange.tests.factories import county, credit_by_number, package_files, read_batch, upload_of
from redvest.orgs.models import OrgKind
from redvest.orgs.tests.factories import org_node
from redvest.records.models import ServiceRecord, ServiceTotal
from redvest.teams.models import Team
from redvest.teams.tests.factories import member_of, org_admin_at
from redvest.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def _wipe() -> None:
    """Empty every table inside the test's transaction (PostgreSQL first fires the deferred foreign-key
    checks, which TRUNCATE refuses to leave pending)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)


def test_export_import_into_an_empty_deployment_reproduces_the_county(django_capture_on_commit_callbacks):
    src = county(people=4)
    with django_capture_on_commit_callbacks(execute=True):
        batch = exchange_export_request(actor=src.admin, org=src.county)
    data = read_batch(batch)
    assert batch.status == BatchStatus.DONE
    volunteers = {
        v.number: (v.name, v.gender, v.birth_date, v.id_number, v.phone, v.political_status)
        for v in Volunteer.objects.all()
    }
    teams = set(Team.objects.values_list("name", flat=True))
    hours = credit_by_number(ServiceRecord.objects.values_list("volunteer__number", "kind", "minutes"))
    assert hours[(src.volunteers[0].number, "credit")] == 30  # 60 minutes less a 30-minute correction

    # The receiving side: another deployment, empty (nothing of the source is left in the database).
    _wipe()
    ContentType.objects.clear_cache()
    assert not Volunteer.objects.exists()
    root = org_node(name="安吉县", kind=OrgKind.ORG_DEPT, code="330523")
    admin = org_admin_at(root)

    checked = exchange_import_check(actor=admin, org=root, upload=upload_of(data))
    assert checked.status == BatchStatus.CHECKED
    assert checked.error_count == 0, checked.row_errors
    assert not Volunteer.objects.exists()  # a dry run writes nothing
    with django_capture_on_commit_callbacks(execute=True):
        exchange_import_confirm(actor=admin, batch=checked)
    checked.refresh_from_db()
    assert checked.status == BatchStatus.DONE, checked.message

    got = {
        v.number: (v.name, v.gender, v.birth_date, v.id_number, v.phone, v.political_status)
        for v in Volunteer.objects.all()
    }
    assert got == volunteers  # volunteer numbers kept
    assert set(ReceivedTeam.objects.values_list("name", flat=True)) == teams
    assert list(ReceivedProject.objects.values_list("title", flat=True)) == ["城东社区清洁"]
    moved = credit_by_number(TransferredService.objects.values_list("volunteer__number", "kind", "minutes"))
    assert moved == hours
    assert TransferredHonour.objects.filter(kind="certificate").count() == 1
    training = TransferredTraining.objects.get()
    assert (training.volunteer.number, training.minutes) == (src.volunteers[0].number, 90)
    # Transferred, never local credit: no ledger rows, no totals, so no rankings or points.
    assert not ServiceRecord.objects.exists()
    assert not ServiceTotal.objects.exists()

    # The same package again adds nothing: every person is a duplicate, every row already received.
    again = exchange_import_check(actor=admin, org=root, upload=upload_of(data))
    assert again.counts["志愿者"]["duplicates"] == 4
    assert again.counts["服务时长"]["ok"] == 0
    assert again.counts["服务时长"]["duplicates"] == len(hours) + 1


def test_manifest_names_the_standard_files_counts_and_digests(django_capture_on_commit_callbacks):
    src = county(people=2)
    with django_capture_on_commit_callbacks(execute=True):
        batch = exchange_export_request(actor=src.admin, org=src.county)
    files = package_files(read_batch(batch))
    manifest = json.loads(files["manifest.json"])
    assert "志愿服务信息系统基本规范" in manifest["standard"]
    assert manifest["source_code"] == "330522"
    rows = {entry["name"]: entry["rows"] for entry in manifest["files"]}
    assert rows["volunteers.csv"] == 2
    assert rows["teams.csv"] == 2
    assert rows["projects.csv"] == 1
    volunteers = list(csv.DictReader(io.StringIO(files["volunteers.csv"])))
    assert {v["性别代码"] for v in volunteers} == {"1"}
    assert {v["政治面貌代码"] for v in volunteers} == {"01"}
    assert all(len(v["证件号码摘要"]) == 64 for v in volunteers)


def test_next_export_takes_only_what_changed_since(django_capture_on_commit_callbacks):
    src = county(people=2)
    with django_capture_on_commit_callbacks(execute=True):
        first = exchange_export_request(actor=src.admin, org=src.county)
    first.refresh_from_db()
    member_of(src.teams[0])
    with django_capture_on_commit_callbacks(execute=True):
        second = exchange_export_request(actor=src.admin, org=src.county)
    second.refresh_from_db()
    assert second.since == first.until
    assert second.counts["志愿者"] == 1
    assert second.counts["志愿团体"] == 0
    assert second.counts["服务时长"] == 0
