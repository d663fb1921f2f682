from django.contrib import admin

from redvest.core.models import Notification, ProcessHeartbeat, ScheduledRun


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "title", "created_at", "read_at"]
    list_select_related = ["recipient"]
    search_fields = ["title"]


@admin.register(ScheduledRun)
class ScheduledRunAdmin(admin.ModelAdmin):
    list_display = ["job", "period_start", "status", "started_at", "finished_at"]
    list_filter = ["job", "status"]
    ordering = ["-started_at"]


@admin.register(ProcessHeartbeat)
class ProcessHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["kind", "instance", "started_at", "beat_at"]
    list_filter = ["kind"]
