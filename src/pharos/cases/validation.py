"""Validation of victim-case and criminal-justice data, in one place.

The pages' forms, the API (through the same forms), the actions and the import all call
these validators, so a value refused in one place is refused everywhere with the same
explanation. Each problem says, in the reader's language, what is wrong and, for coded
values and countries, the nearest valid values (``difflib`` over codes, labels in every UI
language and the aliases seen in real files).

Coded values are checked against the code list **valid on the date of entry** (``on``,
today by default; ADR 0006): a code closed since is refused for new entries, but a record
that already holds it keeps it (``keep``) and still shows its label.

A ``Vocabulary`` holds the code lists and countries in memory: one per form, one per import
batch (it loads each list once, in one query), so validating a million rows does not ask the
database a million times.
"""

from __future__ import annotations

import datetime
import difflib
import itertools
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from pharos.cases import models as m
from pharos.standards.models import Code, pick_language
from pharos.tenancy.models import Country, Organisation

EARLIEST_DATE: Final = datetime.date(1950, 1, 1)
EARLIEST_BIRTH_DATE: Final = datetime.date(1900, 1, 1)
MAX_AGE: Final = 120
MAX_SENTENCE_MONTHS: Final = 1200
MAX_AMOUNT: Final = Decimal("1000000000000")
SUGGESTIONS: Final = 5
CLOSE: Final = 0.6  # difflib ratio from which a value counts as a misspelling of another
# Several codes in one cell of a file: "ForcedLabour; SexualExploitation" or one per line.
_SEPARATORS: Final = re.compile(r"[;\n|]")
_CURRENCY: Final = re.compile(r"^[A-Z]{3}$")
_WORDS: Final = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one field: what, in words a person can act on, and what would do."""

    field: str
    code: str
    message: str
    value: str = ""
    suggestions: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "code": self.code,
            "message": self.message,
            "value": self.value,
            "suggestions": list(self.suggestions),
        }


class Invalid(ValueError):
    """Raised by the actions when data does not pass validation; carries every problem."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in self.problems))


# --- code lists in memory ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Version:
    code: str
    labels: dict[str, str]
    valid_from: datetime.date
    valid_to: datetime.date | None
    aliases: tuple[str, ...]
    sort_order: int

    def valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def texts(self) -> list[str]:
        return [self.code, *self.aliases, *(str(v) for v in self.labels.values() if v)]


