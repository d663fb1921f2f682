from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from redvest.activities.models import AgreementTemplate


@admin.register(AgreementTemplate)
class AgreementTemplateAdmin(admin.ModelAdmin):
    """A new text is a new version (add one); a version volunteers may have accepted is never edited."""

    list_display = ["title", "kind", "version", "created_at"]
    list_filter = ["kind"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["kind", "version", "title", "text"] if obj is not None else []
