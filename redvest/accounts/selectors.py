from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet

from redvest.accounts.models import Role, User
from redvest.accounts.policy import grants_for
from redvest.core.crypto import blind_index
from redvest.core.validators import normalize_phone, phone_error
from redvest.orgs.models import OrgKind, OrgNode


@dataclass
class RoleLine:
    role: str
    org_name: str


@dataclass
class Profile:
    user: User
    roles: list[RoleLine]
    volunteer: Any


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
    )


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
