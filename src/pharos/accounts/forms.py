"""Forms of the accounts pages: creating a personal API token."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pharos.tenancy import access
from pharos.tenancy.models import Membership

EXPIRY_CHOICES = [
    ("30", _("In 30 days")),
    ("90", _("In 90 days")),
    ("365", _("In a year")),
    ("", _("Never (revoke it yourself)")),
]


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, such as the script that uses it."),
    )
    membership = forms.ChoiceField(
        label=_("Acts for"),
        help_text=_("The token can do what this role in this organisation allows, nothing more."),
    )
    expires = forms.ChoiceField(label=_("Expires"), choices=EXPIRY_CHOICES, initial="90", required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.memberships = {str(m.public_id): m for m in access.memberships_of(user)}
        acting = access.acting_membership(user)
        field = self.fields["membership"]
        field.choices = [  # type: ignore[attr-defined]
            (key, f"{m.organisation.name} — {m.get_role_display()}") for key, m in self.memberships.items()
        ]
        if acting is not None:
            field.initial = str(acting.public_id)

    def clean_membership(self) -> Membership:
        return self.memberships[self.cleaned_data["membership"]]

    def expires_at(self) -> datetime | None:
        days = self.cleaned_data.get("expires")
        return timezone.now() + timedelta(days=int(days)) if days else None
