from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from redvest.accounts.backends import lockout_clear
from redvest.accounts.consent import RESIDENT_NOTICE
from redvest.accounts.errors import AccountInactive, AccountLocked, InvalidCredentials, PhoneTaken, PhoneWithoutAccount
from redvest.accounts.models import (
    ASSIGNABLE_ROLES,
    AccountConsent,
    ApiToken,
    CodePurpose,
    Role,
    RoleAssignment,
    User,
)
from redvest.accounts.otp import clean_phone, phone_code_consume, phone_code_send
from redvest.accounts.phone_proof import phone_proven
from redvest.accounts.policy import can_administer, can_manage_under, is_system_admin
from redvest.accounts.selectors import user_for_phone
from redvest.audit.services import audit_record
from redvest.core.crypto import blind_index, encrypt
from redvest.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from redvest.core.validators import normalize_phone, phone_error
from redvest.orgs.models import OrgKind, OrgNode
from redvest.orgs.services import clean_text, lock_node


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


@transaction.atomic
def role_ensure(*, actor: User | None, user: User, role: str, org: OrgNode) -> RoleAssignment:
    """The user's role at the node: the one held already, or a new one by `role_assign` (same checks,
    audit row). For apps that grant a role as part of a decision (a merchant approved again)."""
    held = RoleAssignment.objects.filter(user=user, role=role, org=org).first()
    if held is not None:
        return held
    return role_assign(actor=actor, user=user, role=role, org=org)


@transaction.atomic
def role_unassign(*, actor: User, assignment: RoleAssignment) -> None:
    """Take back a role (the caller locked and found `assignment`, with its org and user): only
    administrators of its node, system admin roles only by system admins, never the actor's own.
    Raises PermissionDenied, Conflict. The audit row keeps who held what."""
    if not can_manage_under(actor, assignment.org):
        raise PermissionDenied("只有该节点的组织管理员可以撤销角色")
    if assignment.role == Role.SYSTEM_ADMIN and not is_system_admin(actor):
        raise PermissionDenied("只有系统管理员可以撤销系统管理员角色")
    if assignment.user_id == actor.pk:
        raise Conflict("不能撤销自己的角色，请联系上级管理员", code="own_role")
    audit_record(
        actor=actor,
        action="delete",
        target=assignment,
        org=assignment.org,
        before={"role": assignment.role, "user": assignment.user.username},
    )
    assignment.delete()


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
    return _token_for(user)


def token_issue_by_code(*, request: HttpRequest, phone: str, code: str) -> str:
    """A new bearer token for the account whose phone got the login code (`sms_sign_in`'s checks and errors)."""
    return _token_for(sms_sign_in(request=request, phone=phone, code=code))


def _token_for(user: User) -> str:
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


def signup_code_send(*, phone: str, now: datetime) -> None:
    """注册 step 1: a code for a number that has no account yet; PhoneTaken points an owner to 找回密码."""
    phone = clean_phone(phone)
    if user_for_phone(phone=phone) is not None:
        raise PhoneTaken(field="phone")
    phone_code_send(phone=phone, purpose=CodePurpose.SIGNUP, now=now)


def reset_code_send(*, phone: str, now: datetime) -> None:
    """找回密码 step 1: a code for a number some account (resident, volunteer, staff) is bound to."""
    phone = clean_phone(phone)
    if user_for_phone(phone=phone) is None:
        raise PhoneWithoutAccount(field="phone")
    phone_code_send(phone=phone, purpose=CodePurpose.PASSWORD_RESET, now=now)


def login_code_send(*, phone: str, now: datetime) -> None:
    """短信验证码登录 step 1: a code for a number an active account is bound to. Raises PhoneWithoutAccount,
    AccountInactive, CodeResendTooSoon, SmsUnavailable, ValidationFailed."""
    phone = clean_phone(phone)
    user = user_for_phone(phone=phone)
    if user is None:
        raise PhoneWithoutAccount(field="phone")
    if not user.is_active:
        raise AccountInactive()
    phone_code_send(phone=phone, purpose=CodePurpose.LOGIN, now=now)


