"""Volunteer numbers: area code + year + six-digit sequence, issued under a row lock."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from redvest.core.errors import Conflict
from redvest.orgs.models import OrgNode
from redvest.orgs.selectors import ancestors_paths
from redvest.volunteers.models import NumberSequence

DEFAULT_AREA_CODE = "000000"
AREA_CODE_LEN = 6
SEQUENCE_LEN = 6
SEQUENCE_MAX = 10**SEQUENCE_LEN - 1


def area_code_from(codes_by_path: dict[str, str], path: str) -> str:
    """The nearest code up the tree (the node's own first), cut to the six-digit county part."""
    for ancestor in reversed(ancestors_paths(path)):
        code = codes_by_path.get(ancestor, "")
        if code:
            return code[:AREA_CODE_LEN]
    return DEFAULT_AREA_CODE


def area_code_for(org: OrgNode) -> str:
    codes = dict(
        OrgNode.objects.filter(path__in=ancestors_paths(org.path)).exclude(code="").values_list("path", "code")
    )
    return area_code_from(codes, org.path)


@transaction.atomic
def number_block_issue(*, area_code: str, count: int = 1) -> list[str]:
    """Reserve `count` consecutive numbers for this area and year; raises Conflict when the year runs out."""
    year = timezone.localdate().year
    NumberSequence.objects.get_or_create(area_code=area_code, year=year)
    sequence = NumberSequence.objects.select_for_update(of=("self",)).get(area_code=area_code, year=year)
    first = sequence.last + 1
    if sequence.last + count > SEQUENCE_MAX:
        raise Conflict(f"地区 {area_code} 本年度志愿者编号已用完")
    sequence.last += count
    sequence.save(update_fields=["last"])
    return [f"{area_code}{year}{n:0{SEQUENCE_LEN}d}" for n in range(first, first + count)]
