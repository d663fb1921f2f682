"""What each kind of organiser in the demo county runs, where, and what the quarter's theme adds.

Seed 000: a 县直单位 sends its in-service party members to its paired community (在职党员进社区) and
runs what its trade is good at (医院义诊, 司法局法律咨询, 农业局科技下乡 in villages); 专业服务队 work
in their specialty; 先锋队/突击队 attack the county's campaign; seed 002: grid teams patrol and visit
their own community, floating-member teams serve at the town's service centre. Each quarter has one
theme (000: 学雷锋, 治水剿劣当先锋, 红色七月·党旗飘扬, …) and part of the quarter's work carries it.

Templates take {org} (the organiser's name), {where} (the community or village it serves),
{town}, {point} (the unit's own service point) and {grid}.

The catalogue is a package by kind of organiser: `units` (县直单位 and their trades), `teams` (county and
town teams: vanguard, corps, youth, floating, grid, free), `themes` (the quarter's theme); `base` holds
the shapes.
"""

from redvest.demo.catalog.base import TALLY_UNITS, Idea, Organiser
from redvest.demo.catalog.teams import CORPS, FLOATING, FREE, GRID, VANGUARD, YOUTH
from redvest.demo.catalog.themes import THEME_MONTHS, THEME_SHARE, THEMED, THEMES, allowed_titles, themed_fits
from redvest.demo.catalog.units import DOMAIN, UNIT_COMMON, UNIT_DOMAINS, VILLAGE_DOMAINS, unit_ideas

__all__ = [
    "CORPS",
    "DOMAIN",
    "FLOATING",
    "FREE",
    "GRID",
    "TALLY_UNITS",
    "THEMED",
    "THEMES",
    "THEME_MONTHS",
    "THEME_SHARE",
    "themed_fits",
    "UNIT_COMMON",
    "UNIT_DOMAINS",
    "VANGUARD",
    "VILLAGE_DOMAINS",
    "YOUTH",
    "Idea",
    "Organiser",
    "allowed_titles",
    "unit_ideas",
]
