from __future__ import annotations

import factory

from redvest.teams.models import BrandProject, Membership, MembershipKind, Team, TeamKind


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"红马甲服务队{n}")
    kind = TeamKind.DETACHMENT


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    team = factory.SubFactory(TeamFactory)
    kind = MembershipKind.ORGANISATIONAL


class BrandProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BrandProject

    name = factory.Sequence(lambda n: f"品牌{n}")
