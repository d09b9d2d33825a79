"""Pages of consent, referrals, notifications, break-the-glass and possible duplicates.

A receiver reaches a referred case only through the referral's page, which renders the
disclosed sections (``pharos.referrals.sections``) and nothing else; the case's own pages
keep answering 404 to them. Every reading of disclosed or break-the-glass data is audited.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pharos.cases.queries import get_case_for_user
from pharos.core.declare import access
from pharos.persons.queries import get_person_for_user
from pharos.referrals import actions, queries, sections
from pharos.referrals.forms import (
    AnswerForm,
    BreakGlassForm,
    ConsentForm,
    ReferralFilterForm,
    ReferralForm,
    SendForm,
)
from pharos.referrals.models import State
from pharos.tenancy import access as tenancy_access
from pharos.tenancy.models import Organisation

PAGE_SIZE = 50


def _organisation(request: HttpRequest) -> Organisation:
    membership = tenancy_access.acting_membership(request.user)
    assert membership is not None  # the capability check passed
    return membership.organisation


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


# --- consent ------------------------------------------------------------------------------------------------


@access("consent.view")
@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A case's consent per purpose and its history; recording needs consent.record."""
    case = get_case_for_user(request.user, public_id, "cases.view")
    can_record = tenancy_access.can(request.user, "consent.record")
    form = ConsentForm(_posted(request) if can_record else None, own=case.organisation)
    if request.method == "POST" and can_record and form.is_valid():
        data = form.cleaned_data
        try:
            actions.consent_record(
                actor=request.user,
                case=case,
                purpose=data["purpose"],
                given=data["given"],
                stated_on=data["stated_on"],
                recipient=data["recipient"],
                note=data["note"],
            )
        except actions.ReferralError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The consent was recorded."))
            return redirect("referrals:consent", public_id=case.public_id)
    actions.consent_view(actor=request.user, case=case)
    return render(
        request,
        "referrals/consent.html",
        {
            "case": case,
            "form": form if can_record else None,
            "summary": queries.consent_summary(case),
            "history": queries.consents_for(request.user, case),
            "overrides": queries.overrides_for(request.user, case),
        },
    )


# --- referrals ------------------------------------------------------------------------------------------------


def _list(request: HttpRequest, direction: str) -> HttpResponse:
    found = queries.incoming(request.user) if direction == "incoming" else queries.outgoing(request.user)
    form = ReferralFilterForm(request.GET or None)
    state, overdue = "", False
    if form.is_bound and form.is_valid():
        state, overdue = form.cleaned_data["state"], form.cleaned_data["overdue"]
    page = Paginator(queries.filter_referrals(found, state, overdue), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "referrals/list.html",
        {"direction": direction, "form": form, "page_obj": page, "referrals": list(page.object_list)},
    )


@access("referrals.view")
@require_GET
def incoming(request: HttpRequest) -> HttpResponse:
    return _list(request, "incoming")


@access("referrals.view")
@require_GET
def outgoing(request: HttpRequest) -> HttpResponse:
    return _list(request, "outgoing")


