from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from redvest.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "target_type", "target_repr", "org"]
    list_filter = ["action", "target_type"]
    list_select_related = ["actor", "org"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    # The log is append-only.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
