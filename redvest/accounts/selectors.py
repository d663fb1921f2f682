from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import F, QuerySet

from redvest.accounts.models import Role, RoleAssignment, User, WeixinIdentity
from redvest.accounts.policy import can_administer, grants_for, is_system_admin
from redvest.core.crypto import blind_index
from redvest.core.errors import PermissionDenied
from redvest.core.validators import normalize_phone, phone_error
from redvest.orgs.models import OrgKind, OrgNode
from redvest.orgs.selectors import ancestors_paths


@dataclass
class RoleLine:
    role: str
    org_name: str


@dataclass
class Profile:
    user: User
    roles: list[RoleLine]
    volunteer: Any
    weixin: WeixinIdentity | None = None


def profile_for(*, user: User) -> Profile:
    grants = grants_for(user)
    names = dict(OrgNode.objects.filter(pk__in={g.org_id for g in grants}).values_list("id", "name"))
    labels = dict(Role.choices)
    # The user's volunteer record through its reverse one-to-one (accounts imports no app above it).
    me = User.objects.select_related("volunteer__org").filter(pk=user.pk).first()
    try:
        volunteer = me.volunteer if me is not None else None
    except ObjectDoesNotExist:
        volunteer = None
    return Profile(
        user=user,
        roles=[RoleLine(role=labels[g.role], org_name=names.get(g.org_id, "全部")) for g in grants],
        volunteer=volunteer,
        weixin=weixin_identity_of(user=user),
    )


def weixin_identity_of(*, user: User) -> WeixinIdentity | None:
    return WeixinIdentity.objects.filter(user=user).first()


def user_for_login(*, login: str) -> User | None:
    """The account a login names: its username, else its phone in any spelling (+86, 86, spaces, hyphens)."""
    if not login:
        return None
    user = User.objects.filter(username=login).first()
    if user is None and phone_error(login) is None:
        user = User.objects.filter(phone_hash=blind_index(normalize_phone(login))).first()
    return user


def user_for_phone(*, phone: str) -> User | None:
    """The account bound to an 11-digit phone number (phones are unique among accounts)."""
    return User.objects.filter(phone_hash=blind_index(normalize_phone(phone))).first() if phone else None


def signup_community_choices() -> QuerySet[OrgNode]:
    """村社区 a resident may say they live in when signing up."""
    return OrgNode.objects.filter(kind=OrgKind.COMMUNITY).order_by("path")


def login_lockout_key(*, login: str) -> str:
    """What lockout counts failures against: the resolved account, else one spelling per phone number."""
    user = user_for_login(login=login)
    if user is not None:
        return user.username
    if phone_error(login) is None:
        return normalize_phone(login)
    return login


def admins_over(at: OrgNode | str, *, strictly: bool = False, nearest: bool = False) -> list[User]:
    """The org admins who answer for a node (or a node's path): those holding 组织管理员 at the node or any
    node above it. `strictly` leaves out the node's own admins; `nearest` keeps only the lowest level that
    has any (who reviews it). Only active accounts: a deactivated admin can neither sign in nor act on a
    notice, so no caller wants them. Each user once, lowest level first. One query."""
    path = at if isinstance(at, str) else at.path
    paths = ancestors_paths(path)
    if strictly:
        paths = paths[:-1]
    rows = list(
        RoleAssignment.objects.filter(role=Role.ORG_ADMIN, org__path__in=paths, user__is_active=True)
        .select_related("user")
        .annotate(org_path=F("org__path"))
        .order_by("-org_path", "user_id")
    )
    if nearest and rows:
        rows = [r for r in rows if r.org_path == rows[0].org_path]
    return list({r.user_id: r.user for r in rows}.values())


# ---- role holders at an org node (the node page's 角色分配 section) ----------------------------------


def assignable_roles(*, user: Any) -> list[tuple[str, str]]:
    """The roles the user may grant at a node they administer (system admin only by system admins)."""
    roles = [Role.ORG_ADMIN, Role.DISPATCHER, Role.STATION_KEEPER, Role.MERCHANT, Role.RESIDENT]
    if is_system_admin(user):
        roles.insert(0, Role.SYSTEM_ADMIN)
    return [(r.value, r.label) for r in roles]


def node_roles(*, user: Any, node: OrgNode) -> QuerySet[RoleAssignment]:
    """Role holders at a node, for its administrators only."""
    if not can_administer(user, node):
        raise PermissionDenied("只有该节点的组织管理员可以查看角色分配")
    return RoleAssignment.objects.filter(org=node).select_related("user").order_by("role", "user__username", "id")
