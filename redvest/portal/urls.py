from django.urls import path

from redvest.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("stations/", views.stations_near, name="stations"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service-worker"),
]
