from django.contrib import admin

from redvest.teams.models import Backbone, BrandProject, JoinRequest, Membership, Team, TeamDocument


class BackboneInline(admin.TabularInline):
    model = Backbone
    extra = 0
    raw_id_fields = ["volunteer"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "specialty", "org", "leader", "liaison", "is_active"]
    list_filter = ["kind", "specialty", "is_active"]
    search_fields = ["name"]
    list_select_related = ["org", "leader", "liaison"]
    raw_id_fields = ["org", "parent", "leader", "liaison"]
    inlines = [BackboneInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["volunteer", "team", "kind", "joined_at", "left_at"]
    list_filter = ["kind"]
    list_select_related = ["volunteer", "team"]
    raw_id_fields = ["volunteer", "team"]


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ["volunteer", "team", "kind", "status", "created_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["volunteer", "team"]
    raw_id_fields = ["volunteer", "team"]


@admin.register(TeamDocument)
class TeamDocumentAdmin(admin.ModelAdmin):
    list_display = ["team", "title", "uploaded_by", "uploaded_at"]
    list_select_related = ["team", "uploaded_by"]


@admin.register(BrandProject)
class BrandProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "owner"]
    search_fields = ["name"]
    list_select_related = ["owner"]
    filter_horizontal = ["teams"]
