from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from redvest.audit.display import audit_rows
from redvest.audit.models import AuditAction
from redvest.audit.selectors import audit_entry_list
from redvest.core.pages import AuthedRequest
from redvest.core.pagination import paginate, parse_page


@login_required
def entry_list(request: AuthedRequest) -> HttpResponse:
    qs = audit_entry_list(
        user=request.user, target_type=request.GET.get("type", ""), action=request.GET.get("action", "")
    )
    page = paginate(qs, page=parse_page(request.GET.get("page")))
    rows = audit_rows(list(page.items))
    return render(request, "audit/entry_list.html", {"page": page, "rows": rows, "actions": AuditAction.choices})
