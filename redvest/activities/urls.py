from django.urls import path

from redvest.activities.views import attendance, browse, calendar, checkin, manage, outcomes, signups

app_name = "activities"
urlpatterns = [
    path("", browse.list_view, name="activity-list"),
    path("mine/", browse.mine_view, name="my-attendance"),
    path("calendar/", calendar.calendar_view, name="calendar"),
    path("manage/", manage.manage_view, name="activity-manage"),
    path("new/", manage.create_view, name="activity-create"),
    path("themes/", manage.theme_list_view, name="theme-list"),
    path("tallies/", manage.tally_category_list_view, name="tally-category-list"),
    path("tallies/<int:category_id>/toggle/", manage.tally_category_toggle_view, name="tally-category-toggle"),
    path("<int:activity_id>/", browse.detail_view, name="activity-detail"),
    path("<int:activity_id>/edit/", manage.edit_view, name="activity-edit"),
    path("<int:activity_id>/publish/", manage.publish_view, name="activity-publish"),
    path("<int:activity_id>/cancel/", manage.cancel_view, name="activity-cancel"),
    path("<int:activity_id>/signup/", browse.signup_create_view, name="signup-create"),
    path("signups/<int:signup_id>/cancel/", browse.signup_cancel_view, name="signup-cancel"),
    path("<int:activity_id>/signups/", signups.list_view, name="signup-list"),
    path("signups/<int:signup_id>/decide/", signups.decide_view, name="signup-decide"),
    path("<int:activity_id>/code/", checkin.code_view, name="code"),
    path("<int:activity_id>/code/partial/", checkin.code_partial_view, name="code-partial"),
    path("checkin/", checkin.checkin_home_view, name="checkin-home"),
    path("<int:activity_id>/checkin/", checkin.checkin_view, name="checkin"),
    path("<int:activity_id>/checkin/in/", checkin.check_in_submit_view, name="checkin-submit"),
    path("<int:activity_id>/checkin/out/", checkin.check_out_submit_view, name="checkout-submit"),
    path("<int:activity_id>/attendance/", attendance.list_view, name="attendance-list"),
    path("<int:activity_id>/attendance/proxy-in/", attendance.proxy_check_in_view, name="attendance-proxy-in"),
    path("attendance/<int:attendance_id>/proxy-out/", attendance.proxy_check_out_view, name="attendance-proxy-out"),
    path("attendance/<int:attendance_id>/confirm/", attendance.confirm_view, name="attendance-confirm"),
    path("<int:activity_id>/outcome/", outcomes.outcome_view, name="outcome"),
    path("<int:activity_id>/photos/", outcomes.photo_add_view, name="photo-add"),
    path("photos/<int:photo_id>/", outcomes.photo_view, name="photo"),
]
