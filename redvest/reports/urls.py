from django.http import HttpResponse
from django.urls import path

app_name = "reports"
urlpatterns = [
    path("", lambda r: HttpResponse(""), name="home"),
    path("<int:pk>/", lambda r, pk: HttpResponse(""), name="report-detail"),
]
