from django.urls import path

from redvest.households import views

app_name = "households"
urlpatterns = [
    path("", views.household_list_view, name="household-list"),
    path("new/", views.household_new_view, name="household-new"),
    path("mine/", views.my_households_view, name="my-households"),
    path("<int:pk>/", views.household_detail_view, name="household-detail"),
    path("<int:pk>/edit/", views.household_edit_view, name="household-edit"),
    path("<int:pk>/phone/", views.household_phone_view, name="household-phone"),
    path("<int:pk>/contacts/new/", views.contact_new_view, name="contact-new"),
]
