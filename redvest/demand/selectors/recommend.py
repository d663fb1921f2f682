"""Who should take a request: stations, teams and volunteers ranked by skill match, distance, current
open load and availability, each with the reasons for its place.

The pool grows outwards from the request's area (its node, then the parent, …) until it holds enough
candidates, starting at the level the item is handled at; SQL narrows volunteers to the skills asked
for, so a county of 100,000 volunteers is never read in full.

Distances run from the request's point (its coordinates, else the village or community its address
names, else its area) to each candidate's: a station's own; a volunteer's village or community of
residence when their 居住地区 names one in the request's town (the whole county for a request outside
any town), else their organisational team's node, else their own node; a team's node. A node's position
is its station's, else its centre, else a station's under it (`geo.locate_paths`).
"""

from __future__ import annotations

import datetime
import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from redvest.accounts.policy import can_view_sensitive
from redvest.demand import geo
from redvest.demand.models import ACTIVE_DISPATCH_STATUSES, Dispatch, ServiceRequest
from redvest.orgs.models import OrgKind, OrgNode, Station
from redvest.orgs.selectors import ancestors_paths, in_subtree_q
from redvest.teams.models import Membership, MembershipKind, Specialty, Team
from redvest.volunteers.models import Volunteer, VolunteerStatus

POOL_MIN = 20  # widen the search area until this many volunteers are in the pool
POOL_MAX = 100  # never score more than this many candidates of a kind
PLACES_MAX = 2_000  # a county's towns, villages and grids; a larger tree is not read for address matching
WEIGHTS = {"skill": 40, "distance": 30, "load": 20, "availability": 10}
WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class Candidate:
    kind: str  # station | team | volunteer
    id: int
    name: str
    org_name: str
    score: int
    reasons: list[str]
    distance_m: int | None
    open_load: int
    skills: tuple[str, ...] = ()  # a volunteer's skills; a team's specialty
    contact: str = ""  # whom to call: the volunteer, the team's leader, the station's contact
    phone_masked: str = ""  # masked unless it is a station's public phone
    phone_of: int | None = None  # the volunteer whose full phone the policy may show (audited)
    phone_org_id: int | None = None  # that volunteer's org node, for the policy

    @property
    def value(self) -> str:
        """How a form names this candidate: "team:12"."""
        return f"{self.kind}:{self.id}"

    @property
    def kind_label(self) -> str:
        return {"station": "站点", "team": "服务队", "volunteer": "志愿者"}[self.kind]


@dataclass
class Recommendation:
    stations: list[Candidate] = field(default_factory=list)
    teams: list[Candidate] = field(default_factory=list)
    volunteers: list[Candidate] = field(default_factory=list)

    def all(self) -> list[Candidate]:
        return sorted(self.stations + self.teams + self.volunteers, key=lambda c: (-c.score, c.distance_m or 10**9))

    def best(self, kind: str) -> Candidate | None:
        ranked = {"station": self.stations, "team": self.teams, "volunteer": self.volunteers}[kind]
        return ranked[0] if ranked else None


# ---- Scores -----------------------------------------------------------------------------------


def skill_score(required: list[str], has: Iterable[str]) -> tuple[float, str]:
    if not required:
        return 0.5, "该项目无特定技能要求"
    hits = [s for s in required if s in set(has)]
    if not hits:
        return 0.0, f"技能未匹配（需：{'、'.join(required)}）"
    return len(hits) / len(required), f"技能匹配 {len(hits)}/{len(required)}（{'、'.join(hits)}）"


def distance_score(metres: float | None) -> tuple[float, str]:
    if metres is None:
        return 0.3, "位置未知"
    km = metres / 1000
    text = f"距离约 {int(metres)} 米" if metres < 1000 else f"距离约 {km:.1f} 公里"
    return 1 / (1 + km / 3), text


def load_score(load: int) -> tuple[float, str]:
    return 1 / (1 + load), f"当前在办 {load} 件"


