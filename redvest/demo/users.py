"""Demo logins, one per role, all with the password `redvest-demo` (demo data only)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db.models import Q

from redvest.accounts.models import Role, RoleAssignment, User
from redvest.core.crypto import blind_index, encrypt
from redvest.demo import data
from redvest.demo.tree import PlannedNode
from redvest.teams.models import Membership, MembershipKind, Team
from redvest.volunteers.models import Volunteer, VolunteerStatus


@dataclass(frozen=True)
class StaffLogin:
    username: str
    name: str
    phone: str
    role: str
    node_key: str


def staff_logins() -> list[StaffLogin]:
    town, community = data.DEMO_TOWN, data.DEMO_COMMUNITY
    return [
        StaffLogin("admin", "系统管理员", "19905720001", Role.SYSTEM_ADMIN, "root"),
        StaffLogin("county", "沈卫东", "19905720002", Role.ORG_ADMIN, "root"),
        StaffLogin("town", "吴晓燕", "19905720003", Role.ORG_ADMIN, f"town:{town}"),
        StaffLogin("unit", "钱建华", "19905720004", Role.ORG_ADMIN, f"unit:{data.DEMO_UNIT}"),
        StaffLogin("dispatcher", "周丽萍", "19905720005", Role.DISPATCHER, "hotline"),
        StaffLogin("keeper", "许国强", "19905720006", Role.STATION_KEEPER, f"point:{data.DEMO_UNIT}"),
        StaffLogin("merchant", "金玉兰", "19905720007", Role.MERCHANT, f"town:{town}"),
        StaffLogin("resident", "顾桂英", "19905720008", Role.RESIDENT, f"community:{town}/{community}"),
    ]


# The logins of volunteers in the demo unit's 支队: its leader, its liaison and a plain member.
VOLUNTEER_LOGINS = ("leader", "liaison", "volunteer")
DEMO_USERNAMES = (
    "admin",
    "county",
    "town",
    "unit",
    "leader",
    "liaison",
    "dispatcher",
    "keeper",
    "merchant",
    "volunteer",
    "resident",
)


def demo_password_hash() -> str:
    """Hashed once: every demo login shares the same password."""
    return make_password(data.DEMO_PASSWORD)


def demo_user(username: str, name: str, phone: str, password_hash: str, *, superuser: bool = False) -> User:
    """An unsaved login with an encrypted phone and an already-hashed password."""
    return User(
        username=username,
        name=name,
        phone_encrypted=encrypt(phone),
        phone_hash=blind_index(phone),
        password=password_hash,
        is_superuser=superuser,
        is_staff=superuser,
    )


def create_staff_users(nodes: dict[str, PlannedNode], *, password_hash: str) -> dict[str, User]:
    specs = staff_logins()
    users = [
        demo_user(s.username, s.name, s.phone, password_hash, superuser=s.role == Role.SYSTEM_ADMIN) for s in specs
    ]
    User.objects.bulk_create(users)
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=u, role=s.role, org=nodes[s.node_key].node) for u, s in zip(users, specs, strict=True)]
    )
    return {u.username: u for u in users}


def create_volunteer_users(team: Team, *, password_hash: str) -> dict[str, User]:
    """Logins for the team's leader, its liaison and its first plain registered member."""
    officers = {team.leader_id, team.liaison_id, *team.backbones.values_list("volunteer_id", flat=True)}
    plain = (
        Volunteer.objects.filter(
            memberships__team=team,
            memberships__kind=MembershipKind.ORGANISATIONAL,
            status=VolunteerStatus.REGISTERED,
        )
        .exclude(pk__in=[pk for pk in officers if pk is not None])
        .order_by("pk")
        .first()
    )
    people = {"leader": team.leader, "liaison": team.liaison, "volunteer": plain}
    users: dict[str, User] = {}
    for username, volunteer in people.items():
        if volunteer is None:
            raise LookupError(f"the demo team has no {username}")
        user = demo_user(username, volunteer.name, volunteer.phone, password_hash)
        user.save()
        volunteer.user = user
        volunteer.save(update_fields=["user"])
        users[username] = user
    return users


def demo_logins_rows() -> list[tuple[str, str, str, str]]:
    """(login, phone, role, where) for each demo user that exists, in a fixed order."""
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
    assignments: dict[int, list[RoleAssignment]] = {}
    for a in RoleAssignment.objects.filter(user__in=users.values()).select_related("org").order_by("pk"):
        assignments.setdefault(a.user_id, []).append(a)
    volunteers = {v.user_id: v for v in Volunteer.objects.filter(user__in=users.values())}
    rows = []
    for username in DEMO_USERNAMES:
        user = users.get(username)
        if user is None:
            continue
        roles = [(a.get_role_display(), a.org.name) for a in assignments.get(user.pk, [])]
        volunteer = volunteers.get(user.pk)
        if volunteer is not None:
            roles += _volunteer_roles(volunteer)
        login, phone = username, user.phone
        for label, where in roles or [("—", "—")]:
            rows.append((login, phone, label, where))
            login = phone = ""  # further roles of the same login
    return rows


def _volunteer_roles(volunteer: Volunteer) -> list[tuple[str, str]]:
    roles = [
        (str(Role.TEAM_LEADER.label if t.leader_id == volunteer.pk else Role.TEAM_LIAISON.label), t.name)
        for t in Team.objects.filter(Q(leader=volunteer) | Q(liaison=volunteer)).order_by("pk")
    ]
    membership = (
        Membership.objects.filter(volunteer=volunteer, kind=MembershipKind.ORGANISATIONAL, left_at__isnull=True)
        .select_related("team")
        .first()
    )
    roles.append((str(Role.VOLUNTEER.label), membership.team.name if membership else volunteer.org.name))
    return roles


def demo_logins_table() -> str:
    rows = demo_logins_rows()
    if not rows:
        return "尚无演示数据，请先运行 manage.py seed_demo"
    header = ("登录名", "手机号", "角色", "范围")
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(4)]
    lines = [f"演示账号（仅限演示数据，密码均为 {data.DEMO_PASSWORD}，可用登录名或手机号登录）"]
    for row in [header, *rows]:
        lines.append("  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def _width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
