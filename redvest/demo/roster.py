"""The demo county's teams, volunteers and brands, planned in memory (no database access).

Seed 000: 65 units formed 95 teams with 3,063 registered volunteers and 30 brands. Seed 004's
structure: one 总队, a 支队 per unit, 专业服务队 under them; plus 先锋队 (000), youth teams (001),
grid and floating-member teams (002) and free groups. Every volunteer has exactly one
organisational team; some also take part in other teams' activities (002).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from redvest.demo import data
from redvest.demo.county import CountyPlan
from redvest.demo.people import Person, PersonMaker, Profile
from redvest.teams.models import TeamKind
from redvest.volunteers.models import PoliticalStatus, VolunteerStatus

TOTAL_VOLUNTEERS = 3063
TEAM_RULES = (
    "一、队员按时参加每月25日党员先锋服务日活动，全年服务不少于24小时；\n"
    "二、活动前由联络员发布招募，队员签到签退，如实记录服务时间和内容；\n"
    "三、负责人因故离队时，由骨干队员按顺位接任；\n"
    "四、服务档案每季度整理归档，季度末向机关工委报送服务情况。"
)
PARTY = PoliticalStatus.PARTY_MEMBER
STATUS_WEIGHTS: dict[str, float] = {
    VolunteerStatus.REGISTERED: 92.0,
    VolunteerStatus.PENDING: 4.0,
    VolunteerStatus.SUSPENDED: 2.5,
    VolunteerStatus.DEREGISTERED: 1.5,
}
UNIT_POLITICS: dict[str, float] = {
    PARTY: 90.0,
    PoliticalStatus.PROBATIONARY: 5.0,
    PoliticalStatus.LEAGUE_MEMBER: 3.0,
    PoliticalStatus.MASSES: 2.0,
}
YOUTH_POLITICS: dict[str, float] = {
    PoliticalStatus.LEAGUE_MEMBER: 75.0,
    PoliticalStatus.PROBATIONARY: 10.0,
    PARTY: 15.0,
}
RESIDENT_POLITICS: dict[str, float] = {
    PARTY: 62.0,
    PoliticalStatus.PROBATIONARY: 5.0,
    PoliticalStatus.LEAGUE_MEMBER: 5.0,
    PoliticalStatus.MASSES: 28.0,
}
FLOATING_POLITICS: dict[str, float] = {PARTY: 100.0}
MINORS = {"youth:长兴中学": 5, f"youth:{data.DEMO_TOWN}": 2}  # volunteers aged 16, with guardian consent


@dataclass
class MemberPlan:
    person: Person
    profile: Profile
    party_org_key: str | None


@dataclass
class TeamPlan:
    key: str
    name: str
    kind: str
    org_key: str
    size: int
    specialty: str = ""
    parent_key: str | None = None
    rules: str = TEAM_RULES
    backbone_count: int = 2
    takes_activity_members: bool = False
    # How its members are drawn.
    work_unit: str = ""
    town: str = ""
    community: str = ""  # a village/community team's members live there
    party_org_keys: tuple[str, ...] = ()
    politics: dict[str, float] = field(default_factory=lambda: dict(UNIT_POLITICS))
    ages: tuple[int, int] = (23, 60)
    members: list[MemberPlan] = field(default_factory=list)


@dataclass(frozen=True)
class BrandPlan:
    name: str
    owner_key: str
    description: str
    team_keys: tuple[str, ...]


@dataclass
class RosterPlan:
    teams: list[TeamPlan]
    activity: list[tuple[str, int, str]]  # (org team key, member index, activity team key)
    brands: list[BrandPlan]

    def team(self, key: str) -> TeamPlan:
        return next(t for t in self.teams if t.key == key)

    @property
    def volunteer_count(self) -> int:
        return sum(len(t.members) for t in self.teams)


def unit_work_name(unit: str) -> str:
    return f"长兴{unit}" if unit.startswith("县") else unit


def _team_specs(county: CountyPlan, maker: PersonMaker) -> list[TeamPlan]:
    rng = maker.rng
    towns = county.towns

    def unit_team(
        key: str,
        name: str,
        kind: str,
        unit: str,
        size: int,
        *,
        specialty: str = "",
        parent_key: str | None = None,
        backbone_count: int = 2,
        takes_activity_members: bool = False,
    ) -> TeamPlan:
        return TeamPlan(
            key=key,
            name=name,
            kind=kind,
            org_key=county.unit_key(unit),
            size=size,
            work_unit=unit_work_name(unit),
            town=rng.choice(towns),
            party_org_keys=(county.unit_party_key(unit),),
            specialty=specialty,
            parent_key=parent_key,
            backbone_count=backbone_count,
            takes_activity_members=takes_activity_members,
        )

    def town_party_keys(town: str) -> tuple[str, ...]:
        return tuple(county.community_party_key(town, c) for c in county.communities[town])

    teams = [
        TeamPlan(
            key="corps",
            name="长兴县直机关党员志愿服务总队",
            kind=TeamKind.CORPS,
            org_key="work_committee",
            size=12,
            work_unit="长兴县直机关工委",
            town=data.DEMO_TOWN,
            party_org_keys=("work_committee",),
            backbone_count=3,
            takes_activity_members=True,
        )
    ]
    teams += [
        unit_team(
            f"det:{u}",
            f"{u}党员志愿服务支队",
            TeamKind.DETACHMENT,
            u,
            0,
            parent_key="corps",
            backbone_count=rng.choice((2, 3)),
        )
        for u in county.units
    ]
    teams += [
        unit_team(
            f"spec:{u}:{name}",
            name,
            TeamKind.SPECIALIST,
            u,
            rng.randint(10, 24),
            specialty=specialty,
            parent_key=f"det:{u}",
            backbone_count=rng.choice((2, 3)),
            takes_activity_members=True,
        )
        for u, name, specialty in data.SPECIALIST_TEAMS
    ]
    teams += [
        unit_team(
            f"van:{u}:{name}",
            name,
            TeamKind.VANGUARD,
            u,
            rng.randint(8, 16),
            parent_key=f"det:{u}",
            takes_activity_members=True,
        )
        for u, name in data.VANGUARD_TEAMS
    ]
    for org, name in data.YOUTH_TEAMS:
        if org in county.towns:
            youth = TeamPlan(
                key=f"youth:{org}",
                name=name,
                kind=TeamKind.YOUTH,
                org_key=county.town_key(org),
                size=rng.randint(14, 24),
                work_unit="",
                town=org,
                party_org_keys=town_party_keys(org),
            )
        else:
            youth = unit_team(f"youth:{org}", name, TeamKind.YOUTH, org, rng.randint(14, 24))
        youth.politics, youth.ages, youth.takes_activity_members = dict(YOUTH_POLITICS), (18, 30), True
        teams.append(youth)
    for town, community, grid in county.grids()[:5]:
        teams.append(
            TeamPlan(
                key=f"grid:{town}/{community}/{grid}",
                community=community,
                name=f"{community}{grid}服务队",
                kind=TeamKind.GRID,
                org_key=county.grid_key(town, community, grid),
                size=rng.randint(6, 12),
                town=town,
                party_org_keys=(county.community_party_key(town, community),),
                politics=dict(RESIDENT_POLITICS),
                ages=(28, 70),
            )
        )
    for town, name in data.FLOATING_TEAMS:
        teams.append(
            TeamPlan(
                key=f"float:{town}",
                name=name,
                kind=TeamKind.FLOATING,
                org_key=county.town_key(town),
                size=rng.randint(8, 14),
                town=town,
                party_org_keys=town_party_keys(town),
                politics=dict(FLOATING_POLITICS),
                ages=(25, 55),
            )
        )
    for town, community, name, size in data.FREE_TEAMS:
        teams.append(
            TeamPlan(
                key=f"free:{town}/{community}",
                community=community,
                name=name,
                kind=TeamKind.FREE,
                org_key=county.community_key(town, community),
                size=size,
                town=town,
                party_org_keys=(county.community_party_key(town, community),),
                politics=dict(RESIDENT_POLITICS),
                ages=(30, 72),
                backbone_count=1 if size < 5 else 2,
            )
        )
    _size_detachments(teams, maker)
    return teams


def _size_detachments(teams: list[TeamPlan], maker: PersonMaker) -> None:
    """Share what is left of the 3,063 among the 支队 by uneven weights (units differ in size)."""
    detachments = [t for t in teams if t.kind == TeamKind.DETACHMENT]
    left = TOTAL_VOLUNTEERS - sum(t.size for t in teams)
    weights = [maker.rng.uniform(0.5, 2.0) for _ in detachments]
    floor = 8
    spare = left - floor * len(detachments)
    sizes = [floor + int(spare * w / sum(weights)) for w in weights]
    for i in range(left - sum(sizes)):
        sizes[i % len(sizes)] += 1
    for team, size in zip(detachments, sizes, strict=True):
        team.size = size


def plan_member(team: TeamPlan, maker: PersonMaker, *, officer: bool, minor: bool) -> MemberPlan:
    rng = maker.rng
    if minor:
        person = maker.make(min_age=16, max_age=16)
        politics: str = PoliticalStatus.LEAGUE_MEMBER
    else:
        person = maker.make(min_age=team.ages[0], max_age=team.ages[1])
        politics = rng.choices(list(team.politics), weights=list(team.politics.values()))[0]
    work_unit = team.work_unit or ("长兴中学" if minor else _local(rng.choice(data.ENTERPRISES), team))
    town = team.town or rng.choice(data.TOWNS)[0]
    profile = maker.profile(political_status=politics, work_unit=work_unit, town=town, community=team.community)
    if officer:
        profile.status = VolunteerStatus.REGISTERED
    else:
        statuses = [VolunteerStatus.REGISTERED, VolunteerStatus.PENDING] if minor else list(STATUS_WEIGHTS)
        profile.status = rng.choices(statuses, weights=[STATUS_WEIGHTS[s] for s in statuses])[0]
    if minor:
        profile.guardian = maker.guardian_for(person)
    in_party = politics in {PARTY, PoliticalStatus.PROBATIONARY}
    party_org_key = rng.choice(team.party_org_keys) if in_party and team.party_org_keys else None
    return MemberPlan(person=person, profile=profile, party_org_key=party_org_key)


def _local(work: str, team: TeamPlan) -> str:
    """A village's people work for the 村民委员会, a community's for the 社区居民委员会, not the other way."""
    rural = team.org_key.startswith("community:") and team.org_key.endswith("村")
    committees = {"村民委员会", "社区居民委员会"}
    return ("村民委员会" if rural else "社区居民委员会") if work in committees else work


def _activity_links(teams: list[TeamPlan], maker: PersonMaker) -> list[tuple[str, int, str]]:
    """Some 支队 members also serve with their unit's specialist/vanguard team or another open team."""
    rng = maker.rng
    open_teams = [t for t in teams if t.takes_activity_members]
    links: list[tuple[str, int, str]] = []
    for team in teams:
        if team.kind != TeamKind.DETACHMENT:
            continue
        own = [t for t in open_teams if t.org_key == team.org_key]
        for index in range(team.backbone_count + 2, len(team.members)):
            if rng.random() >= 0.12:
                continue
            targets = {(rng.choice(own) if own and rng.random() < 0.6 else rng.choice(open_teams)).key}
            if rng.random() < 0.2:
                targets.add(rng.choice(open_teams).key)
            links += [(team.key, index, target) for target in sorted(targets)]
    return links


def _brands(teams: list[TeamPlan], county: CountyPlan, maker: PersonMaker) -> list[BrandPlan]:
    rng = maker.rng
    brands = []
    for name, unit, description in data.BRANDS:
        org_key = county.unit_key(unit)
        team_keys = [t.key for t in teams if t.org_key == org_key and t.kind != TeamKind.YOUTH]
        if rng.random() < 0.2:  # 组团式: the corps joins in
            team_keys.append("corps")
        brands.append(BrandPlan(name=name, owner_key=org_key, description=description, team_keys=tuple(team_keys)))
    return brands


def plan_roster(county: CountyPlan, maker: PersonMaker) -> RosterPlan:
    teams = _team_specs(county, maker)
    for team in teams:
        minors = MINORS.get(team.key, 0)
        officers = team.backbone_count + 2
        for index in range(team.size):
            minor = index >= team.size - minors
            team.members.append(plan_member(team, maker, officer=index < officers and not minor, minor=minor))
    return RosterPlan(teams=teams, activity=_activity_links(teams, maker), brands=_brands(teams, county, maker))
