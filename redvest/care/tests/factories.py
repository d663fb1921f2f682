"""One factory per care model, minimal defaults, and a small world of people around community_a."""

from __future__ import annotations

import datetime
from typing import Any

import factory
from django.utils import timezone

from redvest.accounts.models import Role, User
from redvest.care.models import (
    CareCategory,
    CareConsent,
    CarePairing,
    CareRecipient,
    CareVisit,
    ConsentGiver,
    ConsentMethod,
)
from redvest.core.crypto import blind_index, encrypt, mask_phone
from redvest.orgs.models import OrgKind, OrgNode
from redvest.orgs.tests.factories import OrgTree, org_node, role_user
from redvest.teams.tests.factories import TeamFactory, leader_login, org_admin_at, volunteer_login


class CareRecipientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareRecipient

    class Params:
        raw_phone = factory.Sequence(lambda n: f"139{n % 100000000:08d}")

    org = factory.LazyFunction(lambda: org_node(name="城东社区", kind=OrgKind.COMMUNITY))
    name = factory.Sequence(lambda n: f"帮扶对象{n}")
    gender = "F"
    birth_year = 1940
    category = CareCategory.LONELY_ELDERLY
    address = "城东路8号"
    phone_encrypted = factory.LazyAttribute(lambda o: encrypt(o.raw_phone))
    phone_hash = factory.LazyAttribute(lambda o: blind_index(o.raw_phone))
    phone_masked = factory.LazyAttribute(lambda o: mask_phone(o.raw_phone))


class CarePairingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CarePairing

    recipient = factory.SubFactory(CareRecipientFactory)
    started_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    next_visit_due = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))


class CareConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareConsent

    recipient = factory.SubFactory(CareRecipientFactory)
    given_by = ConsentGiver.SELF
    giver_name = factory.LazyAttribute(lambda o: o.recipient.name)
    method = ConsentMethod.WRITTEN
    given_on = factory.LazyFunction(timezone.localdate)


class CareVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareVisit

    recipient = factory.SubFactory(CareRecipientFactory)
    visited_on = factory.LazyFunction(timezone.localdate)
    duration_minutes = 30


class CareWorld:
    """OrgTree plus community_b under town_b; an org admin at town_a and one at town_b; a volunteer
    paired with `recipient` (at community_a); a team (leader login) paired with it too; another
    volunteer with no pairing; a dispatcher and a station keeper at town_a."""

    def __init__(self) -> None:
        self.tree = OrgTree()
        self.community_a: OrgNode = self.tree.community_a
        self.community_b = org_node(name="画溪社区", kind=OrgKind.COMMUNITY, parent=self.tree.town_b)
        self.admin = org_admin_at(self.tree.town_a)
        self.other_admin = org_admin_at(self.tree.town_b)
        self.system_admin: User = role_user(role=Role.SYSTEM_ADMIN, org=self.tree.county)
        self.dispatcher: User = role_user(role=Role.DISPATCHER, org=self.tree.town_a)
        self.keeper: User = role_user(role=Role.STATION_KEEPER, org=self.tree.town_a)
        self.volunteer_user = volunteer_login(self.community_a)
        self.volunteer = self.volunteer_user.volunteer
        self.stranger = volunteer_login(self.community_a)
        self.team = TeamFactory(org=self.tree.town_a)
        self.leader = leader_login(self.team)
        self.recipient = CareRecipientFactory(org=self.community_a)
        self.pairing = CarePairingFactory(recipient=self.recipient, volunteer=self.volunteer)
        self.team_pairing = CarePairingFactory(recipient=self.recipient, team=self.team)
        self.far_recipient = CareRecipientFactory(org=self.community_b)

    def fresh(self, user: User) -> Any:
        """The same user without cached grants (grants are cached per user object)."""
        return User.objects.get(pk=user.pk)
