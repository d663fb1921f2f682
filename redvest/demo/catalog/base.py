"""The shapes of the catalogue: an activity idea, an organiser, and the county's tally units."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

# Tally names (成效统计项) with their units; the county sets them once.
TALLY_UNITS: Final = {"清理垃圾": "千克", "巡逻": "次", "劝导": "人次", "入户宣传": "户"}


@dataclass(frozen=True)
class Idea:
    title: str
    category: str
    description: str
    place: str
    hours: tuple[int, ...] = (2, 3, 4)
    served: tuple[int, int] = (20, 80)  # 受益人数
    tallies: tuple[str, ...] = ()


def idea(title: str, category: str, description: str, place: str, **kw: object) -> Idea:
    return Idea(title, category, description, place, **kw)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Organiser:
    """Who runs a team's activities and where they serve."""

    kind: str  # "unit" | "town" | "community"
    name: str  # the unit, town or community
    where: str  # the community or village served
    town: str
    point: str = ""
    grid: str = ""
    ideas: tuple[Idea, ...] = ()

    def fill(self, text: str) -> str:
        return text.format(org=self.name, where=self.where, town=self.town, point=self.point, grid=self.grid)
