from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from redvest.accounts.errors import AccountLocked, InvalidCredentials
from redvest.accounts.models import ASSIGNABLE_ROLES, ApiToken, Role, RoleAssignment, User
from redvest.accounts.policy import can_manage_under, is_system_admin
from redvest.audit.services import audit_record
from redvest.core.crypto import blind_index, encrypt
from redvest.core.errors import Conflict, PermissionDenied, ValidationFailed
from redvest.core.validators import normalize_phone, phone_error
from redvest.orgs.models import OrgNode


def user_create(
    *, username: str, password: str | None, name: str = "", phone: str = "", email: str = "", is_superuser: bool = False
) -> User:
    """Create a login; the phone must be unique among users."""
    errors: dict[str, str] = {}
    if User.objects.filter(username=username).exists():
        errors["username"] = "用户名已被使用"
    phone = normalize_phone(phone)
    if phone:
        if (msg := phone_error(phone)) is not None:
            errors["phone"] = msg
        elif User.objects.filter(phone_hash=blind_index(phone)).exists():
            errors["phone"] = "该手机号已绑定其他账号"
    if errors:
        raise ValidationFailed(errors)
    user = User(username=username, name=name, email=email, is_superuser=is_superuser, is_staff=is_superuser)
    user_set_phone(user=user, phone=phone)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user


def user_set_phone(*, user: User, phone: str) -> None:
    phone = normalize_phone(phone)
    user.phone_encrypted = encrypt(phone)
    user.phone_hash = blind_index(phone)


@transaction.atomic
def role_assign(*, actor: User | None, user: User, role: str, org: OrgNode) -> RoleAssignment:
    """Give a user a role at a node; the actor must administer that node (system admin for system roles)."""
    if role not in ASSIGNABLE_ROLES:
        raise ValidationFailed({"role": "该角色由服务队或志愿者档案决定，不能直接分配"})
    if actor is not None:
        if role == Role.SYSTEM_ADMIN and not is_system_admin(actor):
            raise PermissionDenied("只有系统管理员可以分配系统管理员角色")
        if not can_manage_under(actor, org):
            raise PermissionDenied()
    if RoleAssignment.objects.filter(user=user, role=role, org=org).exists():
        raise Conflict("该用户在此组织已有该角色")
    assignment = RoleAssignment.objects.create(user=user, role=role, org=org, created_by=actor)
    audit_record(actor=actor, action="create", target=assignment, org=org, after={"role": role, "user": user.username})
    return assignment


def token_issue(*, request: HttpRequest, username: str, password: str) -> str:
    """Check credentials (with lockout) and return a new bearer token; only its hash is stored."""
    try:
        user = authenticate(request, username=username, password=password)
    except DjangoPermissionDenied as exc:
        raise AccountLocked() from exc
    if getattr(request, "axes_locked_out", False):
        raise AccountLocked()
    if user is None or not user.is_active:
        raise InvalidCredentials()
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        key_hash=ApiToken.hash_key(key),
        expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_TTL_DAYS),
    )
    return key


def token_user(*, key: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), expires_at__gt=timezone.now(), user__is_active=True)
        .first()
    )
    return token.user if token else None


@transaction.atomic
def user_erase_personal(*, user: User, masked_name: str) -> None:
    """A deregistered person's login: closed for good (inactive, no password, tokens revoked) and stripped
    of name, phone and e-mail; the row stays so history that names it as actor keeps its link."""
    user = User.objects.select_for_update().get(pk=user.pk)
    user.username = f"已注销{user.pk}"
    user.name = masked_name
    user.first_name = user.last_name = user.email = ""
    user.phone_encrypted = user.phone_hash = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    ApiToken.objects.filter(user=user).delete()
