"""Deterministic people for demo and benchmark data, and the ledger rows that store them.

A `PersonMaker` draws from one seeded `random.Random`: the same seed gives the same people. ID
numbers follow GB 11643 (area + birth date + 3-digit sequence whose parity is the gender + check
digit), exactly as `make_id_number` in the volunteer test factories builds them.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from typing import Any

from redvest.core.crypto import blind_index, encrypt, mask_id_number, mask_phone
from redvest.core.validators import id_check_digit
from redvest.demo import data
from redvest.volunteers.models import IdType, PoliticalStatus, ServiceCategory, Volunteer, VolunteerStatus

MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "157",
    "158",
    "159",
    "177",
    "180",
    "181",
    "182",
    "183",
    "186",
    "187",
    "188",
    "189",
)
SERVICE_CATEGORIES = tuple(c for c in ServiceCategory.values if c != ServiceCategory.OTHER)
# Other 湖州/杭州 area codes, so not every ID number begins with the county's own.
OTHER_AREAS = ("330502", "330503", "330521", "330523", "330106", "330681")


@dataclass(frozen=True)
class Person:
    name: str
    gender: str  # "M" or "F", as the ID number's sequence digit says
    birth_date: datetime.date
    id_number: str
    phone: str


@dataclass(frozen=True)
class Guardian:
    name: str
    phone: str
    consent_date: datetime.date


@dataclass
class Profile:
    """Ledger fields beyond identity: what the person can do and when."""

    political_status: str = PoliticalStatus.PARTY_MEMBER
    status: str = VolunteerStatus.REGISTERED
    skills: list[str] = field(default_factory=list)
    service_categories: list[str] = field(default_factory=list)
    specialties: str = ""
    service_post: str = ""
    availability: str = ""
    work_unit: str = ""
    residence_area: str = ""
    guardian: Guardian | None = None


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class PersonMaker:
    """Unique, valid people: names by gender, ID numbers and phones never repeat within one maker."""

    def __init__(self, rng: random.Random, *, reference: datetime.date, area: str = data.COUNTY_CODE) -> None:
        self.rng = rng
        self.reference = reference
        self.area = area
        self._ids: set[str] = set()
        self._phones: set[str] = set()
        # Where people live is drawn from its own stream, so the other draws stay as they were.
        self._homes = random.Random(data.DEMO_SEED + 1)

    def reserve_phone(self, phone: str) -> None:
        self._phones.add(phone)

    def name(self, gender: str) -> str:
        rng = self.rng
        surname = rng.choices(data.SURNAMES, weights=data.SURNAME_WEIGHTS)[0]
        chars = data.MALE_CHARS if gender == "M" else data.FEMALE_CHARS
        if rng.random() < 0.25:
            return surname + rng.choice(chars)
        first = rng.choice(data.SHARED_CHARS) if rng.random() < 0.2 else rng.choice(chars)
        return surname + first + rng.choice(chars)

    def phone(self) -> str:
        while True:
            phone = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if phone not in self._phones:
                self._phones.add(phone)
                return phone

    def birth_date(self, *, min_age: int, max_age: int) -> datetime.date:
        """A birth date giving an age in [min_age, max_age] on the reference day."""
        latest = years_before(self.reference, min_age)
        earliest = years_before(self.reference, max_age + 1) + datetime.timedelta(days=1)
        return earliest + datetime.timedelta(days=self.rng.randrange((latest - earliest).days + 1))

    def id_number(self, *, birth: datetime.date, gender: str, area: str) -> str:
        while True:
            seq = self.rng.randrange(500) * 2 + (1 if gender == "M" else 0)
            first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
            number = first17 + id_check_digit(first17)
            if number not in self._ids:
                self._ids.add(number)
                return number

    def make(self, *, min_age: int = 23, max_age: int = 60, gender: str | None = None) -> Person:
        rng = self.rng
        gender = gender or ("M" if rng.random() < 0.56 else "F")
        birth = self.birth_date(min_age=min_age, max_age=max_age)
        area = self.area if rng.random() < 0.85 else rng.choice(OTHER_AREAS)
        return Person(
            name=self.name(gender),
            gender=gender,
            birth_date=birth,
            id_number=self.id_number(birth=birth, gender=gender, area=area),
            phone=self.phone(),
        )

    def guardian_for(self, child: Person) -> Guardian:
        parent_gender = "M" if self.rng.random() < 0.5 else "F"
        given = self.name(parent_gender)[1:]
        return Guardian(
            name=child.name[0] + given,
            phone=self.phone(),
            consent_date=self.reference - datetime.timedelta(days=self.rng.randrange(20, 200)),
        )

    def home(self, town: str, community: str = "") -> str:
        """A 居住地区 naming the village or community (the recommendation places volunteers by it)."""
        villages = dict(data.TOWNS).get(town, ())
        if not community and villages:
            community = self._homes.choice(villages)
        return f"{data.COUNTY_PLACE}{town}{community}"

    def profile(self, *, political_status: str, work_unit: str, town: str, community: str = "") -> Profile:
        rng = self.rng
        return Profile(
            political_status=political_status,
            skills=sorted(rng.sample(data.SKILLS, rng.randint(1, 3))),
            service_categories=sorted(rng.sample(SERVICE_CATEGORIES, rng.randint(1, 3))),
            specialties=rng.choice(data.SPECIALTIES),
            service_post=rng.choice(data.SERVICE_POSTS),
            availability=rng.choice(data.AVAILABILITY),
            work_unit=work_unit,
            residence_area=self.home(town, community),
        )


def volunteer_number(*, area: str, year: int, seq: int) -> str:
    """Area code + year + 6-digit sequence, as the registry issues them."""
    return f"{area}{year}{seq:06d}"


def volunteer_row(
    person: Person, profile: Profile, *, number: str, org_id: int, party_org_id: int | None = None
) -> Volunteer:
    """An unsaved Volunteer with the encrypted, hashed and masked columns the registry service writes."""
    guardian = profile.guardian
    extra: dict[str, Any] = {}
    if guardian is not None:
        extra = {
            "guardian_name": guardian.name,
            "guardian_phone_encrypted": encrypt(guardian.phone),
            "guardian_consent_date": guardian.consent_date,
        }
    return Volunteer(
        number=number,
        org_id=org_id,
        party_org_id=party_org_id,
        name=person.name,
        gender=person.gender,
        birth_date=person.birth_date,
        id_type=IdType.RESIDENT_ID,
        id_number_encrypted=encrypt(person.id_number),
        id_number_hash=blind_index(person.id_number),
        id_number_masked=mask_id_number(person.id_number),
        phone_encrypted=encrypt(person.phone),
        phone_hash=blind_index(person.phone),
        phone_masked=mask_phone(person.phone),
        residence_area=profile.residence_area,
        skills=profile.skills,
        service_categories=profile.service_categories,
        political_status=profile.political_status,
        work_unit=profile.work_unit,
        specialties=profile.specialties,
        service_post=profile.service_post,
        availability=profile.availability,
        status=profile.status,
        **extra,
    )
