"""One factory per 联户 model, minimal defaults."""

from __future__ import annotations

import factory
from django.utils import timezone

from redvest.core.crypto import blind_index, encrypt, mask_phone
from redvest.households.models import ContactWay, Household, HouseholdContact
from redvest.orgs.models import OrgKind
from redvest.orgs.tests.factories import org_node
from redvest.teams.tests.factories import TeamFactory


class HouseholdFactory(factory.django.DjangoModelFactory):
    """Looked after by a new team unless given a volunteer (then pass team=None)."""

    class Meta:
        model = Household

    class Params:
        raw_phone = factory.Sequence(lambda n: f"137{n % 100000000:08d}")

    org = factory.LazyFunction(lambda: org_node(name="城东社区", kind=OrgKind.COMMUNITY))
    head_name = factory.Sequence(lambda n: f"户主{n}")
    address = "城东路18号"
    team = factory.LazyAttribute(lambda o: None if o.volunteer is not None else TeamFactory(org=o.org))
    volunteer = None
    phone_encrypted = factory.LazyAttribute(lambda o: encrypt(o.raw_phone))
    phone_hash = factory.LazyAttribute(lambda o: blind_index(o.raw_phone))
    phone_masked = factory.LazyAttribute(lambda o: mask_phone(o.raw_phone))


class HouseholdContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HouseholdContact

    household = factory.SubFactory(HouseholdFactory)
    contacted_on = factory.LazyFunction(timezone.localdate)
    way = ContactWay.PHONE
    content = "电话问候，家中一切正常"
