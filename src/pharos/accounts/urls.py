from django.urls import path

from pharos.accounts import views

app_name = "accounts"
urlpatterns = [
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<uuid:public_id>/revoke/", views.token_revoke, name="token_revoke"),
]
