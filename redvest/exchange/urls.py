from django.urls import path

from redvest.exchange import views

app_name = "exchange"
urlpatterns = [
    path("", views.home, name="home"),
    path("import/", views.import_upload, name="import"),
    path("batches/<int:batch_id>/", views.batch, name="batch"),
    path("batches/<int:batch_id>/confirm/", views.import_confirm, name="import-confirm"),
    path("batches/<int:batch_id>/download/", views.download, name="download"),
    path("volunteers/<int:volunteer_id>/transferred/", views.transferred, name="transferred"),
]
