"""The menu's registry: each app declares its own entries in its `nav.py` (who sees which link, in which
section), registered from its AppConfig.ready(); the context processor groups them into the sections
below and marks the current page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

SECTIONS: list[tuple[str, str]] = [
    ("org", "组织与队伍"),
    ("activity", "活动与时长"),
    ("points", "积分银行"),
    ("demand", "需求与调度"),
    ("care", "结对帮扶"),
    ("oversight", "考核与评选"),
    ("data", "数据"),
]
SECTION_KEYS = frozenset(key for key, _label in SECTIONS)


@dataclass(frozen=True)
class NavEntry:
    section: str
    label: str
    url: str
    order: int = 50

    def __post_init__(self) -> None:
        if self.section not in SECTION_KEYS:
            raise ValueError(f"unknown menu section {self.section!r}")


@dataclass
class NavLink:
    label: str
    url: str
    current: bool = False


@dataclass
class NavSection:
    key: str
    label: str
    links: list[NavLink] = field(default_factory=list)

    @property
    def current(self) -> bool:
        return any(link.current for link in self.links)


NavSource = Callable[[Any], list[NavEntry]]
_sources: list[NavSource] = []


def register(source: NavSource) -> None:
    """Called once per app from its AppConfig.ready()."""
    if source not in _sources:
        _sources.append(source)


def entries_for(user: Any) -> list[NavEntry]:
    return [entry for source in _sources for entry in source(user)]


def menu_for(user: Any, path: str) -> list[NavSection]:
    """The user's sections in their fixed order, each with its links; the link whose address is the
    longest prefix of `path` is the current page."""
    entries = sorted(entries_for(user), key=lambda e: e.order)
    sections = {key: NavSection(key=key, label=label) for key, label in SECTIONS}
    seen: set[str] = set()
    for entry in entries:
        if entry.url in seen:
            continue
        seen.add(entry.url)
        sections[entry.section].links.append(NavLink(label=entry.label, url=entry.url))
    links = [link for s in sections.values() for link in s.links]
    matches = [link for link in links if path.startswith(link.url.split("?")[0])]
    if matches:
        max(matches, key=lambda link: len(link.url)).current = True
    return [s for s in sections.values() if s.links]