def sms_sign_in(*, request: HttpRequest, phone: str, code: str) -> User:
    """短信验证码登录 step 2: the account whose phone got the code, through authenticate() so lockout counts
    a wrong code as a wrong password (accounts.backends.PhoneCodeBackend). Raises AccountLocked, CodeWrong,
    CodeExpired, CodeAttemptsExceeded, ValidationFailed, InvalidCredentials."""
    try:
        user = authenticate(request, username=normalize_phone(phone or ""), sms_code=(code or "").strip())
    except DjangoPermissionDenied as exc:
        raise AccountLocked() from exc
    if getattr(request, "axes_locked_out", False):
        raise AccountLocked()
    if user is None or not user.is_active:
        problem = getattr(request, "sms_login_error", None)
        raise problem if isinstance(problem, DomainError) else InvalidCredentials("手机号或验证码不正确")
    return user


def _password_errors(*, password: str, password_confirm: str, user: User) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not password:
        errors["password"] = "请设置登录密码"
    else:
        try:
            validate_password(password, user=user)
        except DjangoValidationError as exc:
            errors["password"] = "；".join(str(m) for m in exc.messages)
    if password != password_confirm:
        errors["password_confirm"] = "两次输入的密码不一致"
    return errors


def _resident_username() -> str:
    """A login name that is not the phone (which must not show in clear): 居民 and eight random digits."""
    while True:
        username = f"居民{secrets.randbelow(10**8):08d}"
        if not User.objects.filter(username=username).exists():
            return username


@transaction.atomic
def resident_sign_up(
    *,
    phone: str,
    name: str,
    password: str,
    password_confirm: str,
    community: OrgNode | None,
    consent: bool,
    now: datetime,
) -> User:
    """注册 step 3, once the phone is proven by its code: a login with the resident role at the chosen
    community (else the top of the tree), the consent row, and every app's link to what that phone did
    before. Raises ValidationFailed, PhoneNotProven, PhoneTaken."""
    phone = clean_phone(phone)
    name = (name or "").strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "请填写姓名"
    elif len(name) > 50:
        errors["name"] = "姓名不能超过50个字"
    errors.update(_password_errors(password=password, password_confirm=password_confirm, user=User(name=name)))
    if community is not None and community.kind != OrgKind.COMMUNITY:
        errors["community"] = "请选择所在的村社区"
    if not consent:
        errors["consent"] = f"请阅读并同意《{RESIDENT_NOTICE.title}》"
    if errors:
        raise ValidationFailed(errors)
    org = community or OrgNode.objects.get_first_root_node()
    if org is None:
        raise DomainError("平台尚未建立组织，暂不能注册，请拨打96345热线")
    phone_code_consume(phone=phone, purpose=CodePurpose.SIGNUP, now=now)  # locks the proof: one sign-up per code
    if user_for_phone(phone=phone) is not None:
        raise PhoneTaken(field="phone")
    user = user_create(username=_resident_username(), password=password, name=name, phone=phone)
    role_assign(actor=None, user=user, role=Role.RESIDENT, org=org)
    AccountConsent.objects.create(user=user, policy_version=RESIDENT_NOTICE.version, given_at=now)
    audit_record(
        actor=user,
        action="create",
        target=user,
        org=org,
        after={"name": name, "role": Role.RESIDENT.label, "policy_version": RESIDENT_NOTICE.version},
        reason="居民本人用手机验证码注册账号，并同意个人信息处理告知",
    )
    phone_proven(user=user, phone=phone, new_account=True)
    return user


@transaction.atomic
def password_reset_by_phone(*, phone: str, password: str, password_confirm: str, now: datetime) -> User:
    """找回密码 step 3, once the phone is proven by its code: the account bound to that phone gets the new
    password, loses its API tokens (and, by Django, its other sessions), and only now its login lockout
    is cleared. Raises ValidationFailed, PhoneNotProven, PhoneWithoutAccount, AccountInactive."""
    phone = clean_phone(phone)
    user = User.objects.select_for_update().filter(phone_hash=blind_index(phone)).first()
    if user is None:
        raise PhoneWithoutAccount(field="phone")
    if not user.is_active:
        raise AccountInactive()
    errors = _password_errors(password=password, password_confirm=password_confirm, user=user)
    if errors:
        raise ValidationFailed(errors)
    phone_code_consume(phone=phone, purpose=CodePurpose.PASSWORD_RESET, now=now)
    user.set_password(password)
    user.save(update_fields=["password"])
    ApiToken.objects.filter(user=user).delete()
    lockout_clear(user=user)
    audit_record(actor=user, action="update", target=user, reason="本人用手机验证码重设登录密码（找回密码）")
    phone_proven(user=user, phone=phone, new_account=False)
    return user


