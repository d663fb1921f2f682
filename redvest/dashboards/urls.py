from __future__ import annotations

from django.urls import URLPattern, path

from redvest.dashboards import views

app_name = "dashboards"
urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("screen/", views.big_screen_home, name="big-screen-home"),
    path("<int:org_id>/", views.dashboard_view, name="dashboard"),
    path("<int:org_id>/data.json", views.dashboard_json, name="data"),
    path("<int:org_id>/screen/", views.big_screen, name="big-screen"),
    path("exports/", views.export_view, name="export"),
    path("exports/list/", views.export_list_partial, name="export-list"),
    path("exports/<int:pk>/status/", views.export_status, name="export-status"),
    path("exports/<int:pk>/download/", views.export_download, name="export-download"),
    path("exports/<int:pk>/retry/", views.export_retry, name="export-retry"),
]
