from django.urls import path

from redvest.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.home, name="home"),
    path("open/", views.report_open_view, name="report-open"),
    path("<int:pk>/", views.report_detail, name="report-detail"),
    path("<int:pk>/save/", views.report_save, name="report-save"),
    path("<int:pk>/refresh/", views.report_refresh_view, name="report-refresh"),
    path("<int:pk>/review/", views.report_review, name="report-review"),
    path("review/", views.review_list, name="review-list"),
    path("circulars/", views.circular_list_view, name="circular-list"),
    path("circulars/new/", views.circular_new, name="circular-new"),
    path("circulars/<int:pk>/", views.circular_detail, name="circular-detail"),
    path("circulars/<int:pk>/publish/", views.circular_publish_view, name="circular-publish"),
    path("circulars/<int:pk>/pdf/", views.circular_pdf_view, name="circular-pdf"),
]
