from django.urls import path

from redvest.teams.views import announcements, brands, requests, teams

app_name = "teams"
urlpatterns = [
    path("", teams.list_view, name="team-list"),
    path("new/", teams.create_view, name="team-create"),
    path("<int:team_id>/", teams.detail_view, name="team-detail"),
    path("<int:team_id>/edit/", teams.edit_view, name="team-edit"),
    path("<int:team_id>/leader/", teams.set_leader_view, name="team-leader"),
    path("<int:team_id>/liaison/", teams.set_liaison_view, name="team-liaison"),
    path("<int:team_id>/step-down/", teams.step_down_view, name="team-step-down"),
    path("<int:team_id>/deactivate/", teams.deactivate_view, name="team-deactivate"),
    path("<int:team_id>/backbone/", teams.backbone_view, name="team-backbone"),
    path("<int:team_id>/members/add/", teams.member_add_view, name="member-add"),
    path("<int:team_id>/history/", teams.history_view, name="team-history"),
    path("<int:team_id>/documents/", teams.documents_view, name="document-list"),
    path("<int:team_id>/documents/upload/", teams.document_upload_view, name="document-upload"),
    path("<int:team_id>/join/", requests.join_view, name="team-join"),
    path("memberships/<int:membership_id>/leave/", teams.membership_leave_view, name="membership-leave"),
    path("documents/<int:document_id>/", teams.document_download_view, name="document-download"),
    path("join-requests/", requests.inbox_view, name="joinrequest-list"),
    path("join-requests/<int:request_id>/approve/", requests.approve_view, name="joinrequest-approve"),
    path("join-requests/<int:request_id>/reject/", requests.reject_view, name="joinrequest-reject"),
    path("join-requests/<int:request_id>/withdraw/", requests.withdraw_view, name="joinrequest-withdraw"),
    path("<int:team_id>/announcements/", announcements.team_announcements_view, name="announcement-list"),
    path("announcements/", announcements.my_announcements_view, name="announcement-mine"),
    path("announcements/<int:announcement_id>/", announcements.announcement_detail_view, name="announcement-detail"),
    path("brands/", brands.list_view, name="brand-list"),
    path("brands/new/", brands.create_view, name="brand-create"),
    path("brands/<int:brand_id>/", brands.detail_view, name="brand-detail"),
    path("brands/<int:brand_id>/edit/", brands.edit_view, name="brand-edit"),
]
