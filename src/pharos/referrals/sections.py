"""The sections of a case a referral can disclose, in a registry other modules add to.

A section reads one part of a case for someone outside the owning organisation (a
receiver of a referral, a break-the-glass reader) and returns plain blocks of labelled
values: the pages and the API render exactly these and nothing else, so a receiver can
never see a field no section names. A module adds its own part of a case once, from its
``AppConfig.ready``::

    from pharos.referrals.sections import Block, Section, register

    register(Section("assistance", _("Needs and assistance"), read_assistance, order=40))

``read(case)`` is called only after the referral (or grant) was checked: it reads the
case's records without a user scope (``unscoped``) and must limit itself to ``case``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

_REASON = "a section disclosed through a checked referral or break-the-glass grant"


@dataclass(frozen=True)
class Block:
    """One record of a section (the person, one event…): a title and labelled values."""

    title: str
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # (key, label, value)

    def as_json(self) -> dict[str, Any]:
        return {"title": self.title, "fields": {key: value for key, _label, value in self.rows}}


@dataclass(frozen=True)
class Section:
    code: str
    label: Promise | str
    read: Callable[[Any], list[Block]]
    order: int = 100


_SECTIONS: dict[str, Section] = {}


def register(section: Section) -> Section:
    """Add a section; registering the same code twice is a programming error."""
    if section.code in _SECTIONS and _SECTIONS[section.code] != section:
        raise ValueError(f"Section {section.code!r} is already registered.")
    _SECTIONS[section.code] = section
    return section


def all_sections() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.code))


def get(code: str) -> Section | None:
    return _SECTIONS.get(code)


def choices() -> list[tuple[str, str]]:
    return [(s.code, str(s.label)) for s in all_sections()]


def known(codes: Iterable[str]) -> list[str]:
    """The registered codes among ``codes``, in the registry's order."""
    wanted = set(codes)
    return [s.code for s in all_sections() if s.code in wanted]


def read(case: Any, codes: Iterable[str]) -> list[tuple[Section, list[Block]]]:
    """The blocks of each named section of ``case`` (unknown codes are skipped)."""
    wanted = set(codes)
    return [(s, s.read(case)) for s in all_sections() if s.code in wanted]


# --- the sections of the cases and persons modules ------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value if v)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def _rows(pairs: Iterable[tuple[str, Any, Any]]) -> list[tuple[str, str, str]]:
    return [(key, str(label), _text(value)) for key, label, value in pairs]


def _vocabulary() -> Any:
    from pharos.cases.validation import Vocabulary

    return Vocabulary()


def _identity(case: Any) -> list[Block]:
    person = case.person
    if person.is_erased:
        return [Block(str(_("The person")), _rows([("erased", _("Personal data"), _("[erased]"))]))]
    vocabulary = _vocabulary()
    return [
        Block(
            str(_("The person")),
            _rows(
                [
                    ("first_name", _("First name"), person.first_name),
                    ("second_name", _("Family name"), person.second_name),
                    ("aliases", _("Aliases"), person.aliases or []),
                    ("birth_date", _("Date of birth"), person.birth_date),
                    ("gender", _("Gender"), person.get_gender_display()),
                    (
                        "citizenships",
                        _("Citizenship"),
                        [f"{vocabulary.country_name(c)} ({c})" for c in person.citizenships or []],
                    ),
                ]
            ),
        )
    ]


def _status(case: Any) -> list[Block]:
    from pharos.cases.display import labels_of
    from pharos.cases.models import StatusDecision

    vocabulary = _vocabulary()
    labels = labels_of(case, vocabulary, ["trafficking_status"])
    blocks = [
        Block(
            str(_("Current status")),
            _rows(
                [
                    ("trafficking_status", _("Trafficking status"), labels.get("trafficking_status")),
                    ("status_decided_on", _("Date of the status decision"), case.status_decided_on),
                ]
            ),
        )
    ]
    for decision in StatusDecision.objects.unscoped(_REASON).filter(case=case).order_by("-decided_on", "-id"):
        found = labels_of(decision, vocabulary, ["status", "decision_org_type"])
        blocks.append(
            Block(
                str(_("Status decision")),
                _rows(
                    [
                        ("status", _("Status"), found.get("status")),
                        (
                            "decision_org_type",
                            _("Type of deciding organisation"),
                            found.get("decision_org_type"),
                        ),
                        ("decided_on", _("Date of the decision"), decision.decided_on),
                    ]
                ),
            )
        )
    return blocks


def _exploitation(case: Any) -> list[Block]:
    from pharos.cases.display import labels_of

    labels = labels_of(case, _vocabulary())
    return [
        Block(
            str(_("Exploitation")),
            _rows(
                [
                    (
                        "forms_of_exploitation",
                        _("Forms of exploitation"),
                        labels.get("forms_of_exploitation"),
                    ),
                    ("labour_sector", _("Labour sector (ISIC)"), labels.get("labour_sector")),
                    (
                        "sex_exploitation_types",
                        _("Types of sexual exploitation"),
                        labels.get("sex_exploitation_types"),
                    ),
                    ("means_of_control", _("Means of control"), labels.get("means_of_control")),
                    ("recruitment_methods", _("Methods of recruitment"), labels.get("recruitment_methods")),
                    (
                        "country_of_exploitation",
                        _("Country of exploitation"),
                        labels.get("country_of_exploitation"),
                    ),
                    ("age_at_identification", _("Age at identification"), case.age_at_identification),
                ]
            ),
        )
    ]


def _events(case: Any) -> list[Block]:
    from pharos.cases.display import labels_of
    from pharos.cases.models import TraffickingEvent

    vocabulary = _vocabulary()
    blocks = []
    for event in TraffickingEvent.objects.unscoped(_REASON).filter(case=case).order_by("occurred_on", "id"):
        labels = labels_of(event, vocabulary, ["event_type", "country"])
        blocks.append(
            Block(
                str(labels.get("event_type") or _("Event")),
                _rows(
                    [
                        ("event_type", _("Type of event"), labels.get("event_type")),
                        ("occurred_on", _("Date"), event.occurred_on),
                        ("country", _("Country"), labels.get("country")),
                        ("place", _("Place"), event.place),
                        ("description", _("Description"), event.description),
                    ]
                ),
            )
        )
    return blocks


def _proceedings(case: Any) -> list[Block]:
    from pharos.cases.models import Proceeding, ProceedingVictim

    links = ProceedingVictim.objects.unscoped(_REASON).filter(case=case).values("proceeding_id")
    return [
        Block(
            str(_("Proceeding")),
            _rows(
                [
                    ("reference", _("Reference"), proceeding.reference),
                    ("stage", _("Stage"), proceeding.get_stage_display()),
                ]
            ),
        )
        for proceeding in Proceeding.objects.unscoped(_REASON).filter(pk__in=links).order_by("created_at")
    ]


def register_builtin() -> None:
    """The sections every installation has (called from ``ReferralsConfig.ready``)."""
    for section in (
        Section("identity", _("Identity of the person"), _identity, order=10),
        Section("status", _("Trafficking status and decisions"), _status, order=20),
        Section("exploitation", _("Forms of exploitation"), _exploitation, order=30),
        Section("events", _("Trafficking events"), _events, order=50),
        Section("proceedings", _("Criminal proceedings"), _proceedings, order=60),
    ):
        register(section)