# ---- role assignments at an org node (the node page's 角色分配 section and /api/v1/orgs/nodes/{id}/roles)

_USERNAME = re.compile(r"^[\w.@+-]{3,150}$")


@dataclass(frozen=True)
class NewAccount:
    username: str
    name: str
    phone: str
    password: str


def _user_find(account: str) -> User | None:
    account = account.strip()
    user = User.objects.filter(username=account).first()
    if user is None and phone_error(normalize_phone(account)) is None:
        user = User.objects.filter(phone_hash=blind_index(normalize_phone(account))).first()
    return user


def _account_create(*, actor: User, new: NewAccount, org: OrgNode) -> User:
    errors: dict[str, str] = {}
    username = clean_text(
        new.username, field="new_username", label="用户名", max_length=150, required=True, errors=errors
    )
    if username and "new_username" not in errors and not _USERNAME.match(username):
        errors["new_username"] = "用户名为3-150位字母、数字、汉字或 . @ + - _"
    name = clean_text(new.name, field="new_name", label="姓名", max_length=50, required=True, errors=errors)
    phone = normalize_phone(
        clean_text(new.phone, field="new_phone", label="手机号", max_length=20, required=True, errors=errors)
    )
    if phone and "new_phone" not in errors and (msg := phone_error(phone)) is not None:
        errors["new_phone"] = msg
    if not new.password:
        errors["new_password"] = "请设置初始密码"
    else:
        try:
            validate_password(new.password, user=User(username=username, name=name))
        except DjangoValidationError as exc:
            errors["new_password"] = "；".join(str(m) for m in exc.messages)
    if errors:
        raise ValidationFailed(errors)
    try:
        user = user_create(username=username, password=new.password, name=name, phone=phone)
    except ValidationFailed as exc:
        raise ValidationFailed({f"new_{k}": v for k, v in exc.errors.items()}) from exc
    audit_record(actor=actor, action="create", target=user, org=org, after={"username": username, "name": name})
    return user


@transaction.atomic
def node_role_grant(
    *, actor: User, org: OrgNode, role: str, account: str = "", new_account: NewAccount | None = None
) -> RoleAssignment:
    """Give a role at a node to an existing user (username or phone) or to a new account; only the
    node's administrators may. Raises PermissionDenied, ValidationFailed, Conflict."""
    org = lock_node(org)
    if not can_administer(actor, org):
        raise PermissionDenied("只有该节点的组织管理员可以分配角色")
    if role not in ASSIGNABLE_ROLES:
        raise ValidationFailed({"role": "请选择有效的角色"})
    account = (account or "").strip()
    if bool(account) == (new_account is not None):
        raise ValidationFailed({"account": "请填写已有账号（用户名或手机号），或改为新建账号"})
    if new_account is not None:
        user = _account_create(actor=actor, new=new_account, org=org)
    else:
        errors: dict[str, str] = {}
        clean_text(account, field="account", label="账号", max_length=150, errors=errors)
        if errors:
            raise ValidationFailed(errors)
        found = _user_find(account)
        if found is None:
            raise ValidationFailed({"account": "没有找到该用户名或手机号对应的账号"})
        user = found
    return role_assign(actor=actor, user=user, role=role, org=org)


@transaction.atomic
def role_revoke(*, actor: User, assignment_id: int, org: OrgNode) -> None:
    """Remove a role held at `org`; only the node's administrators, system admin roles only by system
    admins, and never the actor's own. Raises NotFound, PermissionDenied, Conflict."""
    assignment = (
        RoleAssignment.objects.select_for_update(of=("self",))
        .select_related("org", "user")
        .filter(pk=assignment_id, org=org)
        .first()
        if 0 < assignment_id < 2**63
        else None
    )
    if assignment is None:
        raise NotFound("该角色分配不存在")
    role_unassign(actor=actor, assignment=assignment)
