from django.urls import path

from redvest.volunteers.views import imports, ledger, privacy, transfers

app_name = "volunteers"
urlpatterns = [
    path("", ledger.volunteer_list, name="volunteer-list"),
    path("new/", ledger.volunteer_create, name="volunteer-create"),
    path("team-options/", ledger.team_options, name="team-options"),
    path("register/", ledger.register, name="register"),
    path("register/done/", ledger.register_done, name="register-done"),
    path("<int:pk>/", ledger.volunteer_detail, name="volunteer-detail"),
    path("<int:pk>/edit/", ledger.volunteer_edit, name="volunteer-edit"),
    path("<int:pk>/status/", ledger.volunteer_status, name="volunteer-status"),
    path("<int:pk>/reveal/", ledger.volunteer_reveal_view, name="volunteer-reveal"),
    path("<int:pk>/deregistration/", privacy.deregistration_create, name="deregistration-create"),
    path("deregistrations/", privacy.deregistration_list, name="deregistration-list"),
    path("deregistrations/<int:pk>/decision/", privacy.deregistration_decision, name="deregistration-decision"),
    path("<int:pk>/transfer/", transfers.transfer_create, name="transfer-create"),
    path("transfers/", transfers.transfer_list, name="transfer-list"),
    path("transfers/<int:pk>/decision/", transfers.transfer_decision, name="transfer-decision"),
    path("transfers/<int:pk>/withdraw/", transfers.transfer_withdraw_view, name="transfer-withdraw"),
    path("export/", imports.export, name="export"),
    path("import/", imports.import_create, name="import-create"),
    path("import/template/", imports.import_template, name="import-template"),
    path("import/<int:pk>/", imports.import_detail, name="import-detail"),
    path("import/<int:pk>/progress/", imports.import_progress, name="import-progress"),
    path("import/<int:pk>/confirm/", imports.import_confirm, name="import-confirm"),
    path("import/<int:pk>/retry/", imports.import_retry, name="import-retry"),
    path("import/<int:pk>/report/", imports.import_report, name="import-report"),
]
