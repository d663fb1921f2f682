from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError
from ninja import Router, Schema
from ninja.security import HttpBearer, SessionAuth

from redvest.accounts.policy import grants_for
from redvest.accounts.services import token_issue, token_user
from redvest.core.errors import DomainError
from redvest.core.ratelimit import rate_limit_check


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
