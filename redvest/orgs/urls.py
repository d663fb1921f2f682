from django.urls import path, register_converter

from redvest.orgs import views
from redvest.orgs.models import FiveHaveKind


class FiveHaveKindConverter:
    regex = "|".join(FiveHaveKind.values)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FiveHaveKindConverter, "fivehave")

app_name = "orgs"

urlpatterns = [
    path("", views.node_list, name="node-list"),
    path("new/", views.node_create_root, name="node-create-root"),
    path("<int:pk>/", views.node_detail, name="node-detail"),
    path("<int:pk>/children/", views.node_children, name="node-children"),
    path("<int:pk>/edit/", views.node_update, name="node-update"),
    path("<int:pk>/add/", views.node_create, name="node-create"),
    path("<int:pk>/move/", views.node_move, name="node-move"),
    path("<int:pk>/move/targets/", views.node_move_targets, name="node-move-targets"),
    path("<int:pk>/delete/", views.node_delete, name="node-delete"),
    path("stations/", views.station_list, name="station-list"),
    path("stations/<int:pk>/", views.station_detail, name="station-detail"),
    path("stations/<int:pk>/edit/", views.station_update, name="station-update"),
    path("stations/<int:pk>/items/<fivehave:kind>/evidence/", views.evidence_add, name="evidence-add"),
    path("stations/<int:pk>/items/<fivehave:kind>/inspections/", views.inspection_add, name="inspection-add"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence-download"),
]
