"""Forms of the cases module: pages and API validate through them, with ``validation``'s rules.

The Django fields here only carry values (a date input, a group of checkboxes); every value
is checked by ``pharos.cases.validation`` in ``clean()``, so a person typing in a form, a
program calling the API and a file being imported get the same answer in the same words.
Coded fields offer the codes valid today in the UI language, plus the codes the record
already holds if their list has closed them since.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, ClassVar

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pharos.cases import queries, validation
from pharos.cases.models import Defendant, Outcome, PerpetratorAccount, Proceeding, Stage, Suspect, VictimCase
from pharos.cases.validation import Problem, Rule, Vocabulary
from pharos.tenancy.models import Organisation

NOT_KNOWN = _("Not known")


class CodeChoiceField(forms.ChoiceField):
    """One code; whether it is valid is for ``validation`` to say (with the nearest values)."""

    def valid_value(self, value: Any) -> bool:
        return True


class CodesChoiceField(forms.MultipleChoiceField):
    """Several codes, shown as a group of checkboxes; checked by ``validation``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}))
        super().__init__(**kwargs)

    def valid_value(self, value: Any) -> bool:
        return True


class CountriesField(forms.MultipleChoiceField):
    """Several countries; checked by ``validation`` (which also reads names and alpha-3 codes)."""

    def valid_value(self, value: Any) -> bool:
        return True


def _date(label: Any, **kwargs: Any) -> forms.CharField:
    kwargs.setdefault("required", False)
    return forms.CharField(
        label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs
    )


def _number(label: Any, maximum: int = validation.MAX_AGE, **kwargs: Any) -> forms.CharField:
    kwargs.setdefault("required", False)
    attrs = {"inputmode": "numeric", "min": "0", "max": str(maximum)}
    return forms.CharField(label=label, widget=forms.NumberInput(attrs=attrs), **kwargs)


def _amount(label: Any, **kwargs: Any) -> forms.CharField:
    kwargs.setdefault("required", False)
    return forms.CharField(label=label, widget=forms.TextInput(attrs={"inputmode": "decimal"}), **kwargs)


def _text(label: Any, rows: int = 0, **kwargs: Any) -> forms.CharField:
    kwargs.setdefault("required", False)
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(label=label, widget=widget, **kwargs)


def _radio(label: Any, **kwargs: Any) -> CodeChoiceField:
    return CodeChoiceField(
        label=label, widget=forms.RadioSelect(attrs={"class": "form-check-input"}), **kwargs
    )


def _select(label: Any, **kwargs: Any) -> CodeChoiceField:
    kwargs.setdefault("required", False)
    return CodeChoiceField(label=label, **kwargs)


def organisation_choices() -> list[tuple[str, str]]:
    rows = Organisation.objects.active().select_related("country").order_by("country__code", "name")
    return [("", "—"), *((o.code, f"{o.name} ({o.country.code})") for o in rows)]


