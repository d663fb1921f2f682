"""Subtree scoping has one home: `redvest.orgs.selectors` (`in_subtree_q`, `subtree`, `child_nodes`,
`by_child`). No module outside orgs spells the prefix match on the materialized path itself."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.db.models import Count

import redvest
from redvest.orgs.models import OrgNode
from redvest.orgs.selectors import by_child, child_nodes, in_subtree_q, subtree
from redvest.orgs.tests.factories import OrgTree, org_node
from redvest.volunteers.models import Volunteer
from redvest.volunteers.tests.factories import VolunteerFactory

ROOT = Path(redvest.__file__).parent
# The one prefix match lives in core (the access engine sits below orgs and uses it too); orgs re-exports
# it as `orgs.selectors.in_subtree_q`, and every other module goes through that.
MAY_SPELL_IT = {ROOT / "core" / "subtree.py"}


def _raw_subtree_lookups(path: Path) -> list[int]:
    """Lines of a file that write a prefix lookup on an org path: a `…path__startswith=` keyword, a
    "…path__startswith" string (a filter dict's key), or an f-string lookup ending in `__startswith`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.keyword) and node.arg and node.arg.endswith("path__startswith"):
            found.append(node.value.lineno)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "path__startswith" in node.value:
            found.append(node.lineno)
        elif isinstance(node, ast.JoinedStr):
            tail = node.values[-1] if node.values else None
            if isinstance(tail, ast.Constant) and str(tail.value).endswith("__startswith"):
                found.append(node.lineno)
    return sorted(set(found))


def _modules_outside_orgs() -> list[Path]:
    return sorted(
        p
        for p in ROOT.rglob("*.py")
        if "migrations" not in p.parts and p.relative_to(ROOT).parts[0] != "orgs" and p not in MAY_SPELL_IT
    )


@pytest.mark.db_independent  # reads the source
def test_no_module_outside_orgs_writes_a_raw_subtree_lookup() -> None:
    paths = _modules_outside_orgs()
    assert len(paths) > 100
    found = [f"{p.relative_to(ROOT.parent)}:{line}" for p in paths for line in _raw_subtree_lookups(p)]
    assert found == []


def test_the_check_sees_keywords_filter_dict_keys_and_built_lookups(tmp_path: Path) -> None:
    module = tmp_path / "sample.py"
    module.write_text(
        "qs.filter(org__path__startswith=x)\n"
        "f = {'volunteer__org__path__startswith': x}\n"
        "qs.filter(**{f'{lookup}__startswith': x})\n"
        "qs.filter(title__startswith=x, number='1')\n"
        "ok = path.startswith(x)\n"
    )
    assert _raw_subtree_lookups(module) == [1, 2, 3]


@pytest.mark.django_db
def test_in_subtree_q_matches_the_node_and_its_descendants_only() -> None:
    tree = OrgTree()
    inside = VolunteerFactory(org=tree.community_a)
    at_node = VolunteerFactory(org=tree.town_a)
    VolunteerFactory(org=tree.town_b)
    VolunteerFactory(org=tree.county)
    found = set(Volunteer.objects.filter(in_subtree_q("org__path", tree.town_a.path)).values_list("pk", flat=True))
    assert found == {inside.pk, at_node.pk}
    assert set(subtree(tree.town_a)) == {tree.town_a, tree.community_a}


@pytest.mark.django_db
def test_child_nodes_are_one_level_below() -> None:
    tree = OrgTree()
    org_node(name="城东社区服务站", parent=tree.community_a)
    assert set(child_nodes(tree.county)) == {tree.town_a, tree.town_b}
    assert list(child_nodes(tree.town_a)) == [tree.community_a]


@pytest.mark.django_db
def test_by_child_groups_rows_under_the_child_they_fall_under(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    tree = OrgTree()
    deeper = org_node(name="城东小区", parent=tree.community_a)
    for org in (tree.town_a, tree.community_a, deeper, tree.town_b, tree.county):
        VolunteerFactory(org=org)
    VolunteerFactory(org=org_node(name="安吉县"))  # another root (which renumbers the roots by name)
    for node in (tree.county, tree.town_a, tree.town_b):
        node.refresh_from_db()
    with django_assert_num_queries(1):
        rows = {
            r["bucket"]: r["n"]
            for r in by_child(Volunteer.objects.all(), "org__path", tree.county).annotate(n=Count("id"))
        }
    assert rows == {tree.town_a.path: 3, tree.town_b.path: 1, tree.county.path: 1}
    names = dict(OrgNode.objects.filter(path__in=rows).values_list("path", "name"))
    assert names[tree.town_a.path] == "雉城街道"
