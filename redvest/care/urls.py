from django.urls import path

from redvest.care import views

app_name = "care"
urlpatterns = [
    path("", views.recipient_list_view, name="recipient-list"),
    path("new/", views.recipient_new_view, name="recipient-new"),
    path("mine/", views.my_pairings_view, name="my-pairings"),
    path("overdue/", views.overdue_view, name="overdue"),
    path("cadence/", views.cadence_view, name="cadence"),
    path("recipients/<int:pk>/", views.recipient_detail_view, name="recipient-detail"),
    path("recipients/<int:pk>/edit/", views.recipient_edit_view, name="recipient-edit"),
    path("recipients/<int:pk>/end/", views.recipient_end_view, name="recipient-end"),
    path("recipients/<int:pk>/phone/", views.recipient_phone_view, name="recipient-phone"),
    path("recipients/<int:pk>/consent/", views.consent_new_view, name="consent-new"),
    path("recipients/<int:pk>/health/", views.health_view, name="health"),
    path("recipients/<int:pk>/health/edit/", views.health_edit_view, name="health-edit"),
    path("recipients/<int:pk>/pairings/new/", views.pairing_new_view, name="pairing-new"),
    path("recipients/<int:pk>/visits/new/", views.visit_new_view, name="visit-new"),
    path("consents/<int:consent_id>/withdraw/", views.consent_withdraw_view, name="consent-withdraw"),
    path("pairings/<int:pairing_id>/end/", views.pairing_end_view, name="pairing-end"),
]
