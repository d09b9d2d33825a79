from django.urls import path

from pharos.referrals import views

app_name = "referrals"
urlpatterns = [
    path("incoming/", views.incoming, name="incoming"),
    path("outgoing/", views.outgoing, name="outgoing"),
    path("cases/<uuid:public_id>/new/", views.create, name="create"),
    path("cases/<uuid:public_id>/consent/", views.consent, name="consent"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/send/", views.send, name="send"),
    path("<uuid:public_id>/accept/", views.accept, name="accept"),
    path("<uuid:public_id>/decline/", views.decline, name="decline"),
    path("<uuid:public_id>/complete/", views.complete, name="complete"),
    path("<uuid:public_id>/revoke/", views.revoke, name="revoke"),
    path("notifications/", views.notifications, name="notifications"),
    path("break-glass/", views.break_glass, name="break_glass"),
    path("break-glass/<uuid:public_id>/", views.break_glass_case, name="break_glass_case"),
    path("persons/<uuid:public_id>/matches/", views.matches, name="matches"),
    path("matches/<uuid:public_id>/contact/", views.contact, name="contact"),
]
