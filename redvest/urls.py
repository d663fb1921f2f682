from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from redvest.api import api
from redvest.core import monitoring
from redvest.core import views as core_views

handler500 = "redvest.core.busy.server_error"

admin.site.site_header = "RedVest 红马甲 管理后台"
admin.site.site_title = "RedVest 红马甲"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("metrics", monitoring.metrics, name="metrics"),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("accounts/", include("redvest.accounts.urls")),
    # The role section of the org node page is accounts' (orgs sits below accounts), at the orgs URLs.
    path("orgs/", include("redvest.accounts.node_roles")),
    path("orgs/", include("redvest.orgs.urls")),
    path("volunteers/", include("redvest.volunteers.urls")),
    path("teams/", include("redvest.teams.urls")),
    path("households/", include("redvest.households.urls")),
    path("equipment/", include("redvest.equipment.urls")),
    path("audit/", include("redvest.audit.urls")),
    path("activities/", include("redvest.activities.urls")),
    path("records/", include("redvest.records.urls")),
    path("points/", include("redvest.points.urls")),
    path("demand/", include("redvest.demand.urls")),
    path("care/", include("redvest.care.urls")),
    path("reports/", include("redvest.reports.urls")),
    path("evaluation/", include("redvest.evaluation.urls")),
    path("awards/", include("redvest.awards.urls")),
    path("publicity/", include("redvest.publicity.urls")),
    path("dashboards/", include("redvest.dashboards.urls")),
    path("exchange/", include("redvest.exchange.urls")),
    path("open311/v2/", include("redvest.demand.open311_urls")),
    path("", include("redvest.portal.urls")),
    path("", include("redvest.core.urls")),
    # Uploaded files (evidence, archives) are served by Django with a login check in each app;
    # this plain route exists only for development and is off when DEBUG is off.
]
if settings.DEBUG:
    urlpatterns.append(path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))