def _in_hours(text: str, at: datetime.datetime) -> bool | None:
    ranges = re.findall(r"(\d{1,2}):(\d{2})\s*[-–~至]\s*(\d{1,2}):(\d{2})", text)
    if not ranges:
        return None
    minute = at.hour * 60 + at.minute
    return any(int(a) * 60 + int(b) <= minute < int(c) * 60 + int(d) for a, b, c, d in ranges)


def _on_day(text: str, at: datetime.datetime) -> bool | None:
    weekday = at.weekday()
    if "每天" in text or "全天" in text:
        return True
    span = re.search(r"周([一二三四五六日])至周([一二三四五六日])", text)
    if span:
        lo, hi = WEEKDAYS.index(span.group(1)), WEEKDAYS.index(span.group(2))
        return lo <= weekday <= hi
    if "工作日" in text:
        return weekday < 5
    if "周末" in text or "节假日" in text:
        return weekday >= 5
    return None


def availability_score(text: str, at: datetime.datetime) -> tuple[float, str]:
    """Free-text availability (随叫随到, 工作日晚上, 周末, 每月25日…) against the local time of the request."""
    text = (text or "").strip()
    local = timezone.localtime(at)
    if not text:
        return 0.5, "未填写可服务时间"
    if any(word in text for word in ("随叫随到", "随时", "24小时")):
        return 1.0, f"可服务时间：{text}"
    if (day := re.search(r"每月(\d{1,2})日", text)) is not None:
        ok = local.day == int(day.group(1))
    else:
        on_day = _on_day(text, local)
        hours = _in_hours(text, local)
        if "白天" in text:
            hours = 8 <= local.hour < 18
        elif "晚上" in text:
            hours = 18 <= local.hour < 22
        if on_day is None and hours is None:
            return 0.5, f"可服务时间：{text}（无法判断）"
        ok = (on_day is not False) and (hours is not False)
    return (1.0, f"可服务时间符合（{text}）") if ok else (0.0, f"当前不在可服务时间（{text}）")


def _total(parts: dict[str, float]) -> int:
    return round(sum(WEIGHTS[k] * v for k, v in parts.items()))


# ---- The pool ---------------------------------------------------------------------------------


def _ceiling(request: ServiceRequest) -> str:
    """How far up the tree volunteers and general teams are looked for: the request's town (the root
    when there is none above it). A skill nobody in the town has must not make the search read every
    volunteer of the county; county-level specialists come in through the specialty teams. One query."""
    paths = ancestors_paths(request.area.path)
    towns = set(OrgNode.objects.filter(path__in=paths, kind=OrgKind.TOWN).values_list("path", flat=True))
    return next((p for p in reversed(paths) if p in towns), paths[0])


def _widening(path: str, ceiling: str = "") -> list[str]:
    """The start node, then each ancestor up to the ceiling (the root when none is given)."""
    chain = list(reversed(ancestors_paths(path)))
    if ceiling and ceiling in chain:
        return chain[: chain.index(ceiling) + 1]
    return chain


def _limit(qs: QuerySet[Any], lookup: str, within: list[str] | None) -> QuerySet[Any]:
    if within is None:
        return qs
    q = Q()
    for prefix in within:
        q |= in_subtree_q(lookup, prefix)
    return qs.filter(q) if within else qs.none()


def skills_q(skills: list[str]) -> Q:
    """Volunteers holding any of the skills. JSON lists are stored as text on every backend; SQLite
    escapes non-ASCII, PostgreSQL does not, so both spellings are matched (quotes bound the element)."""
    q = Q()
    for skill in skills:
        q |= Q(skills__icontains=json.dumps(skill)) | Q(skills__icontains=json.dumps(skill, ensure_ascii=False))
    return q


NodeCache = dict[str, dict[int, tuple[str, str]]]


