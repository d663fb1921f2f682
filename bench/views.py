"""The baseline: a bare page behind the same login, doing one indexed query."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.html import escape

from redvest.volunteers.models import Volunteer


@login_required
def baseline(request: HttpRequest) -> HttpResponse:
    try:
        pk = int(request.GET.get("id", "1"))
    except ValueError:
        pk = 1
    row = Volunteer.objects.filter(pk=pk).values_list("number", "name").first()
    text = f"{row[0]} {row[1]}" if row else "—"
    return HttpResponse(f"<!doctype html><html lang=zh-hans><title>baseline</title><p>{escape(text)}</p></html>")
