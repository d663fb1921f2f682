from django.urls import path

from redvest.records.views import calendar, certificates, manage, mine, ranking

app_name = "records"
urlpatterns = [
    path("mine/", mine.my_service, name="my-service"),
    path("volunteer/<int:pk>/transferred/", mine.transferred, name="transferred"),
    path("mine/data/", mine.my_data, name="my-data"),
    path("r/<int:pk>/", mine.record_detail, name="record-detail"),
    path("r/<int:pk>/evidence/", mine.record_evidence, name="record-evidence"),
    path("r/<int:pk>/dispute/", mine.dispute_create, name="dispute-create"),
    path("r/<int:pk>/correct/", manage.record_correct_view, name="record-correct"),
    path("manage/", manage.record_list, name="record-list"),
    path("disputes/", manage.dispute_list, name="dispute-list"),
    path("disputes/<int:pk>/", manage.dispute_review_view, name="dispute-review"),
    path("makeup/", manage.makeup_create, name="makeup-create"),
    path("honour/", manage.honour_grant_view, name="honour-grant"),
    path("review/", manage.review_queue, name="review-queue"),
    path("review/<int:pk>/", manage.anomaly_resolve_view, name="anomaly-resolve"),
    path("proposals/", manage.proposal_list, name="proposal-list"),
    path("proposals/<int:pk>/", manage.proposal_detail, name="proposal-detail"),
    path("proposals/<int:pk>/evidence/", manage.proposal_evidence, name="proposal-evidence"),
    path("ranking/", ranking.ranking, name="ranking"),
    path("stars/", ranking.star_levels, name="star-levels"),
    path("calendar/", calendar.calendar_years, name="calendar"),
    path("calendar/<int:year>/", calendar.calendar_year, name="calendar-year"),
    path("certificates/", certificates.certificate_list, name="certificate-list"),
    path("certificates/new/", certificates.certificate_issue, name="certificate-issue"),
    path("certificates/<int:pk>/pdf/", certificates.certificate_pdf, name="certificate-pdf"),
    path("certificates/<int:pk>/revoke/", certificates.certificate_revoke, name="certificate-revoke"),
    path("verify/<str:token>/", certificates.certificate_verify, name="certificate-verify"),
]