def _nodes_under(path: str, within: list[str] | None, cache: NodeCache | None = None) -> dict[int, tuple[str, str]]:
    """Org nodes of a subtree the asker may dispatch into: id -> (path, name); each subtree read once."""
    if cache is not None and path in cache:
        return cache[path]
    qs = _limit(OrgNode.objects.filter(in_subtree_q("path", path)), "path", within)
    nodes = {pk: (p, name) for pk, p, name in qs.values_list("id", "path", "name")}
    if cache is not None:
        cache[path] = nodes
    return nodes


def _volunteer_pool(
    *, start: str, ceiling: str, skills: list[str], within: list[str] | None, cache: NodeCache | None = None
) -> list[tuple[Any, ...]]:
    """Registered volunteers nearest the request: the area's subtree, widened a level at a time until
    POOL_MIN are found (those with a wanted skill first; anyone when nobody has it). Volunteers are
    read by their org's index, so only the subtree's rows are touched, never the whole county."""
    # The status is checked here, not in SQL: SQLite would otherwise read the whole county through the
    # status index instead of the subtree through the org index.
    base = Volunteer.objects.order_by().values_list(
        "id", "name", "org_id", "skills", "availability", "residence_area", "phone_masked", "status"
    )
    rows: list[tuple[Any, ...]] = []
    nodes: dict[int, tuple[str, str]] = {}
    for filtered in (True, False) if skills else (False,):
        qs = base.filter(skills_q(skills)) if filtered else base
        for path in _widening(start, ceiling):
            nodes = _nodes_under(path, within, cache)
            found = list(qs.filter(org_id__in=list(nodes))[: POOL_MAX + POOL_MAX // 4]) if nodes else []
            rows = [r[:-1] for r in found if r[-1] == VolunteerStatus.REGISTERED][:POOL_MAX]
            if len(rows) >= POOL_MIN:
                break
        if rows:
            break
    return [(vid, name, org_id, *nodes[org_id], *rest) for vid, name, org_id, *rest in rows]


@dataclass(frozen=True)
class Spot:
    """Where a volunteer is taken to be, and why."""

    path: str
    basis: str


def _volunteer_spots(rows: list[tuple[Any, ...]], places: list[geo.Place], *, town: str, near: str) -> dict[int, Spot]:
    """Each pooled volunteer's position: the village/community they live in (their 居住地区 names one of
    `places`), else their organisational team's node, else their own node. One query for the teams."""
    teams = {
        vid: (path, name)
        for vid, path, name in Membership.objects.filter(
            volunteer_id__in=[r[0] for r in rows], kind=MembershipKind.ORGANISATIONAL, left_at__isnull=True
        ).values_list("volunteer_id", "team__org__path", "team__name")
    }
    homes: dict[str, geo.Place | None] = {}
    spots: dict[int, Spot] = {}
    for vid, _name, _org_id, path, org_name, _skills, _text, residence, _phone in rows:
        if residence not in homes:
            homes[residence] = geo.place_in_text(residence, places, near=near)
        home = homes[residence]
        if home is not None and home.path != town:
            spots[vid] = Spot(home.path, f"按居住地：{home.name}")
        elif vid in teams:
            spots[vid] = Spot(teams[vid][0], f"按所在服务队：{teams[vid][1]}")
        else:
            spots[vid] = Spot(path, f"按所属组织：{org_name}")
    return spots


def _loads(field_name: str, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = (
        Dispatch.objects.filter(**{f"{field_name}__in": ids}, status__in=ACTIVE_DISPATCH_STATUSES)
        .values(field_name)
        .annotate(n=Count("id"))
        .values_list(field_name, "n")
    )
    return dict(rows)


def _origin_path(request: ServiceRequest, places: list[geo.Place]) -> str:
    """The node a request without coordinates is placed at: the village/community its address names
    within its town when that is more precise than its area, else its area."""
    named = geo.place_in_text(request.address, places, near=request.area.path)
    area = request.area.path
    return named.path if named is not None and not area.startswith(named.path) else area


# ---- The ranking ------------------------------------------------------------------------------


def recommend(
    *, request: ServiceRequest, now: datetime.datetime, within: list[str] | None = None, limit: int = 5
) -> Recommendation:
    """Rank candidates for a request. `within` (the policy's dispatch area of the person asking) keeps
    out anyone they could not dispatch to. A constant number of queries whatever the county's size."""
    item = request.item
    required, specialty = item.skills_wanted, item.specialty_wanted  # the two asks agree (menu rule)
    area, ceiling = request.area.path, _ceiling(request)
    cache: NodeCache = {}
    volunteers = _volunteer_pool(start=area, ceiling=ceiling, skills=required, within=within, cache=cache)
    teams = _team_pool(start=area, ceiling=ceiling, specialty=specialty, within=within)
    stations = _station_pool(start=area, within=within)
    # Addresses are matched against the places of the request's town; a request outside any town (a walk-in
    # at a county unit's service point) against those of the whole tree when it is county-sized.
    town = ceiling if len(ceiling) > OrgNode.steplen else ""
    places = geo.places_under(town) if town else geo.places_under(ceiling, at_most=PLACES_MAX)
    spots = _volunteer_spots(volunteers, places, town=town, near=area)
    origin_path = _origin_path(request, places)
    paths = {s.path for s in spots.values()} | {t.org.path for t in teams} | {origin_path}
    located = geo.locate_paths(paths)
    origin = geo.point_of(request.latitude, request.longitude) or located.get(origin_path)
    result = Recommendation()

    loads = _loads("volunteer_id", [r[0] for r in volunteers])
    availability = functools.cache(availability_score)  # a handful of distinct texts among the pool
    for vid, name, org_id, _path, org_name, skills, text, _residence, phone in volunteers:
        spot = spots[vid]
        metres = geo.distance_m(origin, located.get(spot.path))
        parts, reasons = _scored(
            skill=skill_score(required, skills or []),
            distance=_placed(distance_score(metres), spot.basis if metres is not None else ""),
            load=load_score(loads.get(vid, 0)),
            availability=availability(text, now),
        )
        result.volunteers.append(
            Candidate(
                "volunteer",
                vid,
                name,
                org_name,
                _total(parts),
                reasons,
                _round(metres),
                loads.get(vid, 0),
                skills=tuple(str(s) for s in skills or []),
                contact=name,
                phone_masked=phone,
                phone_of=vid,
                phone_org_id=org_id,
            )
        )

    loads = _loads("team_id", [t.pk for t in teams])
    for team in teams:
        metres = geo.distance_m(origin, located.get(team.org.path))
        parts, reasons = _scored(
            skill=_specialty_score(specialty, team),
            distance=distance_score(metres),
            load=load_score(loads.get(team.pk, 0)),
            availability=(0.5, "服务队统筹安排队员"),
        )
        leader = team.leader
        result.teams.append(
            Candidate(
                "team",
                team.pk,
                team.name,
                team.org.name,
                _total(parts),
                reasons,
                _round(metres),
                loads.get(team.pk, 0),
                skills=(Specialty(team.specialty).label,) if team.specialty else (),
                contact=f"负责人 {leader.name}" if leader is not None else "",
                phone_masked=leader.phone_masked if leader is not None else "",
                phone_of=leader.pk if leader is not None else None,
                phone_org_id=leader.org_id if leader is not None else None,
            )
        )

    loads = _loads("station_id", [s.pk for s in stations])
    for station in stations:
        metres = geo.distance_m(origin, geo.point_of(station.latitude, station.longitude))
        hours_ok = _station_open(station.opening_hours, now)
        parts, reasons = _scored(
            skill=(0.5, "站点统筹安排人员"),
            distance=distance_score(metres),
            load=load_score(loads.get(station.pk, 0)),
            availability=hours_ok,
        )
        result.stations.append(
            Candidate(
                "station",
                station.pk,
                station.node.name,
                station.address,
                _total(parts),
                reasons,
                _round(metres),
                loads.get(station.pk, 0),
                contact=station.contact_name,
                phone_masked=station.contact_phone,  # the station's public phone, as on the portal
            )
        )

    def top(rows: list[Candidate]) -> list[Candidate]:
        return sorted(rows, key=lambda c: (-c.score, c.distance_m if c.distance_m is not None else 10**9, c.id))[:limit]

    return Recommendation(stations=top(result.stations), teams=top(result.teams), volunteers=top(result.volunteers))


def phones_revealable(*, user: Any, candidates: Iterable[Candidate]) -> set[int]:
    """The volunteers (candidates, team leaders) whose full phone the user may see: the policy's rule for
    full phones over each one's org node (one query)."""
    owners = {c.phone_of: c.phone_org_id for c in candidates if c.phone_of is not None and c.phone_org_id}
    nodes = OrgNode.objects.in_bulk(set(owners.values()))
    return {vid for vid, org_id in owners.items() if org_id in nodes and can_view_sensitive(user, nodes[org_id])}


def _scored(**parts: tuple[float, str]) -> tuple[dict[str, float], list[str]]:
    return {k: v[0] for k, v in parts.items()}, [v[1] for v in parts.values()]


def _round(metres: float | None) -> int | None:
    return None if metres is None else int(metres)


def _placed(part: tuple[float, str], basis: str) -> tuple[float, str]:
    return (part[0], f"{part[1]}（{basis}）") if basis else part


def _specialty_score(specialty: str, team: Team) -> tuple[float, str]:
    if not specialty:
        return 0.5, "该项目无对口专业要求"
    label = Specialty(specialty).label
    if team.specialty == specialty:
        return 1.0, f"对口专业：{label}"
    return 0.2, f"非对口专业（需：{label}）"


def _station_open(hours: str, now: datetime.datetime) -> tuple[float, str]:
    if not hours:
        return 0.5, "未公布开放时间"
    local = timezone.localtime(now)
    if "24小时" in hours:
        return 1.0, f"开放中（{hours}）"
    on_day, in_hours = _on_day(hours, local), _in_hours(hours, local)
    if on_day is None and in_hours is None:
        return 0.5, f"开放时间：{hours}"
    ok = on_day is not False and in_hours is not False
    return (1.0, f"开放中（{hours}）") if ok else (0.0, f"当前未开放（{hours}）")


def _widen(qs: QuerySet[Any], path_lookup: str, *, start: str, ceiling: str, within: list[str] | None) -> list[Any]:
    """Rows of a small table (teams, stations) under the start's subtree, widened a level at a time
    until three are found."""
    qs = _limit(qs, path_lookup, within)
    rows: list[Any] = []
    for path in _widening(start, ceiling):
        rows = list(qs.filter(in_subtree_q(path_lookup, path))[:POOL_MAX])
        if len(rows) >= 3:
            break
    return rows


def _team_pool(*, start: str, ceiling: str, specialty: str, within: list[str] | None) -> list[Team]:
    """Teams of the item's specialty nearest the request (looked for up the whole tree: specialist teams
    often hang off a county unit), then the nearest teams of any kind up to the ceiling."""
    qs = Team.objects.filter(is_active=True).select_related("org", "leader").order_by("id")
    rows: list[Team] = []
    if specialty:
        rows = _widen(qs.filter(specialty=specialty), "org__path", start=start, ceiling="", within=within)
    seen = {t.pk for t in rows}
    rows += [t for t in _widen(qs, "org__path", start=start, ceiling=ceiling, within=within) if t.pk not in seen]
    return rows


def _station_pool(*, start: str, within: list[str] | None) -> list[Station]:
    qs = Station.objects.select_related("node").order_by("node_id")
    return _widen(qs, "node__path", start=start, ceiling="", within=within)
