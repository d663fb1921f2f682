"""The HTTP API: /api/v1/, OpenAPI at /api/openapi.json, docs at /api/docs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationErrorContext
from ninja.errors import ValidationError as NinjaValidationError

from redvest.accounts.api import ApiKeyOrSession, node_roles_router
from redvest.accounts.api import router as auth_router
from redvest.activities.api import router as activities_router
from redvest.audit.api import router as audit_router
from redvest.awards.api import router as awards_router
from redvest.care.api import router as care_router
from redvest.core.api_errors import is_chinese, schema_error_message, status_error
from redvest.core.api_input import refuse_control_characters
from redvest.core.busy import install_api_handler
from redvest.core.errors import DomainError
from redvest.dashboards.api import router as dashboards_router
from redvest.demand.api import router as demand_router
from redvest.equipment.api import router as equipment_router
from redvest.evaluation.api import router as evaluation_router
from redvest.exchange.api import router as exchange_router
from redvest.households.api import router as households_router
from redvest.orgs.api import router as orgs_router
from redvest.points.api import router as points_router
from redvest.publicity.api import router as publicity_router
from redvest.records.api import router as records_router
from redvest.reports.api import router as reports_router
from redvest.teams.api import router as teams_router
from redvest.volunteers.api import router as volunteers_router


class RedVestAPI(NinjaAPI):
    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext]
    ) -> NinjaValidationError:
        """ninja drops each error's input; keep whether it was null, so the message can say 不能为空."""
        nulls = [
            err.get("input", ...) is None
            for context in error_contexts
            for err in context.pydantic_validation_error.errors(include_url=False)
        ]
        result = super().validation_error_from_error_contexts(error_contexts)
        for err, null in zip(result.errors, nulls, strict=True):
            if null:
                err["null"] = True
        return result


api = RedVestAPI(
    title="RedVest 红马甲 API",
    version="1",
    urls_namespace="api",
    auth=ApiKeyOrSession(),
    docs_url="/docs",
    # Swagger UI from django-ninja's own static files ("ninja" in INSTALLED_APPS), never a CDN; no
    # online validator badge either: the docs must work on an intranet.
    docs=Swagger(settings={"validatorUrl": None}),
    openapi_url="/openapi.json",
)
install_api_handler(api)  # a database lock timeout answers 503 + Retry-After
api.add_decorator(refuse_control_characters)


def _field_name(loc: list[Any]) -> str:
    parts = [str(p) for p in loc if p not in {"body", "query", "path", "form", "payload", "data"}]
    return ".".join(parts) or "body"


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, str] = {}
    for err in exc.errors:
        errors.setdefault(_field_name(list(err.get("loc", []))), schema_error_message(err))
    message = "；".join(f"{k}: {v}" for k, v in errors.items())
    return api.create_response(
        request, {"code": "validation_error", "message": f"提交的数据有误：{message}", "errors": errors}, status=422
    )


@api.exception_handler(OverflowError)
def on_overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    # An id beyond the database's integer range names nothing: answer as for any unknown id.
    return api.create_response(request, {"code": "not_found", "message": "未找到该对象"}, status=404)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"code": "unauthorized", "message": "请先登录或提供有效的令牌"}, status=401)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    body = status_error(exc.status_code)
    if is_chinese(str(exc)):
        body["message"] = str(exc)
    return api.create_response(request, body, status=exc.status_code)


api.add_router("/v1/auth", auth_router)
api.add_router("/v1/orgs", orgs_router)
api.add_router("/v1/orgs", node_roles_router)  # role assignments at a node: accounts' tables
api.add_router("/v1/volunteers", volunteers_router)
api.add_router("/v1/teams", teams_router)
api.add_router("/v1/households", households_router)
api.add_router("/v1/equipment", equipment_router)
api.add_router("/v1/audit", audit_router)
api.add_router("/v1/activities", activities_router)
api.add_router("/v1/records", records_router)
api.add_router("/v1/points", points_router)
api.add_router("/v1/demand", demand_router)
api.add_router("/v1/care", care_router)
api.add_router("/v1/reports", reports_router)
api.add_router("/v1/evaluation", evaluation_router)
api.add_router("/v1/awards", awards_router)
api.add_router("/v1/publicity", publicity_router)
api.add_router("/v1/dashboards", dashboards_router)
api.add_router("/v1/exchange", exchange_router)
