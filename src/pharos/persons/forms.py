"""Forms of the persons module. The API validates through the same PersonForm, so both agree."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pharos.persons.models import Gender, Person
from pharos.tenancy.models import Country

EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)
MAX_ALIASES = 20
NAME_MAX = 200


class AliasesWidget(forms.Textarea):
    """One alias per line; a stored list is shown the same way."""

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, list | tuple):
            return "\n".join(str(v) for v in value)
        return super().format_value(value)


class AliasesField(forms.Field):
    """A list of names, entered one per line on the page and as a JSON list in the API."""

    widget = AliasesWidget

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", AliasesWidget(attrs={"rows": 3}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[str]:
        if value in (None, ""):
            return []
        items = value.splitlines() if isinstance(value, str) else value
        if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
            raise forms.ValidationError(_("Give the aliases as a list of names."), code="invalid")
        cleaned = [" ".join(item.split()) for item in items]
        return list(dict.fromkeys(item for item in cleaned if item))

    def validate(self, value: list[str]) -> None:
        super().validate(value)
        if len(value) > MAX_ALIASES:
            raise forms.ValidationError(
                _("Give at most %(max)s aliases."), code="max_aliases", params={"max": MAX_ALIASES}
            )
        for item in value:
            if len(item) > NAME_MAX:
                raise forms.ValidationError(
                    _("Each alias can be at most %(max)s characters long."),
                    code="max_length",
                    params={"max": NAME_MAX},
                )


class CountryCodesField(forms.MultipleChoiceField):
    """ISO codes of the Country table; "mk" is read as "MK"."""

    def to_python(self, value: Any) -> list[str]:
        return [str(v).strip().upper() for v in super().to_python(value)]


def _country_choices() -> list[tuple[str, str]]:
    return sorted(((c.code, f"{c.name} ({c.code})") for c in Country.objects.all()), key=lambda c: c[1])


class PersonForm(forms.Form):
    """A person's identifiers and facts, as registered or changed by a case worker."""

    first_name = forms.CharField(label=_("First name"), max_length=NAME_MAX, required=False)
    second_name = forms.CharField(label=_("Family name"), max_length=NAME_MAX, required=False)
    aliases = AliasesField(
        label=_("Aliases and other names"),
        required=False,
        help_text=_("One per line: nicknames, names in travel documents, other spellings."),
    )
    birth_date = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty if unknown."),
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, initial=Gender.UNKNOWN)
    citizenships = CountryCodesField(
        label=_("Citizenship"),
        required=False,
        help_text=_("Hold Ctrl (or ⌘) to choose more than one."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    identity_number = forms.CharField(label=_("Identity document number"), max_length=100, required=False)
    contact = forms.CharField(
        label=_("Contact details"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    narrative = forms.CharField(
        label=_("Notes"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Only what the work with this person needs."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["citizenships"].choices = _country_choices()  # type: ignore[attr-defined]

    def clean_birth_date(self) -> datetime.date | None:
        value: datetime.date | None = self.cleaned_data.get("birth_date")
        if value is None:
            return None
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot be in the future."), code="future")
        if value < EARLIEST_BIRTH_DATE:
            raise forms.ValidationError(_("The date of birth cannot be before 1900."), code="too_early")
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        named = any(cleaned.get(name) for name in ("first_name", "second_name", "aliases"))
        if not named and not self._errors_in("first_name", "second_name", "aliases"):
            raise forms.ValidationError(
                _("Give at least a first name, a family name or an alias (a nickname is enough)."),
                code="no_name",
            )
        return cleaned

    def _errors_in(self, *names: str) -> bool:
        return any(name in self.errors for name in names)

    def changes(self) -> dict[str, Any]:
        """The cleaned values, ready for person_register / person_change (empty text as None)."""
        data = dict(self.cleaned_data)
        for name in ("first_name", "second_name", "identity_number", "contact", "narrative"):
            data[name] = (data.get(name) or "").strip() or None
        data["aliases"] = data.get("aliases") or None
        data["citizenships"] = list(dict.fromkeys(data.get("citizenships") or []))
        return data


def initial_for(person: Person) -> dict[str, Any]:
    """A person's current values as form data (the edit page and the API's PATCH start here)."""
    return {
        "first_name": person.first_name or "",
        "second_name": person.second_name or "",
        "aliases": list(person.aliases or []),
        "birth_date": person.birth_date.isoformat() if person.birth_date else "",
        "gender": person.gender,
        "citizenships": list(person.citizenships or []),
        "identity_number": person.identity_number or "",
        "contact": person.contact or "",
        "narrative": person.narrative or "",
    }


def form_data_from_json(values: Mapping[str, Any]) -> dict[str, Any]:
    """API input (JSON types) as form data: dates as ISO text, null as empty."""
    data: dict[str, Any] = {}
    for name, value in values.items():
        if value is None:
            data[name] = [] if name in ("aliases", "citizenships") else ""
        elif isinstance(value, datetime.date):
            data[name] = value.isoformat()
        else:
            data[name] = value
    return data


class PersonSearchForm(forms.Form):
    """Exact search: a full name or alias (through the blind index), an identity number or a reference."""

    q = forms.CharField(
        label=_("Name, alias, identity number or reference"),
        max_length=NAME_MAX,
        required=False,
        help_text=_(
            "Names are matched exactly, ignoring case, accents and extra spaces: type the full name."
        ),
    )


class EraseForm(forms.Form):
    """Erasure is confirmed by typing the person's reference."""

    reference = forms.CharField(label=_("Type the reference to confirm"), max_length=64)

    def __init__(self, *args: Any, expected: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected = expected

    def clean_reference(self) -> str:
        value = (self.cleaned_data.get("reference") or "").strip()
        if value.upper() != self.expected.upper():
            raise forms.ValidationError(
                _("This is not the reference of this person. Type %(reference)s exactly."),
                code="mismatch",
                params={"reference": self.expected},
            )
        return value
