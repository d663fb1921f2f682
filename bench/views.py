"""The baseline: a bare page behind the same login, doing one indexed query."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.html import escape
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from redvest.accounts.services import token_user
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


@csrf_exempt
@require_POST
def insert(request: HttpRequest) -> HttpResponse:
    """The check-in burst's baseline: bearer-token lookup, then one INSERT in its own transaction."""
    header = request.headers.get("Authorization", "")
    user = token_user(key=header.removeprefix("Bearer ").strip()) if header.startswith("Bearer ") else None
    if user is None:
        return JsonResponse({"code": "unauthorized"}, status=401)
    with transaction.atomic(), connection.cursor() as cursor:
        # RETURNING: SQLite (3.35+) and PostgreSQL alike; lastrowid is SQLite-only.
        cursor.execute(
            "INSERT INTO bench_insert (user_id, at) VALUES (%s, %s) RETURNING id", [user.pk, timezone.now().isoformat()]
        )
        row_id = cursor.fetchone()[0]
    return JsonResponse({"id": row_id})
