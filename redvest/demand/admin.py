"""Django admin: the service menu and Open311 API clients (keys are issued here, shown once)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from redvest.demand.models import Open311Client, ServiceAttribute, ServiceItem, ServiceRequest
from redvest.demand.services.open311 import open311_client_create


class ServiceAttributeInline(admin.TabularInline):
    model = ServiceAttribute
    extra = 0


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "category",
        "handling_level",
        "arrival_minutes",
        "resolution_minutes",
        "is_errand",
        "is_active",
    ]
    list_filter = ["category", "handling_level", "is_errand", "is_active"]
    search_fields = ["code", "name", "keywords"]
    inlines = [ServiceAttributeInline]


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin):
    list_display = ["name", "key_prefix", "org", "is_active", "created_at", "last_used_at"]
    list_filter = ["is_active"]
    raw_id_fields = ["org"]
    readonly_fields = ["key_prefix", "created_at", "last_used_at"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is None:
            return ("name", "org")
        return ("name", "org", "is_active", "key_prefix", "created_at", "last_used_at")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        client, key = open311_client_create(actor=request.user, name=obj.name, org=obj.org)  # type: ignore[arg-type]  # login_required: a User, typed User | AnonymousUser
        obj.pk = client.pk
        obj.key_prefix, obj.key_hash = client.key_prefix, client.key_hash
        obj._state.adding = False
        messages.warning(request, f"已签发 api_key（只显示这一次，请妥善转交）：{key}")


@admin.register(ServiceRequest)
class ServiceRequestAdmin(admin.ModelAdmin):
    list_display = ["number", "item", "channel", "status", "area", "created_at"]
    list_filter = ["status", "channel", "category"]
    search_fields = ["number"]
    list_select_related = ["item", "area"]
    raw_id_fields = [
        "item",
        "order",
        "resident",
        "submitted_by",
        "intake_org",
        "intake_station",
        "area",
        "escalated_to",
        "created_by",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # requests come in through the console, the service points, the web form and Open311
