"""Validation in one place: what a person reads when a value is wrong, and which values pass."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from pharos import testing
from pharos.cases import models, validation
from pharos.cases.fields import coded_fields
from pharos.cases.validation import Vocabulary
from pharos.standards import codelists as files
from pharos.standards.models import Code

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)
FORMS = models.FORMS_OF_EXPLOITATION


@pytest.fixture(autouse=True)
def _codes(db: None) -> None:
    testing.codelists()


def forms(value, **kwargs):
    return validation.check_codes(
        "forms_of_exploitation",
        "Forms of exploitation",
        FORMS,
        value,
        vocabulary=Vocabulary(),
        on=TODAY,
        **kwargs,
    )


def test_a_misspelt_code_is_refused_with_the_nearest_valid_value() -> None:
    codes, problems = forms(["SexualExploitation", "Forced labor"])
    assert codes == ["SexualExploitation"]
    [problem] = problems
    assert problem.code == "unknown_code"
    assert problem.suggestions == ("ForcedLabour",)
    assert "“Forced labor”" in problem.message
    assert "Forced labour or services (ForcedLabour)" in problem.message


def test_a_value_nothing_like_a_code_lists_the_valid_values_instead() -> None:
    _codes, [problem] = forms("zzzz")
    assert "Valid values include" in problem.message
    assert "ForcedMarriage" in problem.suggestions


def test_suggestions_are_labelled_in_the_readers_language() -> None:
    with translation.override("fr"):
        _codes, [problem] = forms("Travail forcee")
    assert problem.suggestions == ("ForcedLabour",)
    assert "Travail ou services forcés (ForcedLabour)" in problem.message


def test_codes_labels_in_any_language_and_aliases_are_accepted() -> None:
    codes, problems = forms("ForcedMarriage; illegal adoption\nExploitation sexuelle")
    assert problems == []
    assert codes == ["ForcedMarriage", "IllegalAdoption", "SexualExploitation"]
    code, problems = validation.check_code(
        "r",
        "Relationship",
        "htcds.vic_RelationshipToTrafficker",
        "Unaquainted",
        vocabulary=Vocabulary(),
        on=TODAY,
    )
    assert (code, problems) == ("Unacquainted", [])


def test_the_2024_forms_of_exploitation_are_in_the_list() -> None:
    codes, problems = forms(["ForcedMarriage", "IllegalAdoption", "SurrogacyExploitation"])
    assert problems == []
    assert len(codes) == 3


def test_a_closed_code_is_refused_for_new_entries_but_kept_on_a_record_that_holds_it() -> None:
    Code.objects.filter(code_list__key=FORMS, code="BenefitFraud").update(
        valid_to=TODAY - datetime.timedelta(days=1)
    )
    codes, [problem] = forms(["BenefitFraud"])
    assert codes == []
    assert problem.code == "closed_code"
    assert "no longer in use since 2026-06-01" in problem.message
    codes, problems = forms(["BenefitFraud", "ForcedLabour"], keep=["BenefitFraud"])
    assert (codes, problems) == (["BenefitFraud", "ForcedLabour"], [])
    # On a date when it was still valid (an import of old records), it passes.
    codes, problems = validation.check_codes(
        "f", "Forms", FORMS, ["BenefitFraud"], vocabulary=Vocabulary(), on=datetime.date(2020, 1, 1)
    )
    assert (codes, problems) == (["BenefitFraud"], [])


def test_ages_must_be_whole_years_in_order() -> None:
    clean, problems = validation.check_case(
        {"registered_on": "2025-01-01", "age_at_recruitment": "17", "age_at_exploitation": "16"},
        vocabulary=Vocabulary(),
        on=TODAY,
    )
    [problem] = problems
    assert problem.field == "age_at_exploitation"
    assert "cannot be lower than the age at recruitment (17)" in problem.message
    assert clean["age_at_recruitment"] == 17
    _clean, [problem] = validation.check_case(
        {"registered_on": "2025-01-01", "age_at_identification": "ninety"}, vocabulary=Vocabulary()
    )
    assert problem.code == "invalid_number"
    assert "from 0 to 120" in problem.message


def test_dates_are_iso_not_in_the_future_and_not_absurd() -> None:
    today = datetime.date.today()
    check = validation.check_date
    assert check("d", "Date", "2024-02-29", today=today) == (datetime.date(2024, 2, 29), [])
    assert check("d", "Date", "31.03.2024", today=today)[1][0].code == "invalid_date"
    assert check("d", "Date", "1899-01-01", today=today)[1][0].code == "too_early"
    future = (today + datetime.timedelta(days=1)).isoformat()
    assert check("d", "Date", future, today=today)[1][0].code == "future_date"
    _clean, [problem] = validation.check_case({}, vocabulary=Vocabulary())
    assert (problem.field, problem.code) == ("registered_on", "required")


def test_countries_by_code_alpha3_or_name_with_suggestions_for_a_misspelling() -> None:
    testing.country("MD", "Moldova")
    vocabulary = Vocabulary()
    assert validation.check_country("c", "Country", "md", vocabulary=vocabulary) == ("MD", [])
    assert validation.check_country("c", "Country", "Moldova", vocabulary=vocabulary) == ("MD", [])
    _code, [problem] = validation.check_country("c", "Country", "Moldavia", vocabulary=vocabulary)
    assert problem.suggestions == ("MD",)
    assert "Moldova (MD)" in problem.message


def test_a_vocabulary_reads_the_code_lists_once() -> None:
    vocabulary = Vocabulary()
    with CaptureQueriesContext(connection) as first:
        validation.check_case(
            {"registered_on": "2025-01-01", "forms_of_exploitation": ["ForcedLabour"]}, vocabulary=vocabulary
        )
    with CaptureQueriesContext(connection) as again:
        for _ in range(50):
            validation.check_case(
                {
                    "registered_on": "2025-01-01",
                    "forms_of_exploitation": ["Forced labor"],
                    "labour_sector": "Q",
                },
                vocabulary=vocabulary,
            )
    assert len(first.captured_queries) == 1
    assert len(again.captured_queries) == 0


def test_every_coded_field_names_a_shipped_list_with_the_right_multiplicity() -> None:
    shipped = files.read_all()
    for model in (
        models.VictimCase,
        models.StatusDecision,
        models.TraffickingEvent,
        models.PerpetratorAccount,
        models.Suspect,
        models.Proceeding,
    ):
        for name, (key, multiple) in coded_fields(model).items():
            assert key in shipped, f"{model.__name__}.{name}: no code list {key}"
            if multiple:
                assert shipped[key].multiple, (
                    f"{model.__name__}.{name} holds several codes of a single-value list"
                )


def test_a_sentence_needs_a_conviction_and_a_decision_needs_a_date() -> None:
    _clean, problems = validation.check_defendant(
        {"outcome": "acquitted", "sentence_months": "24"}, vocabulary=Vocabulary()
    )
    assert {p.code for p in problems} == {"sentence_without_conviction", "required"}
    clean, problems = validation.check_defendant(
        {"outcome": "convicted", "sentence_months": "24", "decided_on": "2025-05-05", "final": True},
        vocabulary=Vocabulary(),
    )
    assert problems == []
    assert clean["sentence_months"] == 24
    assert clean["final"] is True
    # Long sentences and old suspects are real: the limits are not those of a victim's age.
    clean, problems = validation.check_defendant(
        {"outcome": "convicted", "sentence_months": "240", "decided_on": "2025-05-05"},
        vocabulary=Vocabulary(),
    )
    assert (problems, clean["sentence_months"]) == ([], 240)
    clean, problems = validation.check_suspect(
        {"sex": "male", "birth_date": "1946-02-03"}, vocabulary=Vocabulary()
    )
    assert problems == []
