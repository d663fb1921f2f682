from __future__ import annotations

from django.urls import URLPattern, path

from redvest.evaluation import views

app_name = "evaluation"
urlpatterns: list[URLPattern] = [
    path("", views.round_list_view, name="round-list"),
    path("rounds/<int:round_id>/", views.round_detail_view, name="round-detail"),
    path("rounds/<int:round_id>/adjust/", views.round_adjust_view, name="round-adjust"),
    path("rounds/<int:round_id>/review/", views.round_review_view, name="round-review"),
    path("rounds/<int:round_id>/recompute/", views.round_recompute_view, name="round-recompute"),
    path("rounds/<int:round_id>/publish/", views.round_publish_view, name="round-publish"),
    path("schemes/", views.scheme_list_view, name="scheme-list"),
    path("schemes/<int:scheme_id>/", views.scheme_edit_view, name="scheme-edit"),
    path("bonus/", views.bonus_view, name="bonus"),
    path("bonus/export/", views.bonus_export_view, name="bonus-export"),
    path("volunteers/", views.volunteer_list_view, name="volunteer-list"),
    path("me/", views.my_evaluation_view, name="my-evaluation"),
    path("public/", views.public_list_view, name="public-list"),
    path("public/<int:round_id>/", views.public_ranking_view, name="public-ranking"),
    path("public/<int:round_id>/volunteers/", views.public_volunteers_view, name="public-volunteers"),
]
