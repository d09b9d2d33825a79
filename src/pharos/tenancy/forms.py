"""Forms of the tenancy pages: the directory filter and the organisation switcher."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pharos.tenancy.models import Country, Organisation, OrganisationType, Region
from pharos.tenancy.queries import DirectoryFilter


class DirectoryFilterForm(forms.Form):
    """GET filters of the directory; an unknown value is an error, not an empty list."""

    text = forms.CharField(label=_("Name or code contains"), required=False, max_length=100)
    country = forms.ChoiceField(label=_("Country"), required=False)
    region = forms.ChoiceField(
        label=_("Region"),
        required=False,
        help_text=_("Countries belonging to the region today."),
    )
    org_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Any type")), *OrganisationType.choices]
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # Only countries that have an organisation: a list of 250 would hide the useful ones.
        used = Country.objects.filter(pk__in=Organisation.objects.active().values("country_id")).order_by(
            "code"
        )
        self.fields["country"].choices = [("", _("Any country"))] + [(c.code, c.name) for c in used]  # type: ignore[attr-defined]
        self.fields["region"].choices = [("", _("Any region"))] + [  # type: ignore[attr-defined]
            (r.code, str(r)) for r in Region.objects.order_by("code")
        ]

    def to_filter(self) -> DirectoryFilter:
        data = self.cleaned_data if self.is_valid() else {}
        return DirectoryFilter(
            country=data.get("country", ""),
            region=data.get("region", ""),
            org_type=data.get("org_type", ""),
            text=data.get("text", "").strip(),
        )


class SwitchForm(forms.Form):
    membership = forms.UUIDField()
    next = forms.CharField(required=False, max_length=2000)
