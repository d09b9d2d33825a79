"""Puts the session's acting membership on the user for visible_to() and capability checks."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from pharos.tenancy import access


class ActingOrganisationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            access.remember_memberships(user)
            membership = access.resolve_acting(user, request.session.get(access.SESSION_KEY))
            access.set_acting(user, membership)
            if membership is not None and request.session.get(access.SESSION_KEY) != str(
                membership.public_id
            ):
                request.session[access.SESSION_KEY] = str(membership.public_id)
        try:
            return self.get_response(request)
        finally:
            if user is not None:
                access.forget_memberships(user)
