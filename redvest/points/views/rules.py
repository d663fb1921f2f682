"""How points are earned (public to volunteers), and the admin's rules and policy for a node."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from redvest.accounts.policy import can_administer, home_orgs
from redvest.core.errors import DomainError, NotFound, PermissionDenied
from redvest.core.forms import add_domain_error
from redvest.core.pages import AuthedRequest
from redvest.orgs.models import OrgNode
from redvest.orgs.selectors import in_subtree_q
from redvest.points.errors import NotAVolunteer
from redvest.points.forms import PolicyForm, RuleForm, tri_state
from redvest.points.models import EarningRule, PointsPolicy
from redvest.points.selectors import policy_for, rules_in_force, volunteer_of
from redvest.points.services import PolicyData, RuleData, policy_set, rule_clear, rule_set
from redvest.points.views._common import parse_int, shows_domain_errors

MAX_PICKER_NODES = 300


def _org_for(request: AuthedRequest) -> OrgNode:
    org_id = parse_int(request.GET.get("org"))
    if org_id:
        return get_object_or_404(OrgNode, pk=org_id)
    try:
        return volunteer_of(user=request.user).org
    except NotAVolunteer:
        pass
    homes = home_orgs(request.user)
    node = OrgNode.objects.filter(pk__in=homes).order_by("path").first() if homes else None
    node = node or OrgNode.get_first_root_node()
    if node is None:
        raise NotFound("尚未建立组织网络")
    return node


@login_required
@shows_domain_errors
def how_to_earn(request: AuthedRequest) -> HttpResponse:
    org = _org_for(request)
    return render(
        request,
        "points/rules.html",
        {"org": org, "rules": rules_in_force(org=org), "policy": policy_for(org=org)},
    )


def picker_nodes(user: Any) -> list[OrgNode]:
    """Nodes an admin may configure: their own nodes and two levels below (a picker, not the whole tree)."""
    roots = list(OrgNode.objects.filter(pk__in=home_orgs(user)))
    q = Q(pk__in=[])
    for root in roots:
        q |= Q(in_subtree_q("path", root.path), depth__lte=root.depth + 2)
    return list(OrgNode.objects.filter(q).order_by("path")[:MAX_PICKER_NODES])


def _manage_context(request: HttpRequest, org: OrgNode, **forms: Any) -> dict[str, Any]:
    policy = PointsPolicy.objects.filter(org=org).first()
    initial_policy = {
        "allow_fund_donation": {True: "1", False: "0"}.get(policy.allow_fund_donation, "") if policy else "",  # type: ignore[arg-type]  # bool | None key
        "allow_transfer": {True: "1", False: "0"}.get(policy.allow_transfer, "") if policy else "",  # type: ignore[arg-type]  # as above
        "expiry_years": policy.expiry_years if policy else None,
        "hold_hours": policy.hold_hours if policy else None,
    }
    return {
        "org": org,
        "nodes": picker_nodes(request.user),
        "own_rules": list(EarningRule.objects.filter(org=org).order_by("point_type")),
        "rules": rules_in_force(org=org),
        "policy": policy_for(org=org),
        "rule_form": forms.get("rule_form") or RuleForm(initial={"is_active": True}),
        "policy_form": forms.get("policy_form") or PolicyForm(initial=initial_policy),
    }


@login_required
@shows_domain_errors
def manage(request: AuthedRequest) -> HttpResponse:
    org = _org_for(request)
    if not can_administer(request.user, org):
        raise PermissionDenied("只有该组织及上级组织的管理员可以设置积分规则")
    if request.method != "POST":
        return render(request, "points/rule_manage.html", _manage_context(request, org))
    which = request.POST.get("form")
    form: RuleForm | PolicyForm = RuleForm(request.POST) if which == "rule" else PolicyForm(request.POST)
    key = "rule_form" if which == "rule" else "policy_form"
    if not form.is_valid():
        return render(request, "points/rule_manage.html", _manage_context(request, org, **{key: form}), status=400)
    d = form.cleaned_data
    try:
        if isinstance(form, RuleForm):
            rule_set(
                actor=request.user,
                org=org,
                data=RuleData(
                    point_type=d["point_type"],
                    basis=d["basis"],
                    amount=d["amount"],
                    daily_cap=d["daily_cap"],
                    yearly_cap=d["yearly_cap"],
                    requires_approval=d["requires_approval"],
                    description=d["description"],
                    is_active=d["is_active"],
                ),
            )
        else:
            policy_set(
                actor=request.user,
                org=org,
                data=PolicyData(
                    allow_fund_donation=tri_state(d["allow_fund_donation"]),
                    allow_transfer=tri_state(d["allow_transfer"]),
                    expiry_years=d["expiry_years"],
                    hold_hours=d["hold_hours"],
                ),
            )
    except DomainError as exc:
        add_domain_error(form, exc)
        return render(
            request, "points/rule_manage.html", _manage_context(request, org, **{key: form}), status=exc.status
        )
    messages.success(request, "已保存，本组织及下级即刻生效")
    return redirect(f"{reverse('points:rule-manage')}?org={org.pk}")


@login_required
@require_POST
@shows_domain_errors
def clear(request: AuthedRequest, rule_id: int) -> HttpResponse:
    rule = get_object_or_404(EarningRule.objects.select_related("org"), pk=rule_id)
    rule_clear(actor=request.user, rule=rule)
    messages.success(request, "已删除本组织的规则，改为沿用上级规则")
    return redirect(f"{reverse('points:rule-manage')}?org={rule.org_id}")
