"""One factory per publicity model, minimal defaults; helpers for PNG uploads and logins."""

from __future__ import annotations

import datetime
import io
from typing import Any

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from redvest.accounts.models import Role, User
from redvest.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from redvest.orgs.models import OrgNode
from redvest.orgs.tests.factories import org_node
from redvest.publicity.models import (
    AttendanceMark,
    Commitment,
    CommitmentSetting,
    Enrolment,
    Exemplar,
    ExemplarStatus,
    TrainingCategory,
    TrainingSession,
)
from redvest.volunteers.models import Volunteer
from redvest.volunteers.tests.factories import VolunteerFactory


def png_bytes(size: tuple[int, int] = (4, 4)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def png_upload(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def admin_at(node: OrgNode) -> User:
    return RoleAssignmentFactory(role=Role.ORG_ADMIN, org=node).user  # type: ignore[no-any-return]


def volunteer_login(node: OrgNode, **kw: Any) -> Volunteer:
    """A registered volunteer with a login at `node`."""
    return VolunteerFactory(org=node, user=UserFactory(), **kw)  # type: ignore[no-any-return]


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    volunteer = factory.SubFactory(VolunteerFactory, org=factory.LazyFunction(lambda: org_node(name="城东社区")))
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    setting = CommitmentSetting.COMMUNITY
    text = "每月参加两次志愿服务"


class ExemplarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exemplar
        skip_postgeneration_save = True

    org = factory.LazyFunction(lambda: org_node(name="城东社区"))
    title = factory.Sequence(lambda n: f"先进典型{n}")
    body = "带头清理小区垃圾，美化小区环境。"
    status = ExemplarStatus.DRAFT

    @factory.post_generation
    def people(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]  # noqa: N805
        if create and extracted:
            obj.volunteers.set(extracted)


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    org = factory.LazyFunction(lambda: org_node(name="雉城街道"))
    title = factory.Sequence(lambda n: f"志愿服务培训{n}")
    category = TrainingCategory.SKILLS
    trainer = "王老师"
    place = "党群服务中心"
    starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))
    minutes = 120
    capacity = 30


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    session = factory.SubFactory(TrainingSessionFactory)
    volunteer = factory.SubFactory(VolunteerFactory, org=factory.SelfAttribute("..session.org"))


class AttendanceMarkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AttendanceMark

    enrolment = factory.SubFactory(EnrolmentFactory)
    volunteer = factory.SelfAttribute("enrolment.volunteer")
    session = factory.SelfAttribute("enrolment.session")
    attended = True
