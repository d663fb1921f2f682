"""Write a planned roster with bulk INSERTs, storing what the registry and team services store.

Volunteers get their ledger numbers in plan order and the number sequence is moved past them, so
the registration service carries on after the demo data. Called inside the caller's transaction.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils import timezone

from redvest.demo import data
from redvest.demo.people import volunteer_number, volunteer_row
from redvest.demo.roster import BrandPlan, RosterPlan, TeamPlan
from redvest.teams.models import Backbone, BrandProject, Membership, MembershipKind, Team
from redvest.volunteers.models import (
    NumberSequence,
    PoliticalStatus,
    RecruitmentSource,
    Volunteer,
    VolunteerStatus,
    VolunteerStatusChange,
)

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.demo.tree import PlannedNode

BATCH = 1000
DEREGISTERED_LEFT_REASON = "志愿者注销：本人申请注销"
STATUS_REASONS = {
    VolunteerStatus.SUSPENDED: "长期未参加活动，暂停服务",
    VolunteerStatus.DEREGISTERED: "本人申请注销",
}


@dataclass
class WrittenRoster:
    teams: dict[str, Team] = field(default_factory=dict)
    volunteers: dict[tuple[str, int], Volunteer] = field(default_factory=dict)
    next_seq: int = 1


def _write_teams(teams: list[TeamPlan], nodes: dict[str, PlannedNode], written: dict[str, Team]) -> None:
    """Parents before children: each wave holds the teams whose parent already has a primary key."""
    pending = list(teams)
    while pending:
        wave = [t for t in pending if t.parent_key is None or t.parent_key in written]
        if not wave:
            raise ValueError("team parents form a cycle or are missing")
        rows = [
            Team(
                name=t.name,
                kind=t.kind,
                specialty=t.specialty,
                org=nodes[t.org_key].node,
                parent=written[t.parent_key] if t.parent_key else None,
                rules=t.rules,
            )
            for t in wave
        ]
        Team.objects.bulk_create(rows, batch_size=BATCH)
        written.update({t.key: row for t, row in zip(wave, rows, strict=True)})
        pending = [t for t in pending if t.key not in written]


def write_roster(
    plan: RosterPlan,
    nodes: dict[str, PlannedNode],
    *,
    area: str,
    year: int,
    first_seq: int = 1,
    actor: User | None = None,
    status_history: bool = True,
) -> WrittenRoster:
    out = WrittenRoster(next_seq=first_seq)
    _write_teams(plan.teams, nodes, out.teams)

    keys: list[tuple[str, int]] = []
    rows: list[Volunteer] = []
    recruiting = random.Random(data.DEMO_SEED + 23)  # its own stream: the planned roster stays as it was
    for team in plan.teams:
        org_id = nodes[team.org_key].node.pk
        for index, member in enumerate(team.members):
            party = nodes[member.party_org_key].node.pk if member.party_org_key else None
            number = volunteer_number(area=area, year=year, seq=out.next_seq)
            person = volunteer_row(member.person, member.profile, number=number, org_id=org_id, party_org_id=party)
            branch = nodes[member.party_org_key].node.name[:50] if member.party_org_key else ""
            person.recruitment_source, person.recommender = recruitment(recruiting, person.political_status, branch)
            rows.append(person)
            keys.append((team.key, index))
            out.next_seq += 1
    Volunteer.objects.bulk_create(rows, batch_size=BATCH)
    out.volunteers = dict(zip(keys, rows, strict=True))
    sequence, _ = NumberSequence.objects.get_or_create(area_code=area, year=year)
    sequence.last = max(sequence.last, out.next_seq - 1)
    sequence.save(update_fields=["last"])

    memberships: list[Membership] = []
    backbones: list[Backbone] = []
    for team in plan.teams:
        row = out.teams[team.key]
        members = [out.volunteers[(team.key, i)] for i in range(len(team.members))]
        row.leader = members[0] if members else None
        row.liaison = members[1] if len(members) > 1 else None
        memberships += [Membership(team=row, volunteer=v, kind=MembershipKind.ORGANISATIONAL) for v in members]
        backbones += [
            Backbone(team=row, volunteer=v, order=order)
            for order, v in enumerate(members[2 : 2 + team.backbone_count], start=1)
        ]
    memberships += [
        Membership(team=out.teams[target], volunteer=out.volunteers[(source, index)], kind=MembershipKind.ACTIVITY)
        for source, index, target in plan.activity
    ]
    _end_deregistered(memberships)
    Team.objects.bulk_update(out.teams.values(), ["leader", "liaison"], batch_size=BATCH)
    Membership.objects.bulk_create(memberships, batch_size=BATCH)
    Backbone.objects.bulk_create(backbones, batch_size=BATCH)
    if status_history:
        VolunteerStatusChange.objects.bulk_create(_status_history(rows, actor), batch_size=BATCH)
    return out


PARTY = frozenset({PoliticalStatus.PARTY_MEMBER, PoliticalStatus.PROBATIONARY})


def recruitment(rng: random.Random, political_status: str, branch: str = "") -> tuple[str, str]:
    """招募来源 as registration records it (seed 003): party members mostly put forward by their branch
    (组织推荐, the branch named as recommender), the rest by the people (群众推荐, naming the neighbour
    who did) or of their own accord (个人自荐)."""
    roll = rng.random()
    if political_status in PARTY:
        source = (
            RecruitmentSource.ORGANIZATION
            if roll < 0.8
            else RecruitmentSource.MASSES
            if roll < 0.9
            else RecruitmentSource.SELF
        )
    else:
        source = RecruitmentSource.MASSES if roll < 0.45 else RecruitmentSource.SELF
    if source == RecruitmentSource.ORGANIZATION:
        return source, branch
    if source == RecruitmentSource.SELF:
        return source, ""
    chars = data.FEMALE_CHARS if rng.random() < 0.5 else data.MALE_CHARS
    return source, rng.choice(data.SURNAMES) + rng.choice(data.SHARED_CHARS + chars) + rng.choice(chars)


def _end_deregistered(memberships: list[Membership]) -> None:
    """As `volunteer_set_status` does: deregistering ends every team membership, keeping it as history."""
    now = timezone.now()
    for m in memberships:
        if m.volunteer.status == VolunteerStatus.DEREGISTERED:
            m.left_at = now
            m.left_reason = DEREGISTERED_LEFT_REASON


def _status_history(volunteers: list[Volunteer], actor: User | None) -> list[VolunteerStatusChange]:
    """Approval for everyone past 待审核, then the suspension or deregistration where there was one."""
    changes: list[VolunteerStatusChange] = []
    for v in volunteers:
        if v.status == VolunteerStatus.PENDING:
            continue
        changes.append(
            VolunteerStatusChange(
                volunteer=v,
                from_status=VolunteerStatus.PENDING,
                to_status=VolunteerStatus.REGISTERED,
                reason="资料审核通过",
                actor=actor,
            )
        )
        if v.status in STATUS_REASONS:
            changes.append(
                VolunteerStatusChange(
                    volunteer=v,
                    from_status=VolunteerStatus.REGISTERED,
                    to_status=v.status,
                    reason=STATUS_REASONS[VolunteerStatus(v.status)],
                    actor=actor,
                )
            )
    return changes


def write_brands(brands: list[BrandPlan], nodes: dict[str, PlannedNode], teams: dict[str, Team]) -> list[BrandProject]:
    rows = [BrandProject(name=b.name, owner=nodes[b.owner_key].node, description=b.description) for b in brands]
    BrandProject.objects.bulk_create(rows)
    through = BrandProject.teams.through
    through.objects.bulk_create(
        [
            through(brandproject_id=row.pk, team_id=teams[key].pk)
            for row, brand in zip(rows, brands, strict=True)
            for key in brand.team_keys
        ]
    )
    return rows
