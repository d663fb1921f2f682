from __future__ import annotations

import factory
from django.core.files.base import ContentFile

from redvest.accounts.models import User
from redvest.orgs.models import OrgKind, OrgNode
from redvest.orgs.tests.factories import org_node
from redvest.teams.models import (
    Backbone,
    BrandProject,
    JoinRequest,
    Membership,
    MembershipKind,
    Team,
    TeamAnnouncement,
    TeamDocument,
    TeamKind,
)
from redvest.volunteers.models import Volunteer

# A dotted path, not an import: the volunteers factories import these factories too.
VOLUNTEER_FACTORY = "redvest.volunteers.tests.factories.VolunteerFactory"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"红马甲服务队{n}")
    kind = TeamKind.DETACHMENT
    org = factory.LazyFunction(lambda: org_node(name="长兴县", kind=OrgKind.ORG_DEPT))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    team = factory.SubFactory(TeamFactory)
    volunteer = factory.SubFactory(VOLUNTEER_FACTORY, org=factory.SelfAttribute("..team.org"))
    kind = MembershipKind.ORGANISATIONAL


class BackboneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Backbone

    team = factory.SubFactory(TeamFactory)
    volunteer = factory.SubFactory(VOLUNTEER_FACTORY, org=factory.SelfAttribute("..team.org"))
    order = factory.Sequence(lambda n: n + 1)


class JoinRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JoinRequest

    team = factory.SubFactory(TeamFactory)
    volunteer = factory.SubFactory(VOLUNTEER_FACTORY, org=factory.SelfAttribute("..team.org"))
    kind = MembershipKind.ORGANISATIONAL


class TeamDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamDocument

    team = factory.SubFactory(TeamFactory)
    title = factory.Sequence(lambda n: f"队伍档案{n}")
    file = factory.LazyFunction(lambda: ContentFile(b"%PDF-1.4 minutes", name="minutes.pdf"))


class BrandProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BrandProject

    name = factory.Sequence(lambda n: f"品牌{n}")
    owner = factory.LazyFunction(lambda: org_node(name="长兴县", kind=OrgKind.ORG_DEPT))


def team_with_members(size: int, **team_kw: object) -> Team:
    """A team with `size` current organisational members."""
    team = TeamFactory(**team_kw)
    MembershipFactory.create_batch(size, team=team)
    return team


def member_of(
    team: Team, *, kind: str = MembershipKind.ORGANISATIONAL, with_user: bool = False, **kw: object
) -> Volunteer:
    """A volunteer (optionally with a login) who is a current member of `team`."""
    from redvest.accounts.tests.factories import UserFactory
    from redvest.volunteers.tests.factories import VolunteerFactory

    volunteer = VolunteerFactory(org=team.org, user=UserFactory() if with_user else None, **kw)
    MembershipFactory(team=team, volunteer=volunteer, kind=kind)
    return volunteer


def leader_login(team: Team) -> User:
    """A login whose volunteer record is a member and the leader of `team`."""
    volunteer = member_of(team, with_user=True)
    team.leader = volunteer
    team.save(update_fields=["leader"])
    assert volunteer.user is not None
    return volunteer.user


def org_admin_at(node: OrgNode) -> User:
    from redvest.accounts.models import Role
    from redvest.accounts.tests.factories import RoleAssignmentFactory

    return RoleAssignmentFactory(role=Role.ORG_ADMIN, org=node).user  # type: ignore[no-any-return]


def volunteer_login(node: OrgNode, **kw: object) -> User:
    """A login with a registered volunteer record at `node` and no team."""
    from redvest.accounts.tests.factories import UserFactory
    from redvest.volunteers.tests.factories import VolunteerFactory

    user = UserFactory()
    VolunteerFactory(org=node, user=user, **kw)
    return user  # type: ignore[no-any-return]


class TeamAnnouncementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamAnnouncement

    team = factory.SubFactory(TeamFactory)
    title = factory.Sequence(lambda n: f"公告{n}")
    body = "本周六上午九点在服务站集合，穿好红马甲。"
