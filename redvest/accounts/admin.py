from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from redvest.accounts.models import ApiToken, RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["org"]


@admin.register(User)
class RedVestUserAdmin(UserAdmin):
    list_display = ["username", "name", "phone_masked", "is_active", "is_staff"]
    search_fields = ["username", "name"]
    inlines = [RoleAssignmentInline]
    fieldsets = (*(UserAdmin.fieldsets or ()), ("RedVest", {"fields": ("name",)}))


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "org", "created_at"]
    list_filter = ["role"]
    autocomplete_fields = ["user", "org"]
    list_select_related = ["user", "org"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "expires_at", "last_used_at"]
    readonly_fields = ["key_hash"]
    list_select_related = ["user"]
