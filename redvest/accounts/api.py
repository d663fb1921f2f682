from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.security import HttpBearer, SessionAuth

from redvest.accounts import selectors, services
from redvest.accounts.policy import grants_for
from redvest.accounts.services import token_issue, token_user
from redvest.accounts.weixin import weixin_configured, weixin_unlink
from redvest.core.api_pagination import paginate
from redvest.core.api_request import api_user
from redvest.core.crypto import blind_index
from redvest.core.errors import DomainError
from redvest.core.ratelimit import rate_limit_check
from redvest.core.validators import normalize_phone
from redvest.orgs import selectors as orgs_selectors
from redvest.orgs.schemas import RoleGrantIn, RoleOut


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_user(key=token)
        if user is not None:
            request.user = user
        return user


class SessionCsrf(SessionAuth):
    """Pages' session cookie, with the CSRF check on unsafe methods."""


def ApiKeyOrSession() -> list[Any]:  # noqa: N802 - reads as a type at the call site
    return [BearerToken(), SessionCsrf()]


router = Router(tags=["认证"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


class ErrorOut(Schema):
    code: str
    message: str


class GrantOut(Schema):
    role: str
    org_id: int
    team_id: int | None = None
    volunteer_id: int | None = None


class MeOut(Schema):
    id: int
    username: str
    name: str
    phone_masked: str
    grants: list[GrantOut]


@router.post(
    "/token",
    auth=None,
    response={200: TokenOut, 400: ErrorOut, 401: ErrorOut, 429: ErrorOut},
    summary="用户名或手机号+密码换取令牌",
)
def token(request: HttpRequest, payload: TokenIn) -> dict[str, str]:
    try:
        request.POST  # noqa: B018 - the lockout handler reads the form body; a malformed one must be a 400 here
    except MultiPartParserError as exc:
        raise DomainError("请求体格式错误", code="bad_request") from exc
    rate_limit_check(request=request, group="api-token")
    return {"token": token_issue(request=request, username=payload.username, password=payload.password)}


class PhoneIn(Schema):
    phone: str


class PhoneCodeIn(Schema):
    phone: str
    code: str


class MessageOut(Schema):
    message: str


class WeixinOut(Schema):
    configured: bool
    bound: bool
    linked_at: datetime.datetime | None = None


def _payload_phone(phone: str) -> Callable[[str, HttpRequest], str]:
    return lambda group, request: blind_index(normalize_phone(phone)) or "no-phone"


@router.post(
    "/login-code",
    auth=None,
    response={202: MessageOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut, 503: ErrorOut},
    summary="短信验证码登录：发送验证码到账号绑定的手机号",
)
def login_code(request: HttpRequest, payload: PhoneIn) -> Status[dict[str, str]]:
    rate_limit_check(request=request, group="phone-code-send")
    rate_limit_check(request=request, group="phone-code-phone", key=_payload_phone(payload.phone))
    services.login_code_send(phone=payload.phone, now=timezone.now())
    return Status(202, {"message": "验证码已发送，请查看手机短信"})


@router.post(
    "/token/sms",
    auth=None,
    response={200: TokenOut, 400: ErrorOut, 401: ErrorOut, 429: ErrorOut},
    summary="手机号+短信验证码换取令牌（与密码登录共用锁定）",
)
def token_by_code(request: HttpRequest, payload: PhoneCodeIn) -> dict[str, str]:
    try:
        request.POST  # noqa: B018 - as /token: the lockout handler reads the form body
    except MultiPartParserError as exc:
        raise DomainError("请求体格式错误", code="bad_request") from exc
    rate_limit_check(request=request, group="phone-code-check")
    return {"token": services.token_issue_by_code(request=request, phone=payload.phone, code=payload.code)}


@router.get("/weixin", response=WeixinOut, summary="微信登录绑定状态")
def weixin_status(request: HttpRequest) -> dict[str, Any]:
    identity = selectors.weixin_identity_of(user=api_user(request))
    return {
        "configured": weixin_configured(),
        "bound": identity is not None,
        "linked_at": identity and identity.linked_at,
    }


@router.delete("/weixin", response={204: None, 404: ErrorOut}, summary="解除微信登录绑定")
def weixin_unbind(request: HttpRequest) -> Status[None]:
    weixin_unlink(user=api_user(request))
    return Status(204, None)


@router.get("/me", response=MeOut, summary="当前用户与角色")
def me(request: HttpRequest) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]  # ninja sets request.auth
    return {
        "id": user.id,
        "username": user.username,
        "name": user.display_name,
        "phone_masked": user.phone_masked,
        "grants": [g.__dict__ for g in grants_for(user)],
    }


# ---- roles at an org node: /api/v1/orgs/nodes/{id}/roles (mounted with the orgs router in redvest/api.py;
# role assignments are accounts' tables and orgs sits below accounts) -------------------------------------

node_roles_router = Router(tags=["组织网络"])


@node_roles_router.get("/nodes/{node_id}/roles", response=list[RoleOut], summary="节点上的角色分配")
@paginate
def role_list(request: HttpRequest, node_id: int) -> QuerySet[Any]:
    user = api_user(request)
    return selectors.node_roles(user=user, node=orgs_selectors.node_get(user=user, node_id=node_id))


@node_roles_router.post(
    "/nodes/{node_id}/roles", response={201: RoleOut}, summary="在节点上分配角色（已有账号或新建账号）"
)
def role_grant(request: HttpRequest, node_id: int, payload: RoleGrantIn) -> Status[Any]:
    user = api_user(request)
    node = orgs_selectors.node_get(user=user, node_id=node_id)
    wants_new = any([payload.new_username, payload.new_name, payload.new_phone, payload.new_password])
    new_account = (
        services.NewAccount(
            username=payload.new_username, name=payload.new_name, phone=payload.new_phone, password=payload.new_password
        )
        if wants_new
        else None
    )
    assignment = services.node_role_grant(
        actor=user, org=node, role=payload.role, account=payload.account, new_account=new_account
    )
    return Status(201, assignment)


@node_roles_router.delete("/nodes/{node_id}/roles/{assignment_id}", response={204: None}, summary="撤销节点上的角色")
def role_revoke(request: HttpRequest, node_id: int, assignment_id: int) -> Status[None]:
    user = api_user(request)
    node = orgs_selectors.node_get(user=user, node_id=node_id)
    services.role_revoke(actor=user, assignment_id=assignment_id, org=node)
    return Status(204, None)
