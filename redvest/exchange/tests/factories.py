"""A small county to exchange: teams, volunteers, an activity, service time (credit and honour) and a
certificate, with helpers to run an export and read its package."""

from __future__ import annotations

import datetime
import io
import zipfile
from dataclasses import dataclass
from typing import Any

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from redvest.accounts.models import User
from redvest.activities.models import Activity
from redvest.activities.tests.factories import ActivityFactory
from redvest.exchange.models import BatchStatus, Direction, ExchangeBatch
from redvest.orgs.models import OrgKind, OrgNode
from redvest.orgs.tests.factories import org_node
from redvest.publicity.tests.factories import AttendanceMarkFactory, EnrolmentFactory, TrainingSessionFactory
from redvest.records.models import RecordKind, RecordSource
from redvest.records.tests.factories import CertificateFactory, post_record
from redvest.teams.models import Team
from redvest.teams.tests.factories import TeamFactory, member_of, org_admin_at
from redvest.volunteers.models import Volunteer


class ExchangeBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExchangeBatch

    direction = Direction.EXPORT
    status = BatchStatus.DONE


@dataclass
class County:
    county: OrgNode
    town: OrgNode
    other_town: OrgNode
    admin: User
    teams: list[Team]
    volunteers: list[Volunteer]
    activity: Activity


def county(*, name: str = "长兴县", code: str = "330522", people: int = 3) -> County:
    root = org_node(name=name, kind=OrgKind.ORG_DEPT, code=code)
    town = org_node(name="雉城街道", kind=OrgKind.TOWN, parent=root, code="")
    other = org_node(name="画溪街道", kind=OrgKind.TOWN, parent=root, code="")
    teams = [TeamFactory(org=town, name="雉城先锋队"), TeamFactory(org=other, name="画溪应急队")]
    volunteers = [member_of(teams[i % 2]) for i in range(people)]
    activity = ActivityFactory(org=town, title="城东社区清洁")
    activity.teams.set([teams[0]])
    for i, v in enumerate(volunteers):
        post_record(volunteer=v, minutes=60 * (i + 1), activity=activity)
    if volunteers:
        post_record(volunteer=volunteers[0], minutes=-30, activity=activity, source=RecordSource.CORRECTION)
        post_record(volunteer=volunteers[0], minutes=45, kind=RecordKind.HONOUR, source=RecordSource.HONOUR,
                    served_on=datetime.date(2026, 3, 5))  # fmt: skip
        CertificateFactory(volunteer=volunteers[-1])
        session = TrainingSessionFactory(org=town, minutes=90)
        AttendanceMarkFactory(enrolment=EnrolmentFactory(session=session, volunteer=volunteers[0]))
    return County(root, town, other, org_admin_at(root), teams, volunteers, activity)


def package_files(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n).decode("utf-8-sig") for n in zf.namelist()}


def package_upload(files: dict[str, str], name: str = "package.zip") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for filename, text in files.items():
            zf.writestr(filename, ("\ufeff" + text if filename.endswith(".csv") else text).encode())
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/zip")


def read_batch(batch: ExchangeBatch) -> bytes:
    batch.refresh_from_db()
    with batch.file.open("rb") as fh:
        return fh.read()


def upload_of(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("package.zip", data, content_type="application/zip")


def credit_by_number(rows: Any) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    for number, kind, minutes in rows:
        out[(number, kind)] = out.get((number, kind), 0) + minutes
    return out