@dataclass
class Vocabulary:
    """The code lists and countries as one form or one import batch sees them."""

    language: str | None = None
    _lists: dict[str, list[_Version]] = field(default_factory=dict)
    _countries: dict[str, dict[str, str]] | None = None
    _nearest: dict[tuple[str, str, datetime.date, str], list[str]] = field(default_factory=dict)

    def lang(self) -> str:
        return (self.language or get_language() or "en").lower().replace("_", "-")

    def preload(self, keys: Iterable[str]) -> None:
        """Load the named lists in one query (lists already loaded are kept)."""
        wanted = [k for k in dict.fromkeys(keys) if k not in self._lists]
        if not wanted:
            return
        for key in wanted:
            self._lists[key] = []
        rows = (
            Code.objects.filter(code_list__key__in=wanted)
            .values_list(
                "code_list__key", "code", "labels", "valid_from", "valid_to", "aliases", "sort_order"
            )
            .order_by("code_list__key", "sort_order", "code", "-valid_from")
        )
        for key, code, labels, valid_from, valid_to, aliases, sort_order in rows:
            self._lists[key].append(
                _Version(code, dict(labels or {}), valid_from, valid_to, tuple(aliases or ()), sort_order)
            )

    def versions(self, key: str) -> list[_Version]:
        if key not in self._lists:
            self.preload([key])
        return self._lists[key]

    def valid(self, key: str, on: datetime.date) -> list[_Version]:
        """One version per code valid on ``on``, in display order."""
        seen: dict[str, _Version] = {}
        for version in self.versions(key):
            if version.valid_on(on) and version.code not in seen:
                seen[version.code] = version
        return list(seen.values())

    def is_valid(self, key: str, code: str, on: datetime.date) -> bool:
        return any(v.code == code and v.valid_on(on) for v in self.versions(key))

    def knows(self, key: str, code: str) -> bool:
        return any(v.code == code for v in self.versions(key))

    def last_day(self, key: str, code: str) -> datetime.date | None:
        days = [v.valid_to for v in self.versions(key) if v.code == code and v.valid_to is not None]
        return max(days) if days else None

    def label(self, key: str, code: str, on: datetime.date | None = None) -> str:
        """The label of a stored code, closed codes included; the code itself if unknown."""
        versions = [v for v in self.versions(key) if v.code == code]
        if not versions:
            return code
        chosen = next((v for v in versions if on is not None and v.valid_on(on)), versions[0])
        return pick_language(chosen.labels, self.lang()) or code

    def labels(self, key: str, codes: Iterable[str]) -> list[str]:
        return [self.label(key, c) for c in codes]

    def choices(self, key: str, on: datetime.date, keep: Iterable[str] = ()) -> list[tuple[str, str]]:
        """(code, label) valid on ``on``, plus the kept codes closed since (marked as such)."""
        found = [(v.code, pick_language(v.labels, self.lang()) or v.code) for v in self.valid(key, on)]
        offered = {code for code, _label in found}
        for code in keep:
            if code and code not in offered:
                found.append((code, _("%(label)s (no longer in use)") % {"label": self.label(key, code)}))
                offered.add(code)
        return found

    def match(self, key: str, value: str) -> str | None:
        """The code a value stands for: the code, an alias, or a label in any UI language."""
        text = value.strip()
        for version in self.versions(key):
            if version.code == text:
                return version.code
        wanted = text.casefold()
        for version in self.versions(key):
            if any(wanted == t.strip().casefold() for t in version.texts()):
                return version.code
        # "forced labour", "Forced-Labour", "FORCED_LABOUR" all mean the code ForcedLabour.
        squeezed = _squeeze(text)
        if squeezed:
            for version in self.versions(key):
                if any(squeezed == _squeeze(t) for t in (version.code, *version.aliases)):
                    return version.code
        return None

    def nearest(self, key: str, value: str, on: datetime.date, *, exclude: str = "") -> list[str]:
        """The valid codes nearest to ``value``: those containing it, then the closest spellings.

        Closeness is difflib's ratio over the code, its aliases and its labels in every UI
        language; a clear winner is offered alone rather than among distant alternatives.
        """
        memo = (key, value, on, exclude)
        if memo not in self._nearest:  # an import meets the same wrong value many times
            candidates: dict[str, str] = {}
            for version in self.valid(key, on):
                if version.code == exclude:
                    continue
                for text in version.texts():
                    candidates.setdefault(text.strip().casefold(), version.code)
            self._nearest[memo] = _closest(value, candidates)
        return list(self._nearest[memo])

    def describe(self, key: str, codes: Iterable[str]) -> str:
        """ "Label (Code), Label (Code)" for a message."""
        return ", ".join(f"{self.label(key, c)} ({c})" for c in codes)

    # -- countries (the Country table: ISO 3166-1 alpha-2, plus XK) --------------------------------

    def countries(self) -> dict[str, dict[str, str]]:
        if self._countries is None:
            self._countries = {
                code: {"alpha3": alpha3, **{k: str(v) for k, v in (names or {}).items()}}
                for code, alpha3, names in Country.objects.values_list("code", "alpha3", "names")
            }
        return self._countries

    def country_name(self, code: str) -> str:
        names = self.countries().get(code)
        return (pick_language(names, self.lang()) or code) if names else code

    def country_choices(self) -> list[tuple[str, str]]:
        return sorted(
            ((code, f"{self.country_name(code)} ({code})") for code in self.countries()),
            key=lambda item: item[1],
        )

    def match_country(self, value: str) -> str | None:
        text = value.strip()
        upper = text.upper()
        table = self.countries()
        if upper in table:
            return upper
        wanted = text.casefold()
        for code, names in table.items():
            if wanted == names.get("alpha3", "").casefold() or any(
                wanted == str(n).casefold() for k, n in names.items() if k != "alpha3"
            ):
                return code
        return None

    def nearest_countries(self, value: str) -> list[str]:
        candidates: dict[str, str] = {}
        for code, names in self.countries().items():
            for text in (code, *names.values()):
                candidates.setdefault(str(text).casefold(), code)
        return _closest(value, candidates)


