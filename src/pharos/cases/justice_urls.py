"""Criminal-justice pages under /justice/: suspects and proceedings (kept apart from victim cases)."""

from django.urls import path

from pharos.cases import justice_views as views

app_name = "justice"
urlpatterns = [
    path("suspects/", views.suspect_list, name="suspect_list"),
    path("suspects/new/", views.suspect_create, name="suspect_create"),
    path("suspects/<uuid:public_id>/", views.suspect_detail, name="suspect_detail"),
    path("suspects/<uuid:public_id>/edit/", views.suspect_edit, name="suspect_edit"),
    path("suspects/<uuid:public_id>/history/", views.suspect_history, name="suspect_history"),
    path("proceedings/", views.proceeding_list, name="proceeding_list"),
    path("proceedings/new/", views.proceeding_create, name="proceeding_create"),
    path("proceedings/<uuid:public_id>/", views.proceeding_detail, name="proceeding_detail"),
    path("proceedings/<uuid:public_id>/edit/", views.proceeding_edit, name="proceeding_edit"),
    path("proceedings/<uuid:public_id>/history/", views.proceeding_history, name="proceeding_history"),
    path(
        "proceedings/<uuid:public_id>/defendants/<uuid:defendant_id>/",
        views.defendant_outcome,
        name="defendant_outcome",
    ),
]