class CodedForm(forms.Form):
    """Base of the forms whose fields ``rules`` describes."""

    rules: ClassVar[Mapping[str, Rule]] = {}

    def __init__(
        self,
        *args: Any,
        vocabulary: Vocabulary | None = None,
        on: datetime.date | None = None,
        keep: Mapping[str, Iterable[str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.vocabulary = vocabulary or Vocabulary()
        self.on = on or timezone.localdate()
        self.keep = {name: list(codes) for name, codes in (keep or {}).items()}
        self.problems: list[Problem] = []
        self.vocabulary.preload(validation.list_keys(self.rules))
        for name, rule in self.rules.items():
            field = self.fields.get(name)
            if field is None or not hasattr(field, "choices"):
                continue
            if rule.kind in ("code", "codes"):
                choices = self.vocabulary.choices(rule.list_key, self.on, self.keep.get(name, ()))
            elif rule.kind in ("country", "countries"):
                choices = self.vocabulary.country_choices()
            else:
                continue
            blank = rule.kind in ("code", "country") and not isinstance(field.widget, forms.RadioSelect)
            field.choices = [("", NOT_KNOWN), *choices] if blank else choices

    def validate(self, data: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
        return validation.check(self.rules, data, vocabulary=self.vocabulary, on=self.on, keep=self.keep)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        values, problems = self.validate(cleaned)
        self.absorb(problems)
        for name, value in values.items():
            if name not in self.errors:
                cleaned[name] = value
        return cleaned

    def absorb(self, problems: Iterable[Problem]) -> None:
        """Show validation problems (from here or from an action) on their fields."""
        already = set(self.errors)  # fields whose own check already said what is wrong
        for problem in problems:
            target = problem.field if problem.field in self.fields else None
            if target is not None and target in already:
                continue
            self.problems.append(problem)
            self.add_error(target, forms.ValidationError(problem.message, code=problem.code))

    def values(self, names: Iterable[str]) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}


# --- victim cases --------------------------------------------------------------------------------


class CaseForm(CodedForm):
    """A victim case's facts, as entered or changed by a case worker (HTCDS ``vic_`` fields)."""

    rules = validation.CASE_RULES

    registered_on = _date(_("Registration date"), required=True)
    identified_by = CodeChoiceField(
        label=_("Identifying organisation"),
        required=False,
        help_text=_("The organisation that identified the person, if it uses Pharos."),
    )
    identified_by_name = _text(
        _("Identifying organisation (not in Pharos)"),
        help_text=_("Its name, if the organisation that identified the person does not use Pharos."),
    )
    age_at_recruitment = _number(_("Age at recruitment"), help_text=_("In completed years."))
    age_at_exploitation = _number(_("Age at exploitation"), help_text=_("In completed years."))
    age_at_identification = _number(_("Age at identification"), help_text=_("In completed years."))
    country_of_exploitation = _select(_("Country of exploitation"))
    forms_of_exploitation = CodesChoiceField(
        label=_("Forms of exploitation"), help_text=_("Tick every form that applies.")
    )
    labour_sector = _select(_("Labour sector (ISIC)"), help_text=_("For labour exploitation."))
    sex_exploitation_types = CodesChoiceField(
        label=_("Types of sexual exploitation"),
        help_text=_("For sexual exploitation; tick every type that applies."),
    )
    means_of_control = CodesChoiceField(
        label=_("Means of control"), help_text=_("Tick every means that applies.")
    )
    recruitment_methods = CodesChoiceField(
        label=_("Methods of recruitment"), help_text=_("Tick every method that applies.")
    )
    recruiter_relationships = CodesChoiceField(
        label=_("Relationship to the recruiter"), help_text=_("Tick every relationship that applies.")
    )
    notes = _text(_("Notes"), rows=4, help_text=_("Only what the work on this case needs. Stored encrypted."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["identified_by"].choices = organisation_choices()  # type: ignore[attr-defined]

    def validate(self, data: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
        values, problems = validation.check_case(data, vocabulary=self.vocabulary, on=self.on, keep=self.keep)
        org, found = validation.check_organisation(
            "identified_by", self.fields["identified_by"].label or "", data.get("identified_by")
        )
        problems.extend(found)
        values["identified_by"] = org
        return values, problems

    def facts(self) -> dict[str, Any]:
        """The cleaned facts, ready for case_register / case_change."""
        return self.values((*validation.CASE_RULES, "identified_by"))


class CaseCreateForm(CaseForm):
    """A new case: the person (a registered one, or one registered with it) and the first status."""

    person = forms.CharField(
        label=_("Reference of a registered person"),
        required=False,
        max_length=64,
        help_text=_("For example MK-ORG-2026-00001. Leave empty to register the person below."),
    )
    status = _radio(_("Trafficking status"))
    decision_org_type = _select(_("Type of deciding organisation"), required=True)
    decision_org = CodeChoiceField(label=_("Deciding organisation"), required=False)
    decided_on = _date(_("Date of the decision"), required=True)

    field_order = ("person", "status", "decision_org_type", "decision_org", "decided_on")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        decision_rules = validation.DECISION_RULES
        self.vocabulary.preload(validation.list_keys(decision_rules))
        self.fields["status"].choices = self.vocabulary.choices(decision_rules["status"].list_key, self.on)  # type: ignore[attr-defined]
        self.fields["decision_org_type"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *self.vocabulary.choices(decision_rules["decision_org_type"].list_key, self.on),
        ]
        self.fields["decision_org"].choices = organisation_choices()  # type: ignore[attr-defined]

    def clean_person(self) -> Any:
        text = (self.cleaned_data.get("person") or "").strip()
        if not text:
            return None
        person = queries.find_person(self.user, text)
        if person is None:
            raise forms.ValidationError(
                _(
                    "No person with the reference %(reference)s is registered by your organisation. Copy the reference from the person's page, or leave this empty and register the person below."
                ),
                code="unknown_person",
                params={"reference": text},
            )
        if person.is_erased:
            raise forms.ValidationError(
                _("This person's personal data was erased; no case can be opened for them."), code="erased"
            )
        return person

    def validate(self, data: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
        values, problems = super().validate(data)
        decision, found = validation.check_decision(data, vocabulary=self.vocabulary, on=self.on)
        problems.extend(found)
        org, found = validation.check_organisation(
            "decision_org", self.fields["decision_org"].label or "", data.get("decision_org")
        )
        problems.extend(found)
        return {**values, **decision, "decision_org": org}, problems

    def decision(self) -> dict[str, Any]:
        return self.values(("status", "decision_org_type", "decided_on", "decision_org"))


def decision_org_type_for(organisation: Organisation) -> str:
    """The HTCDS type of deciding organisation an organisation of this type would be."""
    return {
        "LawEnforcement": "Police",
        "ImmigrationService": "NonPoliceGovernmentalOrganization",
        "NGO": "NGO",
        "CentralGovernmentOrganisation": "NonPoliceGovernmentalOrganization",
        "LocalGovernmentOrganisation": "NonPoliceGovernmentalOrganization",
        "LegalService": "CourtOrProsecution",
    }.get(organisation.org_type, "Other")


def create_initial(organisation: Organisation, person: str = "") -> dict[str, Any]:
    today = timezone.localdate().isoformat()
    return {
        "person": person,
        "registered_on": today,
        "decided_on": today,
        "identified_by": organisation.code,
        "decision_org": organisation.code,
        "decision_org_type": decision_org_type_for(organisation),
        "status": "PossibleVictim",
    }


class StatusDecisionForm(CodedForm):
    """A decision on the person's trafficking status."""

    rules = validation.DECISION_RULES

    status = _radio(_("Trafficking status"))
    decision_org_type = _select(_("Type of deciding organisation"), required=True)
    decision_org = CodeChoiceField(
        label=_("Deciding organisation"),
        required=False,
        help_text=_("If the organisation that decided uses Pharos."),
    )
    decided_on = _date(_("Date of the decision"), required=True)
    note = _text(_("Grounds"), rows=3, help_text=_("What the decision rests on. Stored encrypted."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision_org_type"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *self.vocabulary.choices(self.rules["decision_org_type"].list_key, self.on),
        ]
        self.fields["decision_org"].choices = organisation_choices()  # type: ignore[attr-defined]

    def validate(self, data: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
        values, problems = validation.check_decision(data, vocabulary=self.vocabulary, on=self.on)
        org, found = validation.check_organisation(
            "decision_org", self.fields["decision_org"].label or "", data.get("decision_org")
        )
        return {**values, "decision_org": org}, [*problems, *found]

    def decision(self) -> dict[str, Any]:
        return self.values(("status", "decision_org_type", "decided_on", "decision_org", "note"))


class EventForm(CodedForm):
    """A recruitment, transit or exploitation event."""

    rules = validation.EVENT_RULES

    event_type = _radio(_("Type of event"))
    occurred_on = _date(_("Date"), help_text=_("Leave empty if unknown."))
    country = _select(_("Country"))
    place = _text(_("Place"), help_text=_("Town, address or venue. Stored encrypted."))
    description = _text(_("Description"), rows=3, help_text=_("Stored encrypted."))

    def validate(self, data: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
        return validation.check_event(data, vocabulary=self.vocabulary, on=self.on)

    def event(self) -> dict[str, Any]:
        return self.values(validation.EVENT_RULES)


class PerpetratorAccountForm(CodedForm):
    """What the victim said about one perpetrator."""

    rules = validation.PERPETRATOR_RULES

    sex = _radio(_("Sex"), required=False)
    age_group = _select(_("Age group"))
    citizenship = _select(_("Citizenship"))
    relationship = _select(_("Relationship to the victim"))
    roles = CodesChoiceField(
        label=_("Roles in the trafficking process"), help_text=_("Tick every role that applies.")
    )
    role_details = _text(_("Details of the role"), rows=3, help_text=_("Stored encrypted."))
    paid_money = forms.ChoiceField(
        label=_("The victim paid this person"),
        required=False,
        choices=[("", NOT_KNOWN), ("yes", _("Yes")), ("no", _("No"))],
    )

    def validate(self, data: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
        return validation.check_perpetrator_account(data, vocabulary=self.vocabulary, on=self.on)

    def account(self) -> dict[str, Any]:
        return self.values(validation.PERPETRATOR_RULES)


def case_initial(case: VictimCase) -> dict[str, Any]:
    """A case's current facts as form data (the edit page and the API's PATCH start here)."""
    data = {name: _as_form_value(getattr(case, name)) for name in validation.CASE_RULES}
    data["identified_by"] = case.identified_by.code if case.identified_by_id and case.identified_by else ""
    return data


# --- criminal justice ----------------------------------------------------------------------------


class SuspectForm(CodedForm):
    """A person suspected of trafficking."""

    rules = validation.SUSPECT_RULES

    first_name = _text(_("First name"))
    second_name = _text(_("Family name"))
    birth_date = _date(_("Date of birth"), help_text=_("Leave empty if unknown."))
    identity_number = _text(_("Identity document number"))
    sex = _radio(_("Sex"))
    age = _number(_("Age at the time of the offence"), help_text=_("In completed years."))
    citizenships = CountriesField(
        label=_("Citizenship"),
        required=False,
        help_text=_("Hold Ctrl (or ⌘) to choose more than one."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    roles = CodesChoiceField(
        label=_("Roles in the trafficking process"), help_text=_("Tick every role that applies.")
    )
    notes = _text(_("Notes"), rows=4, help_text=_("Stored encrypted."))

    def validate(self, data: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
        return validation.check_suspect(data, vocabulary=self.vocabulary, on=self.on, keep=self.keep)

    def suspect(self) -> dict[str, Any]:
        return self.values(validation.SUSPECT_RULES)


def suspect_initial(suspect: Suspect) -> dict[str, Any]:
    return {name: _as_form_value(getattr(suspect, name)) for name in validation.SUSPECT_RULES}


class ReferencesField(forms.CharField):
    """References of records, one per line (or separated by commas)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        if isinstance(value, list | tuple):
            items = [str(v) for v in value]
        else:
            items = str(value or "").replace(",", "\n").splitlines()
        return list(dict.fromkeys(i.strip() for i in items if i.strip()))

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(str(v) for v in value)
        return value


class ProceedingForm(CodedForm):
    """A criminal proceeding, its suspects and the victim cases it concerns."""

    rules = validation.PROCEEDING_RULES

    file_number = _text(_("Police or court file number"), help_text=_("Stored encrypted."))
    offence = _text(_("Offence (article of the criminal code)"))
    stage = forms.ChoiceField(
        label=_("Stage"),
        choices=Stage.choices,
        help_text=_("A proceeding only moves forward; a retrial is a new proceeding."),
    )
    forms_of_exploitation = CodesChoiceField(
        label=_("Forms of exploitation"), help_text=_("Tick every form that applies.")
    )
    investigation_opened_on = _date(_("Investigation opened on"))
    prosecution_started_on = _date(_("Indictment filed on"))
    trial_started_on = _date(_("Trial started on"))
    closed_on = _date(_("Closed on"))
    currency = _text(_("Currency (ISO 4217)"), help_text=_("For example EUR, MKD or ALL."))
    assets_confiscated = _amount(_("Value of assets confiscated"))
    compensation_awarded = _amount(_("Compensation awarded to victims"))
    suspects = ReferencesField(
        label=_("Suspects (references)"), help_text=_("One suspect reference per line.")
    )
    cases = ReferencesField(
        label=_("Victim cases (references)"), help_text=_("One victim case reference per line.")
    )
    notes = _text(_("Notes"), rows=3, help_text=_("Stored encrypted."))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def validate(self, data: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
        return validation.check_proceeding(data, vocabulary=self.vocabulary, on=self.on, keep=self.keep)

    def clean_suspects(self) -> list[Suspect]:
        found, missing = queries.find_by_references(
            queries.suspects_visible_to(self.user, "justice.change"), self.cleaned_data.get("suspects") or []
        )
        if missing:
            raise forms.ValidationError(
                _("No suspect of your organisation has the reference: %(references)s."),
                code="unknown_reference",
                params={"references": ", ".join(missing)},
            )
        return found

    def clean_cases(self) -> list[VictimCase]:
        found, missing = queries.find_by_references(
            queries.cases_visible_to(self.user, "cases.view"), self.cleaned_data.get("cases") or []
        )
        if missing:
            raise forms.ValidationError(
                _("No victim case of your organisation has the reference: %(references)s."),
                code="unknown_reference",
                params={"references": ", ".join(missing)},
            )
        return found

    def proceeding(self) -> dict[str, Any]:
        return self.values((*validation.PROCEEDING_RULES, "stage"))


def proceeding_initial(
    proceeding: Proceeding, suspects: Iterable[Suspect], cases: Iterable[VictimCase]
) -> dict[str, Any]:
    data = {name: _as_form_value(getattr(proceeding, name)) for name in validation.PROCEEDING_RULES}
    data["stage"] = proceeding.stage
    data["suspects"] = [s.reference for s in suspects]
    data["cases"] = [c.reference for c in cases]
    return data


class DefendantForm(CodedForm):
    """What a proceeding decided for one defendant."""

    rules = validation.DEFENDANT_RULES

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=Outcome.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    decided_on = _date(_("Date of the decision"))
    final = forms.BooleanField(label=_("The decision is final"), required=False)
    sentence_months = _number(_("Prison sentence (months)"), maximum=validation.MAX_SENTENCE_MONTHS)
    sentence_suspended = forms.BooleanField(label=_("The sentence is suspended"), required=False)
    fine = _amount(_("Fine"), help_text=_("In the currency of the proceeding."))

    def validate(self, data: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
        return validation.check_defendant(data, vocabulary=self.vocabulary, on=self.on)

    def outcome_values(self) -> dict[str, Any]:
        return self.values(
            ("outcome", "decided_on", "final", "sentence_months", "sentence_suspended", "fine")
        )


def defendant_initial(defendant: Defendant) -> dict[str, Any]:
    names = ("outcome", "decided_on", "final", "sentence_months", "sentence_suspended", "fine")
    return {name: _as_form_value(getattr(defendant, name)) for name in names}


# --- API input -----------------------------------------------------------------------------------


def _as_form_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    return value


def form_data_from_json(values: Mapping[str, Any], lists: Iterable[str] = ()) -> dict[str, Any]:
    """API input (JSON types) as form data: dates and numbers as text, null as empty."""
    as_list = set(lists)
    data: dict[str, Any] = {}
    for name, value in values.items():
        if value is None:
            data[name] = [] if name in as_list else ""
        elif isinstance(value, bool):
            data[name] = value if name in ("final", "sentence_suspended") else ("yes" if value else "no")
        else:
            data[name] = _as_form_value(value)
    return data


def perpetrator_initial(account: PerpetratorAccount) -> dict[str, Any]:
    return {name: _as_form_value(getattr(account, name)) for name in validation.PERPETRATOR_RULES}


# --- list filters --------------------------------------------------------------------------------


class CaseFilterForm(forms.Form):
    """Narrow the case list: current status, a form of exploitation, the year registered."""

    status = forms.ChoiceField(label=_("Trafficking status"), required=False)
    form = forms.ChoiceField(label=_("Form of exploitation"), required=False)
    year = forms.TypedChoiceField(label=_("Year registered"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, vocabulary: Vocabulary, years: Iterable[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from pharos.cases.models import FORMS_OF_EXPLOITATION, VICTIM_STATUS

        on = timezone.localdate()
        everything = _("All")
        for name, key in (("status", VICTIM_STATUS), ("form", FORMS_OF_EXPLOITATION)):
            # Codes closed since are offered too: old cases still hold them.
            every = [v.code for v in vocabulary.versions(key)]
            self.fields[name].choices = [("", everything), *vocabulary.choices(key, on, every)]  # type: ignore[attr-defined]
        self.fields["year"].choices = [("", everything), *((y, str(y)) for y in years)]  # type: ignore[attr-defined]

    def filters(self) -> queries.CaseFilter:
        """The filters chosen; an invalid choice is ignored (a stale bookmark still shows a list)."""
        if not self.is_bound:
            return queries.CaseFilter()
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return queries.CaseFilter(
            status=data.get("status") or "", form=data.get("form") or "", year=data.get("year")
        )
