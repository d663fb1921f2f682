"""/open311/v2/: the GeoReport v2 endpoints, each as .json and .xml (the format is part of the path)."""

from django.urls import path, re_path

from redvest.demand import open311

FMT = r"\.(?P<fmt>[^/.]+)$"

app_name = "open311"
urlpatterns = [
    path("", open311.root, name="root"),
    re_path(r"^discovery" + FMT, open311.discovery, name="discovery"),
    re_path(r"^services" + FMT, open311.services, name="services"),
    re_path(r"^services/(?P<service_code>[^/.]+)" + FMT, open311.service_definition, name="service-definition"),
    re_path(r"^requests" + FMT, open311.requests_view, name="requests"),
    re_path(r"^requests/(?P<service_request_id>[^/.]+)" + FMT, open311.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[^/.]+)" + FMT, open311.token, name="token"),
]
