"""Role assignments at a node: grant to an existing account or a new one, revoke."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

from redvest.accounts.models import ASSIGNABLE_ROLES, RoleAssignment, User
from redvest.accounts.services import role_assign, role_unassign, user_create
from redvest.audit.services import audit_record
from redvest.core.crypto import blind_index
from redvest.core.errors import NotFound, PermissionDenied, ValidationFailed
from redvest.core.policy import can_administer
from redvest.core.validators import normalize_phone, phone_error
from redvest.orgs.models import OrgNode
from redvest.orgs.services._common import clean_text, lock_node

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