@access("referrals.send")
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Draft a referral of a case (and send it at once with the "send" button)."""
    case = get_case_for_user(request.user, public_id, "cases.view")
    form = ReferralForm(_posted(request), own=case.organisation)
    send_form = SendForm(_posted(request))
    if request.method == "POST" and form.is_valid() and send_form.is_valid():
        data = form.cleaned_data
        try:
            referral = actions.referral_create(
                actor=request.user,
                case=case,
                recipient=data["recipient"],
                sections_chosen=data["sections"],
                message=data["message"],
                respond_by=data["respond_by"],
                complete_by=data["complete_by"],
            )
        except actions.ReferralError as exc:
            form.add_error(None, str(exc))
        else:
            if "send" in request.POST:
                _try(
                    request,
                    lambda: actions.referral_send(
                        actor=request.user,
                        referral=referral,
                        override_reason=send_form.cleaned_data["override_reason"],
                    ),
                    _("The referral was sent."),
                )
            else:
                messages.success(request, _("The referral was saved as a draft."))
            return redirect("referrals:detail", public_id=referral.public_id)
    return render(
        request,
        "referrals/form.html",
        {
            "case": case,
            "form": form,
            "send_form": send_form,
            "can_override": tenancy_access.can(request.user, "consent.override"),
        },
    )


@access("referrals.view")
@require_GET
def detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    referral = queries.get_referral_for_user(request.user, public_id)
    receiver = queries.is_receiver(request.user, referral)
    disclosed: list[Any] = []
    if receiver:
        codes = queries.disclosed_codes(referral)
        if codes:
            disclosed = sections.read(referral.case, codes)
            actions.referral_disclosed_view(actor=request.user, referral=referral, codes=codes)
    else:
        actions.referral_view(actor=request.user, referral=referral)
    chosen = [sections.get(code) for code in referral.sections]
    events = list(queries.events_of(referral))
    for event in events:  # state labels in the reader's language
        event.from_label = State(event.from_state).label if event.from_state else ""  # type: ignore[attr-defined]
        event.to_label = State(event.to_state).label  # type: ignore[attr-defined]
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "receiver": receiver,
            "sender": not receiver,
            "disclosed": disclosed,
            "chosen": [s for s in chosen if s is not None],
            "events": events,
            "consent": queries.referral_consent(referral.case, referral.recipient) if not receiver else None,
            "can_send": tenancy_access.can(request.user, "referrals.send"),
            "can_receive": tenancy_access.can(request.user, "referrals.receive"),
            "can_override": tenancy_access.can(request.user, "consent.override"),
            "answer_form": AnswerForm(),
            "send_form": SendForm(),
            "State": State,
        },
    )


def _try(request: HttpRequest, write: Callable[[], Any], success: str) -> bool:
    try:
        write()
    except actions.ReferralError as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, success)
    return True


def _answer(
    request: HttpRequest, public_id: UUID, capability: str, write: Callable[..., Any], success: str
) -> HttpResponse:
    referral = queries.get_referral_for_user(request.user, public_id, capability)
    form = AnswerForm(request.POST)
    text = form.cleaned_data["text"] if form.is_valid() else ""
    _try(request, lambda: write(referral, text), success)
    return redirect("referrals:detail", public_id=referral.public_id)


@access("referrals.send")
@require_POST
def send(request: HttpRequest, public_id: UUID) -> HttpResponse:
    referral = queries.get_referral_for_user(request.user, public_id, "referrals.send")
    form = SendForm(request.POST)
    reason = form.cleaned_data["override_reason"] if form.is_valid() else ""
    _try(
        request,
        lambda: actions.referral_send(actor=request.user, referral=referral, override_reason=reason),
        _("The referral was sent."),
    )
    return redirect("referrals:detail", public_id=referral.public_id)


@access("referrals.receive")
@require_POST
def accept(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _answer(
        request,
        public_id,
        "referrals.receive",
        lambda r, text: actions.referral_accept(actor=request.user, referral=r, note=text),
        _("The referral was accepted."),
    )


@access("referrals.receive")
@require_POST
def decline(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _answer(
        request,
        public_id,
        "referrals.receive",
        lambda r, text: actions.referral_decline(actor=request.user, referral=r, reason=text),
        _("The referral was declined."),
    )


@access("referrals.receive")
@require_POST
def complete(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _answer(
        request,
        public_id,
        "referrals.receive",
        lambda r, text: actions.referral_complete(actor=request.user, referral=r, feedback=text),
        _("The referral was reported completed."),
    )


@access("referrals.send")
@require_POST
def revoke(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _answer(
        request,
        public_id,
        "referrals.send",
        lambda r, text: actions.referral_revoke(actor=request.user, referral=r, reason=text),
        _("The referral was revoked."),
    )


# --- notifications and break-the-glass ---------------------------------------------------------------------------


@access("cases.view")
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    page = Paginator(queries.notifications_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "referrals/notifications.html", {"page_obj": page, "notifications": list(page.object_list)}
    )


@access("cases.break_glass")
@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest) -> HttpResponse:
    form = BreakGlassForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        case = queries.find_case_anywhere(form.cleaned_data["reference"])
        if case is None:
            form.add_error("reference", _("No case has this reference."))
        else:
            try:
                grant = actions.break_glass_open(
                    actor=request.user, case=case, reason=form.cleaned_data["reason"]
                )
            except actions.ReferralError as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("referrals:break_glass_case", public_id=grant.public_id)
    return render(request, "referrals/break_glass.html", {"form": form})


@access("cases.break_glass")
@require_GET
def break_glass_case(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The case opened under an unexpired grant: every section, every reading audited."""
    grant = queries.get_grant_for_user(request.user, public_id)
    actions.break_glass_read(actor=request.user, grant=grant)
    codes = [s.code for s in sections.all_sections()]
    return render(
        request,
        "referrals/break_glass_case.html",
        {"grant": grant, "disclosed": sections.read(grant.case, codes)},
    )


# --- possible duplicates -------------------------------------------------------------------------------------------


def duplicate_redirect(request: HttpRequest, person: Any, next_url: str) -> HttpResponse | None:
    """After a registration: warn about possible matches held elsewhere (None when there are none).

    Registration views call this with the page they would go to; the matches page links back.
    """
    if not tenancy_access.can(request.user, "referrals.contact"):
        return None
    found = actions.duplicate_check(actor=request.user, person=person)
    if not found:
        return None
    organisations = len({m.other_organisation_id for m in found})
    messages.warning(
        request,
        ngettext(
            "A possible match of this person is held by another organisation.",
            "Possible matches of this person are held by %(count)d other organisations.",
            organisations,
        )
        % {"count": organisations},
    )
    return redirect(
        f"{reverse('referrals:matches', args=[person.public_id])}?{urlencode({'next': next_url})}"
    )


@access("referrals.contact")
@require_GET
def matches(request: HttpRequest, public_id: UUID) -> HttpResponse:
    person = get_person_for_user(request.user, public_id, "persons.view")
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = reverse("persons:detail", args=[person.public_id])
    return render(
        request,
        "referrals/matches.html",
        {"person": person, "matches": queries.matches_for(request.user, person), "next_url": next_url},
    )


@access("referrals.contact")
@require_POST
def contact(request: HttpRequest, public_id: UUID) -> HttpResponse:
    match = queries.get_match_for_user(request.user, public_id)
    _try(
        request,
        lambda: actions.contact_request(actor=request.user, match=match),
        _("%(organisation)s was asked to contact you.") % {"organisation": match.other_organisation.name},
    )
    return redirect("referrals:matches", public_id=match.person.public_id)
