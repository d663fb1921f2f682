from __future__ import annotations

from django.urls import URLPattern, path

from redvest.awards import views

app_name = "awards"
urlpatterns: list[URLPattern] = [
    path("", views.campaign_list_view, name="campaign-list"),
    path("new/", views.campaign_form_view, name="campaign-create"),
    path("<int:pk>/", views.campaign_detail_view, name="campaign-detail"),
    path("<int:pk>/edit/", views.campaign_form_view, name="campaign-edit"),
    path("<int:pk>/advance/", views.campaign_advance_view, name="campaign-advance"),
    path("<int:pk>/judges/", views.judge_add_view, name="judge-add"),
    path("<int:pk>/quotas/", views.quota_set_view, name="quota-set"),
    path("<int:pk>/nominate/", views.nominate_view, name="nominate"),
    path("<int:pk>/entries/", views.entry_list_view, name="entry-list"),
    path("entries/<int:nomination_id>/withdraw/", views.entry_withdraw_view, name="entry-withdraw"),
    path("<int:pk>/vote/", views.ballot_view, name="ballot"),
    path("entries/<int:nomination_id>/vote/", views.vote_view, name="vote"),
    path("<int:pk>/cut/", views.cut_view, name="cut"),
    path("<int:pk>/scores/", views.scoring_view, name="scoring"),
    path("<int:pk>/publish/", views.publish_view, name="publish"),
    path("<int:pk>/objections/", views.objection_list_view, name="objection-list"),
    path("objections/<int:objection_id>/resolve/", views.objection_resolve_view, name="objection-resolve"),
    path("results/", views.public_list_view, name="public-list"),
    path("results/<int:pk>/", views.results_view, name="results"),
    path("results/<int:pk>/results.pdf", views.results_pdf_view, name="results-pdf"),
    path("results/entries/<int:nomination_id>/objection/", views.objection_view, name="objection-new"),
]
