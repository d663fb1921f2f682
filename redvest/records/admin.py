"""Read-only admin: the ledger is append-only and every change here goes through the services (with audit)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from redvest.records.models import (
    Anomaly,
    Certificate,
    MonthlyServiceTotal,
    RecordDispute,
    ServiceCategoryTotal,
    ServiceRecord,
    ServiceTotal,
    StarLevelConfig,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ServiceRecord)
class ServiceRecordAdmin(ReadOnlyAdmin):
    list_display = ["id", "volunteer", "kind", "source", "minutes", "served_on", "activity", "created_by", "created_at"]
    list_filter = ["kind", "source"]
    list_select_related = ["volunteer", "activity", "created_by"]
    search_fields = ["volunteer__number", "volunteer__name"]
    raw_id_fields = ["volunteer", "activity", "attendance", "reverses", "corrects", "created_by"]


@admin.register(ServiceTotal)
class ServiceTotalAdmin(ReadOnlyAdmin):
    list_display = ["volunteer", "year", "kind", "minutes"]
    list_filter = ["year", "kind"]
    list_select_related = ["volunteer"]
    raw_id_fields = ["volunteer"]


@admin.register(ServiceCategoryTotal)
class ServiceCategoryTotalAdmin(ReadOnlyAdmin):
    list_display = ["volunteer", "year", "kind", "category", "minutes"]
    list_filter = ["year", "kind", "category"]
    list_select_related = ["volunteer"]
    raw_id_fields = ["volunteer"]


@admin.register(MonthlyServiceTotal)
class MonthlyServiceTotalAdmin(ReadOnlyAdmin):
    list_display = ["org", "month", "kind", "minutes"]
    list_filter = ["month", "kind"]
    list_select_related = ["org"]
    raw_id_fields = ["org"]


@admin.register(RecordDispute)
class RecordDisputeAdmin(ReadOnlyAdmin):
    list_display = ["id", "volunteer", "record", "status", "created_at", "reviewed_by"]
    list_filter = ["status"]
    list_select_related = ["volunteer", "record", "reviewed_by"]


@admin.register(Anomaly)
class AnomalyAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "volunteer", "activity", "status", "created_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["volunteer", "activity"]


@admin.register(StarLevelConfig)
class StarLevelConfigAdmin(ReadOnlyAdmin):
    list_display = ["org", "thresholds_hours"]
    list_select_related = ["org"]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "volunteer",
        "period_start",
        "period_end",
        "credit_minutes",
        "honour_minutes",
        "revoked_at",
    ]
    list_select_related = ["volunteer"]
    search_fields = ["number"]
