from django.contrib import admin

from redvest.volunteers.models import NumberSequence, Volunteer, VolunteerImport, VolunteerStatusChange


@admin.register(Volunteer)
class VolunteerAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "gender", "id_number_masked", "phone_masked", "political_status", "org", "status"]
    list_filter = ["status", "political_status", "gender"]
    search_fields = ["name", "number"]
    list_select_related = ["org"]
    raw_id_fields = ["user", "org", "party_org"]
    readonly_fields = ["id_number_masked", "phone_masked"]


@admin.register(VolunteerStatusChange)
class VolunteerStatusChangeAdmin(admin.ModelAdmin):
    list_display = ["volunteer", "from_status", "to_status", "actor", "at"]
    list_select_related = ["volunteer", "actor"]


@admin.register(NumberSequence)
class NumberSequenceAdmin(admin.ModelAdmin):
    list_display = ["area_code", "year", "last"]


@admin.register(VolunteerImport)
class VolunteerImportAdmin(admin.ModelAdmin):
    list_display = ["id", "org", "status", "total_rows", "created_count", "created_at"]
    list_select_related = ["org"]
