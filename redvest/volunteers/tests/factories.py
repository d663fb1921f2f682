from __future__ import annotations

import datetime
import random
from typing import Any

import factory

from redvest.core.crypto import blind_index, encrypt, mask_id_number, mask_phone
from redvest.core.validators import id_check_digit
from redvest.teams.models import Team
from redvest.teams.tests.factories import MembershipFactory
from redvest.volunteers.models import PoliticalStatus, Volunteer, VolunteerStatus, VolunteerTransfer
from redvest.volunteers.services import VolunteerData


def make_id_number(*, birth: datetime.date, seq: int, area: str = "330522") -> str:
    """A checksum-valid 18-digit resident ID number for tests and demo data."""
    first17 = f"{area}{birth:%Y%m%d}{seq % 1000:03d}"
    return first17 + id_check_digit(first17)


def make_phone(seq: int) -> str:
    return f"138{seq % 100000000:08d}"


class VolunteerFactory(factory.django.DjangoModelFactory):
    """Writes the encrypted columns directly, as the registration service would."""

    class Meta:
        model = Volunteer

    class Params:
        seq = factory.Sequence(lambda n: n + 1)
        # Born 1970–1999: always an adult (a 2009 birth year made some volunteers minors, whose records
        # fail revalidation without a guardian, depending on how many volunteers a test worker had made).
        raw_id = factory.LazyAttribute(
            lambda o: make_id_number(
                birth=datetime.date(1970 + o.seq % 30, 1 + o.seq % 12, 1 + o.seq % 28), seq=o.seq // 30 * 2 + 1
            )
        )
        raw_phone = factory.LazyAttribute(lambda o: make_phone(o.seq + random.randint(0, 10**6) * 100))

    number = factory.Sequence(lambda n: f"3305222026{n:06d}")
    name = factory.Sequence(lambda n: f"志愿者{n}")
    gender = "M"
    birth_date = factory.LazyAttribute(
        lambda o: datetime.date(int(o.raw_id[6:10]), int(o.raw_id[10:12]), int(o.raw_id[12:14]))
    )
    id_number_encrypted = factory.LazyAttribute(lambda o: encrypt(o.raw_id))
    id_number_hash = factory.LazyAttribute(lambda o: blind_index(o.raw_id))
    id_number_masked = factory.LazyAttribute(lambda o: mask_id_number(o.raw_id))
    phone_encrypted = factory.LazyAttribute(lambda o: encrypt(o.raw_phone))
    phone_hash = factory.LazyAttribute(lambda o: blind_index(o.raw_phone))
    phone_masked = factory.LazyAttribute(lambda o: mask_phone(o.raw_phone))
    political_status = PoliticalStatus.PARTY_MEMBER
    status = VolunteerStatus.REGISTERED


def person(seq: int = 1, *, birth: datetime.date = datetime.date(1985, 6, 15), **overrides: Any) -> VolunteerData:
    """Valid input for one adult party member; override any field."""
    values: dict[str, Any] = {
        "name": f"张三{seq}",
        "id_number": make_id_number(birth=birth, seq=seq * 2 + 1),
        "phone": make_phone(seq),
        "political_status": "party_member",
        "skills": ["急救"],
        "service_categories": ["community"],
    }
    values.update(overrides)
    return VolunteerData(**values)


def member_of(team: Team, **kwargs: Any) -> Volunteer:
    """A factory volunteer at the team's org, with the team as organisational team."""
    volunteer = VolunteerFactory(org=team.org, **kwargs)
    MembershipFactory(team=team, volunteer=volunteer)
    return volunteer


class VolunteerTransferFactory(factory.django.DjangoModelFactory):
    """A pending 转移接续 from the volunteer's org to `to_org` (pass it)."""

    class Meta:
        model = VolunteerTransfer

    volunteer = factory.SubFactory(VolunteerFactory)
    from_org = factory.SelfAttribute("volunteer.org")
    reason = "工作调动"
