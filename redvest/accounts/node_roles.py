"""The 角色分配 section of the org node page and its two POST pages, at the orgs URLs
(/orgs/<id>/roles/…, mounted from redvest/urls.py as `node-roles:`).

Role assignments are accounts' tables, and orgs sits below accounts: orgs' node page shows this section
through `orgs.hooks.node_page_sections`, registered from AccountsConfig.ready().
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import path
from django.views.decorators.http import require_POST

from redvest.accounts import selectors, services
from redvest.accounts.forms import RoleGrantForm
from redvest.core.errors import DomainError, NotFound, PermissionDenied
from redvest.core.pages import AuthedRequest
from redvest.orgs import hooks
from redvest.orgs import selectors as orgs_selectors
from redvest.orgs.selectors import NodeDetail
from redvest.orgs.views import domain_errors, node_detail_page, onto_form


def node_roles_section(request: HttpRequest, detail: NodeDetail, section_forms: dict[str, forms.Form]) -> str:
    """The role holders and the grant form, for the node's administrators only (empty otherwise)."""
    if not detail.can_administer:
        return ""
    context: dict[str, Any] = {
        "node": detail.node,
        "roles": list(selectors.node_roles(user=request.user, node=detail.node)),
        "role_form": section_forms.get("role_form")
        or RoleGrantForm(role_choices=selectors.assignable_roles(user=request.user)),
    }
    return render_to_string("accounts/_node_roles.html", context, request=request)


@login_required
@require_POST
@domain_errors
def role_grant(request: AuthedRequest, pk: int) -> HttpResponse:
    node = orgs_selectors.node_get(user=request.user, node_id=pk)
    form = RoleGrantForm(request.POST, role_choices=selectors.assignable_roles(user=request.user))
    if not form.is_valid():
        return node_detail_page(request, pk, 400, section_forms={"role_form": form})
    data = form.cleaned_data
    new_account = None
    if data["mode"] == RoleGrantForm.MODE_NEW:
        new_account = services.NewAccount(
            username=data["new_username"], name=data["new_name"], phone=data["new_phone"], password=data["new_password"]
        )
    try:
        assignment = services.node_role_grant(
            actor=request.user,
            org=node,
            role=data["role"],
            account="" if new_account else data["account"],
            new_account=new_account,
        )
    except DomainError as exc:
        onto_form(form, exc)
        return node_detail_page(request, pk, exc.status, section_forms={"role_form": form})
    messages.success(request, f"已为 {assignment.user.display_name} 分配角色：{assignment.get_role_display()}")
    return redirect("orgs:node-detail", pk=pk)


@login_required
@require_POST
@domain_errors
def role_revoke(request: AuthedRequest, pk: int, assignment_id: int) -> HttpResponse:
    node = orgs_selectors.node_get(user=request.user, node_id=pk)
    try:
        services.role_revoke(actor=request.user, assignment_id=assignment_id, org=node)
    except (PermissionDenied, NotFound):
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
        return node_detail_page(request, pk, exc.status)
    messages.success(request, "已撤销该角色")
    return redirect("orgs:node-detail", pk=pk)


app_name = "node-roles"
urlpatterns = [
    path("<int:pk>/roles/", role_grant, name="grant"),
    path("<int:pk>/roles/<int:assignment_id>/delete/", role_revoke, name="revoke"),
]


def register() -> None:
    """Called from AccountsConfig.ready()."""
    hooks.node_page_sections.register(node_roles_section)
