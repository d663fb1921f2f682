"""The demo plan is plain data: these run without a database."""

from __future__ import annotations

import datetime
import random

from redvest.core.validators import id_gender, id_number_error, phone_error
from redvest.demo import data
from redvest.demo.people import PersonMaker
from redvest.demo.seed import REFERENCE_DAY, plan_demo
from redvest.orgs.models import OrgKind
from redvest.teams.models import TeamKind


def _fingerprint() -> list[tuple[str, str, list[tuple[str, str, str]]]]:
    plan = plan_demo()
    return [
        (team.key, team.name, [(m.person.name, m.person.id_number, m.person.phone) for m in team.members])
        for team in plan.roster.teams
    ]


def test_plan_is_the_same_on_every_call() -> None:
    assert _fingerprint() == _fingerprint()


def test_plan_has_the_figures_of_the_seeds() -> None:
    plan = plan_demo()
    kinds = [node.kind for node in plan.county.root.walk()]
    assert kinds.count(OrgKind.UNIT) == 65
    assert kinds.count(OrgKind.SERVICE_POINT) + kinds.count(OrgKind.POST) == 65
    assert kinds.count(OrgKind.TOWN) == 9
    assert len(plan.roster.teams) == 95
    assert plan.roster.volunteer_count == 3063
    assert len(plan.roster.brands) == 30
    assert {t.kind for t in plan.roster.teams} == set(TeamKind.values)


def test_every_planned_person_has_a_valid_unique_id_and_phone() -> None:
    people = [m.person for t in plan_demo().roster.teams for m in t.members]
    assert len({p.id_number for p in people}) == len(people)
    assert len({p.phone for p in people}) == len(people)
    for person in people:
        assert id_number_error(person.id_number, birth_date=person.birth_date) is None
        assert id_gender(person.id_number) == person.gender
        assert phone_error(person.phone) is None


def test_minors_are_sixteen_with_guardian_consent_and_never_officers() -> None:
    plan = plan_demo()
    minors = [
        (team, index, m)
        for team in plan.roster.teams
        for index, m in enumerate(team.members)
        if m.person.birth_date > datetime.date(REFERENCE_DAY.year - 18, REFERENCE_DAY.month, REFERENCE_DAY.day)
    ]
    assert 3 <= len(minors) <= 10
    for team, index, member in minors:
        assert member.profile.guardian is not None
        assert member.profile.guardian.name[0] == member.person.name[0]
        assert index >= team.backbone_count + 2


def test_only_the_deliberately_small_free_teams_are_below_five() -> None:
    small = [t for t in plan_demo().roster.teams if t.size < 5]
    assert [t.kind for t in small] == [TeamKind.FREE] * 3
    assert all(len(t.members) == t.size for t in small)


def test_officers_are_registered_members_and_activity_links_point_elsewhere() -> None:
    plan = plan_demo().roster
    for team in plan.teams:
        officers = team.members[: team.backbone_count + 2]
        assert all(m.profile.status == "registered" for m in officers)
    links = {(source, index, target) for source, index, target in plan.activity}
    assert len(links) == len(plan.activity) > 100
    assert all(source != target for source, _, target in plan.activity)


def test_person_maker_gives_the_asked_age_on_the_reference_day() -> None:
    maker = PersonMaker(random.Random(1), reference=datetime.date(2026, 7, 1))
    for _ in range(200):
        born = maker.make(min_age=16, max_age=16).birth_date
        assert datetime.date(2009, 7, 2) <= born <= datetime.date(2010, 7, 1)


def test_surname_weights_cover_every_surname() -> None:
    assert len(data.SURNAME_WEIGHTS) == len(data.SURNAMES) == len(set(data.SURNAMES))
    assert len(data.UNITS) == len(set(data.UNITS)) == 65
    assert {unit for _, unit, _ in data.BRANDS} <= set(data.UNITS)
