from django.urls import path

from pharos.casework import views

app_name = "casework"
urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/<uuid:public_id>/done/", views.task_done, name="task_done"),
    path("cases/<uuid:public_id>/", views.case_work, name="case"),
    path("cases/<uuid:public_id>/tasks/new/", views.task_create, name="task_create"),
    path("cases/<uuid:public_id>/notes/new/", views.note_create, name="note_create"),
    path("cases/<uuid:public_id>/files/new/", views.attachment_create, name="attachment_create"),
    path("cases/<uuid:public_id>/assign/", views.assign, name="assign"),
    path("cases/<uuid:public_id>/close/", views.closure_request, name="closure_request"),
    path("cases/<uuid:public_id>/reopen/", views.reopen, name="reopen"),
    path("files/<uuid:public_id>/", views.attachment_download, name="attachment_download"),
    path("closures/", views.closure_list, name="closures"),
    path("closures/<uuid:public_id>/", views.closure_decide, name="closure_decide"),
    path("persons/<uuid:public_id>/export.<str:fmt>", views.person_export, name="person_export"),
    path("retention/", views.retention, name="retention"),
    path("retention/run/", views.retention_run, name="retention_run"),
]
