from django.urls import path

from redvest.equipment import views

app_name = "equipment"
urlpatterns = [
    path("", views.home_view, name="home"),
    path("stations/<int:pk>/", views.station_view, name="station"),
]
