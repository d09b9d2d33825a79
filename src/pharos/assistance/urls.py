from django.urls import path

from pharos.assistance import views

app_name = "assistance"
urlpatterns = [
    path("due/", views.due, name="due"),
    path("rules/", views.rules, name="rules"),
    path("rules/set/", views.rule_set, name="rule_set"),
    path("case/<uuid:public_id>/", views.pathway, name="pathway"),
    path("case/<uuid:public_id>/stage/", views.stage_enter, name="stage_enter"),
    path("case/<uuid:public_id>/stage/leave/", views.stage_leave, name="stage_leave"),
    path(
        "case/<uuid:public_id>/reflection-period/<uuid:measure_id>/end/",
        views.reflection_end,
        name="reflection_end",
    ),
    path(
        "case/<uuid:public_id>/support-plan/<uuid:measure_id>/review/", views.plan_review, name="plan_review"
    ),
    path("case/<uuid:public_id>/<slug:kind>/new/", views.measure_create, name="measure_create"),
    path("case/<uuid:public_id>/<slug:kind>/<uuid:measure_id>/", views.measure_edit, name="measure_edit"),
]