def _squeeze(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _closest(value: str, candidates: Mapping[str, str]) -> list[str]:
    """Codes whose texts contain ``value`` or are spelled like it, best first."""
    wanted = value.strip().casefold()
    scores: dict[str, float] = {}
    for text, code in candidates.items():
        ratio = difflib.SequenceMatcher(None, wanted, text).ratio()
        if len(wanted) >= 3 and wanted in text:
            ratio = max(ratio, 0.9)
        elif " " not in wanted and len(wanted) >= 4:
            # One misspelt word of a longer label: "Surogacy" for "Exploitation of surrogacy".
            words = [w for w in _WORDS.split(text) if len(w) >= 4]
            best_word = max((difflib.SequenceMatcher(None, wanted, w).ratio() for w in words), default=0.0)
            ratio = max(ratio, best_word * 0.95)
        if ratio > scores.get(code, 0.0):
            scores[code] = ratio
    ranked = sorted(((score, code) for code, score in scores.items() if score >= CLOSE), reverse=True)
    if not ranked:
        return []
    best = ranked[0][0]
    return [code for score, code in ranked if score >= best - 0.15][:SUGGESTIONS]


# --- one validator per kind of field -------------------------------------------------------------


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _required(name: str, label: Promise | str) -> Problem:
    return Problem(name, "required", _("Give a value for “%(field)s”.") % {"field": label})


def check_code(
    name: str,
    label: Promise | str,
    list_key: str,
    value: Any,
    *,
    vocabulary: Vocabulary,
    on: datetime.date,
    keep: Iterable[str] = (),
    required: bool = False,
) -> tuple[str, list[Problem]]:
    """One code of ``list_key`` valid on ``on`` (or kept from the record); "" when empty."""
    text = _text(value)
    if not text:
        return "", [_required(name, label)] if required else []
    code = vocabulary.match(list_key, text)
    if code is None:
        return "", [_unknown(name, label, list_key, text, vocabulary, on)]
    if not vocabulary.is_valid(list_key, code, on) and code not in set(keep):
        return "", [_closed(name, list_key, code, text, vocabulary, on)]
    return code, []


def check_codes(
    name: str,
    label: Promise | str,
    list_key: str,
    value: Any,
    *,
    vocabulary: Vocabulary,
    on: datetime.date,
    keep: Iterable[str] = (),
    required: bool = False,
) -> tuple[list[str], list[Problem]]:
    """Several codes of ``list_key``: a list, or text with ``;`` or one code per line."""
    if value is None or value == "":
        items: list[Any] = []
    elif isinstance(value, str):
        items = _SEPARATORS.split(value)
    elif isinstance(value, list | tuple | set):
        items = list(value)
    else:
        return [], [Problem(name, "not_a_list", _("Give a list of values."), value=str(value))]
    codes: list[str] = []
    problems: list[Problem] = []
    kept = set(keep)
    for item in items:
        code, found = check_code(name, label, list_key, item, vocabulary=vocabulary, on=on, keep=kept)
        problems.extend(found)
        if code:
            codes.append(code)
    codes = list(dict.fromkeys(codes))
    if required and not codes and not problems:
        problems.append(_required(name, label))
    return codes, problems


def _unknown(
    name: str, label: Promise | str, list_key: str, text: str, vocabulary: Vocabulary, on: datetime.date
) -> Problem:
    near = vocabulary.nearest(list_key, text, on)
    if near:
        message = _("“%(value)s” is not a value of “%(field)s”. Nearest valid values: %(suggestions)s.")
    else:
        near = [v.code for v in vocabulary.valid(list_key, on)][: SUGGESTIONS * 2]
        message = _("“%(value)s” is not a value of “%(field)s”. Valid values include: %(suggestions)s.")
    return Problem(
        name,
        "unknown_code",
        message % {"value": text, "field": label, "suggestions": vocabulary.describe(list_key, near)},
        value=text,
        suggestions=tuple(near),
    )


def _closed(
    name: str, list_key: str, code: str, text: str, vocabulary: Vocabulary, on: datetime.date
) -> Problem:
    last = vocabulary.last_day(list_key, code)
    near = vocabulary.nearest(list_key, vocabulary.label(list_key, code), on, exclude=code)
    message = _(
        "“%(label)s” (%(code)s) is no longer in use since %(date)s and cannot be chosen for a new entry."
    ) % {
        "label": vocabulary.label(list_key, code),
        "code": code,
        "date": (last + datetime.timedelta(days=1)).isoformat() if last else "?",
    }
    if near:
        message += " " + _("Nearest valid values: %(suggestions)s.") % {
            "suggestions": vocabulary.describe(list_key, near)
        }
    return Problem(name, "closed_code", message, value=text, suggestions=tuple(near))


def check_country(
    name: str, label: Promise | str, value: Any, *, vocabulary: Vocabulary, required: bool = False
) -> tuple[str, list[Problem]]:
    """An ISO 3166 alpha-2 code (alpha-3 and country names in any UI language are accepted)."""
    text = _text(value)
    if not text:
        return "", [_required(name, label)] if required else []
    code = vocabulary.match_country(text)
    if code is not None:
        return code, []
    near = vocabulary.nearest_countries(text)
    if near:
        message = _("“%(value)s” is not a country. Nearest countries: %(suggestions)s.") % {
            "value": text,
            "suggestions": ", ".join(f"{vocabulary.country_name(c)} ({c})" for c in near),
        }
    else:
        message = _("“%(value)s” is not a country: give its ISO 3166 two-letter code, such as MK or AL.") % {
            "value": text
        }
    return "", [Problem(name, "unknown_country", message, value=text, suggestions=tuple(near))]


def check_countries(
    name: str, label: Promise | str, value: Any, *, vocabulary: Vocabulary
) -> tuple[list[str], list[Problem]]:
    items = _SEPARATORS.split(value) if isinstance(value, str) else list(value or [])
    codes: list[str] = []
    problems: list[Problem] = []
    for item in items:
        code, found = check_country(name, label, item, vocabulary=vocabulary)
        problems.extend(found)
        if code:
            codes.append(code)
    return list(dict.fromkeys(codes)), problems


def check_age(name: str, label: Promise | str, value: Any) -> tuple[int | None, list[Problem]]:
    """Completed years, 0 to 120."""
    return check_number(name, label, value, maximum=MAX_AGE)


def check_number(
    name: str, label: Promise | str, value: Any, *, maximum: int
) -> tuple[int | None, list[Problem]]:
    """A whole number from 0 to ``maximum`` (an age in years, a sentence in months)."""
    text = _text(value)
    if not text:
        return None, []
    try:
        number = int(text) if not isinstance(value, float) or value.is_integer() else None
    except ValueError:
        number = None
    if number is None or not 0 <= number <= maximum:
        return None, [
            Problem(
                name,
                "invalid_number",
                _("“%(value)s” is not a value for “%(field)s”: give a whole number from 0 to %(max)s.")
                % {"value": text, "field": label, "max": maximum},
                value=text,
            )
        ]
    return number, []


def check_date(
    name: str,
    label: Promise | str,
    value: Any,
    *,
    today: datetime.date,
    required: bool = False,
    earliest: datetime.date = EARLIEST_DATE,
) -> tuple[datetime.date | None, list[Problem]]:
    """A date between ``earliest`` (1950) and today, as a date or ISO text (YYYY-MM-DD)."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        day: datetime.date | None = value
        text = value.isoformat()
    else:
        text = _text(value)
        if not text:
            return None, [_required(name, label)] if required else []
        try:
            day = datetime.date.fromisoformat(text)
        except ValueError:
            day = None
    if day is None:
        return None, [
            Problem(
                name,
                "invalid_date",
                _("“%(value)s” is not a date: write it as YYYY-MM-DD, for example 2024-03-31.")
                % {"value": text},
                value=text,
            )
        ]
    if day > today:
        return None, [
            Problem(
                name,
                "future_date",
                _("%(value)s is in the future: “%(field)s” cannot be after today.")
                % {"value": text, "field": label},
                value=text,
            )
        ]
    if day < earliest:
        return None, [
            Problem(
                name,
                "too_early",
                _("%(value)s is before %(year)s for “%(field)s”: check the year.")
                % {"value": text, "field": label, "year": earliest.year},
                value=text,
            )
        ]
    return day, []


def check_text(
    name: str, label: Promise | str, value: Any, *, max_length: int, required: bool = False
) -> tuple[str, list[Problem]]:
    text = _text(value)
    if not text:
        return "", [_required(name, label)] if required else []
    if len(text) > max_length:
        return "", [
            Problem(
                name,
                "too_long",
                _("“%(field)s” can be at most %(max)s characters long (this is %(length)s).")
                % {"field": label, "max": max_length, "length": len(text)},
            )
        ]
    return text, []


def check_amount(name: str, label: Promise | str, value: Any) -> tuple[Decimal | None, list[Problem]]:
    """A sum of money, without the currency: 15000 or 15000.50."""
    text = _text(value).replace(" ", "")
    if not text:
        return None, []
    try:
        amount = Decimal(text)
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount < 0 or amount >= MAX_AMOUNT:
        return None, [
            Problem(
                name,
                "invalid_amount",
                _(
                    "“%(value)s” is not an amount for “%(field)s”: give a number such as 15000 or 15000.50, without the currency."
                )
                % {"value": _text(value), "field": label},
                value=_text(value),
            )
        ]
    return amount.quantize(Decimal("0.01")), []


def check_currency(name: str, label: Promise | str, value: Any) -> tuple[str, list[Problem]]:
    text = _text(value).upper()
    if not text:
        return "", []
    if not _CURRENCY.match(text):
        return "", [
            Problem(
                name,
                "invalid_currency",
                _("“%(value)s” is not a currency code: give the ISO 4217 code, such as EUR, MKD or ALL.")
                % {"value": _text(value)},
                value=_text(value),
            )
        ]
    return text, []


def check_boolean(name: str, label: Promise | str, value: Any) -> tuple[bool | None, list[Problem]]:
    """Yes / no / unknown: true, false or empty (and the words files use for them)."""
    if value is None or isinstance(value, bool):
        return value, []
    text = _text(value).casefold()
    if text in ("", "unknown", "none", "-99"):
        return None, []
    if text in ("1", "true", "yes", "y", "on"):
        return True, []
    if text in ("0", "false", "no", "n", "off"):
        return False, []
    return None, [
        Problem(
            name,
            "invalid_boolean",
            _("“%(value)s” is not an answer for “%(field)s”: give yes, no, or leave it empty if unknown.")
            % {"value": _text(value), "field": label},
            value=_text(value),
        )
    ]


# --- the rules of each record --------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """How one field is checked: its kind, label, code list and whether it is required."""

    kind: str  # code, codes, country, countries, age, date, text, amount, currency, boolean
    label: Promise
    list_key: str = ""
    required: bool = False
    max_length: int = 0
    maximum: int = MAX_AGE  # for numbers
    earliest: datetime.date = EARLIEST_DATE  # for dates


CASE_RULES: Final[dict[str, Rule]] = {
    "registered_on": Rule("date", gettext_lazy("Registration date"), required=True),
    "identified_by_name": Rule(
        "text", gettext_lazy("Identifying organisation (not in Pharos)"), max_length=200
    ),
    "age_at_recruitment": Rule("age", gettext_lazy("Age at recruitment")),
    "age_at_exploitation": Rule("age", gettext_lazy("Age at exploitation")),
    "age_at_identification": Rule("age", gettext_lazy("Age at identification")),
    "country_of_exploitation": Rule("country", gettext_lazy("Country of exploitation")),
    "forms_of_exploitation": Rule("codes", gettext_lazy("Forms of exploitation"), m.FORMS_OF_EXPLOITATION),
    "labour_sector": Rule("code", gettext_lazy("Labour sector (ISIC)"), m.LABOUR_SECTOR),
    "sex_exploitation_types": Rule("codes", gettext_lazy("Types of sexual exploitation"), m.SEX_EXPLOITATION),
    "means_of_control": Rule("codes", gettext_lazy("Means of control"), m.MEANS_OF_CONTROL),
    "recruitment_methods": Rule("codes", gettext_lazy("Methods of recruitment"), m.RECRUITMENT_METHOD),
    "recruiter_relationships": Rule(
        "codes", gettext_lazy("Relationship to the recruiter"), m.RECRUITER_RELATIONSHIP
    ),
    "notes": Rule("text", gettext_lazy("Notes"), max_length=20000),
}

DECISION_RULES: Final[dict[str, Rule]] = {
    "status": Rule("code", gettext_lazy("Trafficking status"), m.VICTIM_STATUS, required=True),
    "decision_org_type": Rule(
        "code", gettext_lazy("Type of deciding organisation"), m.DECISION_ORG_TYPE, required=True
    ),
    "decided_on": Rule("date", gettext_lazy("Date of the decision"), required=True),
    "note": Rule("text", gettext_lazy("Grounds"), max_length=5000),
}

EVENT_RULES: Final[dict[str, Rule]] = {
    "event_type": Rule("code", gettext_lazy("Type of event"), m.EVENT_TYPE, required=True),
    "country": Rule("country", gettext_lazy("Country")),
    "occurred_on": Rule("date", gettext_lazy("Date")),
    "place": Rule("text", gettext_lazy("Place"), max_length=500),
    "description": Rule("text", gettext_lazy("Description"), max_length=5000),
}

PERPETRATOR_RULES: Final[dict[str, Rule]] = {
    "sex": Rule("code", gettext_lazy("Sex"), m.SEX),
    "age_group": Rule("code", gettext_lazy("Age group"), m.AGE_GROUP),
    "citizenship": Rule("country", gettext_lazy("Citizenship")),
    "relationship": Rule("code", gettext_lazy("Relationship to the victim"), m.RECRUITER_RELATIONSHIP),
    "roles": Rule("codes", gettext_lazy("Roles in the trafficking process"), m.PERPETRATOR_ROLE),
    "role_details": Rule("text", gettext_lazy("Details of the role"), max_length=5000),
    "paid_money": Rule("boolean", gettext_lazy("The victim paid this person")),
}

SUSPECT_RULES: Final[dict[str, Rule]] = {
    "first_name": Rule("text", gettext_lazy("First name"), max_length=200),
    "second_name": Rule("text", gettext_lazy("Family name"), max_length=200),
    "birth_date": Rule("date", gettext_lazy("Date of birth"), earliest=EARLIEST_BIRTH_DATE),
    "identity_number": Rule("text", gettext_lazy("Identity document number"), max_length=100),
    "sex": Rule("code", gettext_lazy("Sex"), m.SEX, required=True),
    "age": Rule("age", gettext_lazy("Age at the time of the offence")),
    "citizenships": Rule("countries", gettext_lazy("Citizenship")),
    "roles": Rule("codes", gettext_lazy("Roles in the trafficking process"), m.PERPETRATOR_ROLE),
    "notes": Rule("text", gettext_lazy("Notes"), max_length=20000),
}

PROCEEDING_RULES: Final[dict[str, Rule]] = {
    "file_number": Rule("text", gettext_lazy("Police or court file number"), max_length=200),
    "offence": Rule("text", gettext_lazy("Offence (article of the criminal code)"), max_length=200),
    "forms_of_exploitation": Rule("codes", gettext_lazy("Forms of exploitation"), m.FORMS_OF_EXPLOITATION),
    "investigation_opened_on": Rule("date", gettext_lazy("Investigation opened on")),
    "prosecution_started_on": Rule("date", gettext_lazy("Indictment filed on")),
    "trial_started_on": Rule("date", gettext_lazy("Trial started on")),
    "closed_on": Rule("date", gettext_lazy("Closed on")),
    "currency": Rule("currency", gettext_lazy("Currency (ISO 4217)")),
    "assets_confiscated": Rule("amount", gettext_lazy("Value of assets confiscated")),
    "compensation_awarded": Rule("amount", gettext_lazy("Compensation awarded to victims")),
    "notes": Rule("text", gettext_lazy("Notes"), max_length=20000),
}

DEFENDANT_RULES: Final[dict[str, Rule]] = {
    "decided_on": Rule("date", gettext_lazy("Date of the decision")),
    "sentence_months": Rule("number", gettext_lazy("Prison sentence (months)"), maximum=MAX_SENTENCE_MONTHS),
    "fine": Rule("amount", gettext_lazy("Fine")),
}


def list_keys(rules: Mapping[str, Rule]) -> list[str]:
    return [r.list_key for r in rules.values() if r.list_key]


def check(
    rules: Mapping[str, Rule],
    data: Mapping[str, Any],
    *,
    vocabulary: Vocabulary,
    on: datetime.date | None = None,
    keep: Mapping[str, Iterable[str]] | None = None,
) -> tuple[dict[str, Any], list[Problem]]:
    """Check the fields of ``data`` that ``rules`` names; returns the clean values and the problems.

    Fields absent from ``data`` are not checked (a change names only what it changes), so a
    required field is enforced only when given; whole-record checks add what must be there.
    """
    day = on or timezone.localdate()
    vocabulary.preload(list_keys(rules))
    kept = keep or {}
    clean: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, rule in rules.items():
        if name not in data:
            continue
        value, found = _check_one(name, rule, data[name], vocabulary, day, kept.get(name, ()))
        problems.extend(found)
        if not found:
            clean[name] = value
    return clean, problems


def _check_one(
    name: str, rule: Rule, value: Any, vocabulary: Vocabulary, day: datetime.date, keep: Iterable[str]
) -> tuple[Any, list[Problem]]:
    if rule.kind == "code":
        return check_code(
            name,
            rule.label,
            rule.list_key,
            value,
            vocabulary=vocabulary,
            on=day,
            keep=keep,
            required=rule.required,
        )
    if rule.kind == "codes":
        return check_codes(
            name,
            rule.label,
            rule.list_key,
            value,
            vocabulary=vocabulary,
            on=day,
            keep=keep,
            required=rule.required,
        )
    if rule.kind == "country":
        return check_country(name, rule.label, value, vocabulary=vocabulary, required=rule.required)
    if rule.kind == "countries":
        return check_countries(name, rule.label, value, vocabulary=vocabulary)
    if rule.kind == "age":
        return check_age(name, rule.label, value)
    if rule.kind == "number":
        return check_number(name, rule.label, value, maximum=rule.maximum)
    if rule.kind == "date":
        return check_date(
            name,
            rule.label,
            value,
            today=timezone.localdate(),
            required=rule.required,
            earliest=rule.earliest,
        )
    if rule.kind == "text":
        return check_text(name, rule.label, value, max_length=rule.max_length, required=rule.required)
    if rule.kind == "amount":
        return check_amount(name, rule.label, value)
    if rule.kind == "currency":
        return check_currency(name, rule.label, value)
    if rule.kind == "boolean":
        return check_boolean(name, rule.label, value)
    raise ValueError(f"Unknown rule kind {rule.kind!r}")


def _missing(data: Mapping[str, Any], rules: Mapping[str, Rule], problems: list[Problem]) -> list[Problem]:
    """A required field that was not given at all (``check`` skips absent fields)."""
    named = {p.field for p in problems}
    return [
        _required(name, rule.label)
        for name, rule in rules.items()
        if rule.required and name not in data and name not in named
    ]


# --- whole records -------------------------------------------------------------------------------


_AGE_ORDER: Final = (
    ("age_at_recruitment", gettext_lazy("age at recruitment")),
    ("age_at_exploitation", gettext_lazy("age at exploitation")),
    ("age_at_identification", gettext_lazy("age at identification")),
)


def check_case(
    data: Mapping[str, Any],
    *,
    vocabulary: Vocabulary,
    on: datetime.date | None = None,
    keep: Mapping[str, Iterable[str]] | None = None,
    complete: bool = True,
) -> tuple[dict[str, Any], list[Problem]]:
    """A victim case's facts (not its status: see ``check_decision``).

    ``complete``: a new record, where required fields must be there; a change checks only
    what it names.
    """
    clean, problems = check(CASE_RULES, data, vocabulary=vocabulary, on=on, keep=keep)
    if complete:
        problems.extend(_missing(data, CASE_RULES, problems))
    given = [(name, word, clean[name]) for name, word in _AGE_ORDER if clean.get(name) is not None]
    for (_n1, earlier_word, earlier), (later_name, later_word, later) in itertools.pairwise(given):
        if later < earlier:
            problems.append(
                Problem(
                    later_name,
                    "age_order",
                    _(
                        "The %(later_field)s (%(later)s) cannot be lower than the %(earlier_field)s (%(earlier)s)."
                    )
                    % {
                        "later_field": later_word,
                        "later": later,
                        "earlier_field": earlier_word,
                        "earlier": earlier,
                    },
                    value=str(later),
                )
            )
            clean.pop(later_name, None)
    return clean, problems


def check_decision(
    data: Mapping[str, Any], *, vocabulary: Vocabulary, on: datetime.date | None = None
) -> tuple[dict[str, Any], list[Problem]]:
    """A status decision: the status, who decided (type of organisation) and when."""
    clean, problems = check(DECISION_RULES, data, vocabulary=vocabulary, on=on)
    problems.extend(_missing(data, DECISION_RULES, problems))
    return clean, problems


def check_event(
    data: Mapping[str, Any], *, vocabulary: Vocabulary, on: datetime.date | None = None
) -> tuple[dict[str, Any], list[Problem]]:
    clean, problems = check(EVENT_RULES, data, vocabulary=vocabulary, on=on)
    problems.extend(_missing(data, EVENT_RULES, problems))
    return clean, problems


def check_perpetrator_account(
    data: Mapping[str, Any], *, vocabulary: Vocabulary, on: datetime.date | None = None
) -> tuple[dict[str, Any], list[Problem]]:
    clean, problems = check(PERPETRATOR_RULES, data, vocabulary=vocabulary, on=on)
    if not problems and not any(clean.get(name) not in (None, "", []) for name in PERPETRATOR_RULES):
        problems.append(
            Problem("__all__", "empty", _("Give at least one thing the victim said about this person."))
        )
    return clean, problems


def check_suspect(
    data: Mapping[str, Any],
    *,
    vocabulary: Vocabulary,
    on: datetime.date | None = None,
    keep: Mapping[str, Iterable[str]] | None = None,
    complete: bool = True,
) -> tuple[dict[str, Any], list[Problem]]:
    clean, problems = check(SUSPECT_RULES, data, vocabulary=vocabulary, on=on, keep=keep)
    if complete:
        problems.extend(_missing(data, SUSPECT_RULES, problems))
    return clean, problems


_STAGE_DATES: Final = (
    ("investigation_opened_on", gettext_lazy("investigation opened on")),
    ("prosecution_started_on", gettext_lazy("indictment filed on")),
    ("trial_started_on", gettext_lazy("trial started on")),
    ("closed_on", gettext_lazy("closed on")),
)


def check_proceeding(
    data: Mapping[str, Any],
    *,
    vocabulary: Vocabulary,
    on: datetime.date | None = None,
    keep: Mapping[str, Iterable[str]] | None = None,
) -> tuple[dict[str, Any], list[Problem]]:
    """A proceeding's facts; its dates must follow the order of the stages."""
    clean, problems = check(PROCEEDING_RULES, data, vocabulary=vocabulary, on=on, keep=keep)
    given = [(name, word, clean[name]) for name, word in _STAGE_DATES if clean.get(name) is not None]
    for (_n1, earlier_word, earlier), (later_name, later_word, later) in itertools.pairwise(given):
        if later < earlier:
            problems.append(
                Problem(
                    later_name,
                    "date_order",
                    _("“%(later_field)s” (%(later)s) cannot be before “%(earlier_field)s” (%(earlier)s).")
                    % {
                        "later_field": later_word,
                        "later": later.isoformat(),
                        "earlier_field": earlier_word,
                        "earlier": earlier.isoformat(),
                    },
                    value=later.isoformat(),
                )
            )
    amounts = [clean.get("assets_confiscated"), clean.get("compensation_awarded")]
    if any(a is not None for a in amounts) and not clean.get("currency") and "currency" in data:
        problems.append(
            Problem(
                "currency",
                "required",
                _("Give the currency of the amounts (ISO 4217 code, such as EUR)."),
            )
        )
    return clean, problems


def check_defendant(
    data: Mapping[str, Any], *, vocabulary: Vocabulary, on: datetime.date | None = None
) -> tuple[dict[str, Any], list[Problem]]:
    """One defendant's outcome; a sentence needs a conviction."""
    clean, problems = check(DEFENDANT_RULES, data, vocabulary=vocabulary, on=on)
    outcome = _text(data.get("outcome")) or m.Outcome.PENDING
    if outcome not in m.Outcome.values:
        problems.append(
            Problem(
                "outcome",
                "invalid_choice",
                _("“%(value)s” is not an outcome. Valid values: %(suggestions)s.")
                % {"value": outcome, "suggestions": ", ".join(m.Outcome.values)},
                value=outcome,
                suggestions=tuple(m.Outcome.values),
            )
        )
    else:
        clean["outcome"] = outcome
    sentenced = clean.get("sentence_months") or clean.get("fine")
    if sentenced and outcome != m.Outcome.CONVICTED:
        problems.append(
            Problem(
                "outcome",
                "sentence_without_conviction",
                _("A sentence or a fine can only be recorded for a conviction."),
                value=outcome,
            )
        )
    if (
        outcome != m.Outcome.PENDING
        and not clean.get("decided_on")
        and not any(p.field == "decided_on" for p in problems)
    ):
        problems.append(
            Problem("decided_on", "required", _("Give the date of the decision on this defendant."))
        )
    clean["final"] = bool(data.get("final")) and outcome != m.Outcome.PENDING
    clean["sentence_suspended"] = bool(data.get("sentence_suspended")) and bool(clean.get("sentence_months"))
    return clean, problems


def check_organisation(
    name: str, label: Promise | str, value: Any
) -> tuple[Organisation | None, list[Problem]]:
    """An active organisation using Pharos, by object, code or public id (the directory is public)."""
    if value is None or value == "":
        return None, []
    if isinstance(value, Organisation):
        return value, []
    text = _text(value)
    found = Organisation.objects.active().filter(code=text).first()
    if found is None:
        try:
            found = Organisation.objects.active().filter(public_id=uuid.UUID(text)).first()
        except ValueError:
            found = None
    if found is None:
        return None, [
            Problem(
                name,
                "unknown_organisation",
                _(
                    "“%(value)s” is not an organisation using Pharos: choose one from the directory, or write its name in the field for other organisations."
                )
                % {"value": text},
                value=text,
            )
        ]
    return found, []
