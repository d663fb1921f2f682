from __future__ import annotations

from django.urls import path

from redvest.publicity.views import commitments, exemplars, training

app_name = "publicity"
urlpatterns = [
    path("commitments/", commitments.commitment_list_view, name="commitment-list"),
    path("commitments/mine/", commitments.my_commitments_view, name="my-commitments"),
    path("commitments/new/", commitments.commitment_new_view, name="commitment-new"),
    path("commitments/<int:pk>/", commitments.commitment_detail_view, name="commitment-detail"),
    path("commitments/<int:pk>/edit/", commitments.commitment_edit_view, name="commitment-edit"),
    path("wall/", commitments.wall_index_view, name="wall-index"),
    path("wall/<int:org_id>/", commitments.wall_view, name="wall"),
    path("exemplars/", exemplars.exemplar_list_view, name="exemplar-list"),
    path("exemplars/new/", exemplars.exemplar_new_view, name="exemplar-new"),
    path("exemplars/<int:pk>/", exemplars.exemplar_detail_view, name="exemplar-detail"),
    path("exemplars/<int:pk>/edit/", exemplars.exemplar_edit_view, name="exemplar-edit"),
    path("exemplars/<int:pk>/<str:action>/", exemplars.exemplar_action_view, name="exemplar-action"),
    path("stories/", exemplars.public_list_view, name="public-list"),
    path("stories/<int:pk>/", exemplars.public_detail_view, name="public-detail"),
    path("photos/<int:pk>/", exemplars.photo_view, name="photo"),
    path("training/", training.session_list_view, name="session-list"),
    path("training/new/", training.session_new_view, name="session-new"),
    path("training/mine/", training.my_training_view, name="my-training"),
    path("training/hours/", training.hours_report_view, name="hours-report"),
    path("training/<int:pk>/", training.session_detail_view, name="session-detail"),
    path("training/<int:pk>/enrol/", training.session_enrol_view, name="session-enrol"),
    path("training/<int:pk>/attendance/", training.session_attendance_view, name="session-attendance"),
]
