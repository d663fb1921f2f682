from django.contrib import admin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from redvest.orgs.models import FiveHaveEvidence, FiveHaveInspection, FiveHaveItem, OrgNode, Station


@admin.register(OrgNode)
class OrgNodeAdmin(TreeAdmin):
    form = movenodeform_factory(OrgNode)
    list_display = ["name", "kind", "code"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    list_display = ["node", "address", "opening_hours", "contact_name"]
    search_fields = ["node__name", "address"]
    list_select_related = ["node"]


@admin.register(FiveHaveItem)
class FiveHaveItemAdmin(admin.ModelAdmin):
    list_display = ["station", "kind"]
    list_filter = ["kind"]
    list_select_related = ["station__node"]


@admin.register(FiveHaveEvidence)
class FiveHaveEvidenceAdmin(admin.ModelAdmin):
    list_display = ["item", "note", "uploaded_by", "uploaded_at"]
    list_select_related = ["item__station__node", "uploaded_by"]


@admin.register(FiveHaveInspection)
class FiveHaveInspectionAdmin(admin.ModelAdmin):
    list_display = ["item", "inspected_on", "result", "inspector"]
    list_filter = ["result"]
    list_select_related = ["item__station__node", "inspector"]
