"""The ILO–EC combination rule, worked by hand per dimension and overall, and the shipped lists."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pharos.screening import indicators, labels
from pharos.screening.indicators import dimension_positive, evaluate

AL = "adult_labour"
CL = "child_labour"


@pytest.mark.parametrize(
    ("strong", "medium", "weak", "positive"),
    [
        (2, 0, 0, True),  # (a) two strong
        (1, 1, 0, True),  # (b) one strong and one medium
        (1, 0, 1, True),  # (b) one strong and one weak
        (0, 3, 0, True),  # (c) three medium
        (0, 2, 1, True),  # (d) two medium and one weak
        (1, 0, 0, False),  # one strong alone is not enough
        (0, 2, 0, False),
        (0, 1, 2, False),  # one medium and two weak: no clause covers it
        (0, 0, 5, False),  # weak indicators alone never make a dimension positive
        (0, 0, 0, False),
    ],
)
def test_the_rule_for_one_dimension(strong: int, medium: int, weak: int, positive: bool) -> None:
    assert dimension_positive(strong, medium, weak) is positive


def _dim(result: indicators.Result, key: str) -> indicators.DimensionResult:
    return next(r for r in result.dimensions if r.dimension.key == key)


def test_deceptive_recruitment_worked_by_hand() -> None:
    # Nature of the job (strong) + wages (medium): clause (b).
    result = evaluate(AL, ["deceptive_recruitment.nature_of_job", "deceptive_recruitment.wages"])
    dim = _dim(result, "deceptive_recruitment")
    assert (dim.strong, dim.medium, dim.weak, dim.positive) == (1, 1, 0, True)
    # Wages + housing (two medium) + education (weak for adults): clause (d).
    dim = _dim(
        evaluate(
            AL,
            [
                "deceptive_recruitment.wages",
                "deceptive_recruitment.housing",
                "deceptive_recruitment.education",
            ],
        ),
        "deceptive_recruitment",
    )
    assert (dim.strong, dim.medium, dim.weak, dim.positive) == (0, 2, 1, True)


def test_the_same_indicator_weighs_differently_for_a_child() -> None:
    # Deceived about education: weak for adults, strong for children.
    found = ["deceptive_recruitment.education", "deceptive_recruitment.wages"]
    assert _dim(evaluate(AL, found), "deceptive_recruitment").positive is False
    assert _dim(evaluate(CL, found), "deceptive_recruitment").positive is True


def test_coercive_recruitment_worked_by_hand() -> None:
    dim = _dim(evaluate(AL, ["coercive_recruitment.violence"]), "coercive_recruitment")
    assert (dim.strong, dim.positive) == (1, False)
    dim = _dim(
        evaluate(AL, ["coercive_recruitment.violence", "coercive_recruitment.debt_bondage"]),
        "coercive_recruitment",
    )
    assert (dim.strong, dim.medium, dim.positive) == (1, 1, True)


def test_recruitment_by_abuse_of_vulnerability_worked_by_hand() -> None:
    three_medium = [
        "recruitment_vulnerability.economic",
        "recruitment_vulnerability.illegal_status",
        "recruitment_vulnerability.lack_information",
    ]
    assert _dim(evaluate(AL, three_medium[:2]), "recruitment_vulnerability").positive is False
    assert _dim(evaluate(AL, three_medium), "recruitment_vulnerability").positive is True
    # Beliefs and general context are weak for adults: one medium and two weak is not enough.
    weak_two = [
        "recruitment_vulnerability.economic",
        "recruitment_vulnerability.beliefs",
        "recruitment_vulnerability.general_context",
    ]
    dim = _dim(evaluate(AL, weak_two), "recruitment_vulnerability")
    assert (dim.medium, dim.weak, dim.positive) == (1, 2, False)


def test_exploitative_conditions_worked_by_hand() -> None:
    dim = _dim(
        evaluate(AL, ["exploitative_conditions.excessive_hours", "exploitative_conditions.no_education"]),
        "exploitative_conditions",
    )
    assert (dim.strong, dim.weak, dim.positive) == (1, 1, True)


def test_coercion_at_destination_worked_by_hand() -> None:
    dim = _dim(
        evaluate(AL, ["coercion_destination.documents", "coercion_destination.debt_bondage"]),
        "coercion_destination",
    )
    assert (dim.strong, dim.positive) == (2, True)
    dim = _dim(
        evaluate(AL, ["coercion_destination.peers", "coercion_destination.inform_family"]),
        "coercion_destination",
    )
    assert (dim.medium, dim.weak, dim.positive) == (1, 1, False)


def test_abuse_of_vulnerability_at_destination_worked_by_hand() -> None:
    found = [
        "vulnerability_destination.dependency_exploiters",
        "vulnerability_destination.unknown_area",
        "vulnerability_destination.personal_characteristics",
    ]
    dim = _dim(evaluate(AL, found), "vulnerability_destination")
    assert (dim.medium, dim.weak, dim.positive) == (2, 1, True)


ADULT_CASE = [
    "deceptive_recruitment.nature_of_job",
    "deceptive_recruitment.wages",
    "exploitative_conditions.excessive_hours",
    "exploitative_conditions.low_salary",
    "coercion_destination.documents",
    "coercion_destination.violence",
]


def test_an_adult_needs_recruitment_exploitation_and_destination() -> None:
    assert evaluate(AL, ADULT_CASE).overall is True
    assert evaluate(AL, ADULT_CASE).positive_dimensions == [
        "deceptive_recruitment",
        "exploitative_conditions",
        "coercion_destination",
    ]
    without_destination = [i for i in ADULT_CASE if not i.startswith("coercion_destination")]
    assert evaluate(AL, without_destination).overall is False
    without_recruitment = [i for i in ADULT_CASE if not i.startswith("deceptive_recruitment")]
    assert evaluate(AL, without_recruitment).overall is False


def test_for_a_child_the_means_are_not_required() -> None:
    exploitation_only = ["exploitative_conditions.excessive_hours", "exploitative_conditions.low_salary"]
    assert evaluate(CL, exploitation_only).overall is True
    assert evaluate(AL, exploitation_only).overall is False


def test_unknown_indicators_and_missing_lists_are_refused() -> None:
    with pytest.raises(ValueError, match="Not indicators"):
        evaluate(AL, ["coercion_destination.invented"])
    # Not on the child-labour list (no social protection is an adult-only indicator).
    with pytest.raises(ValueError, match="social_protection"):
        evaluate(CL, ["exploitative_conditions.social_protection"])
    with pytest.raises(LookupError):
        evaluate("adult_sexual", [])


def test_the_shipped_lists_have_the_published_counts() -> None:
    found = indicators.lists()
    assert [len(d.indicators) for d in found[AL].dimensions] == [10, 10, 16, 9, 15, 7]
    assert sum(len(d.indicators) for d in found[CL].dimensions) == 65
    assert all(i.grade != indicators.WEAK for d in found[CL].dimensions for i in d.indicators)
    # The sexual-exploitation lists were not found: shipped empty, never invented.
    assert not found["adult_sexual"].available
    assert not found["adult_sexual"].dimensions
    assert not found["child_sexual"].available
    assert not found["child_sexual"].dimensions


def test_every_text_of_the_data_file_is_marked_for_translation() -> None:
    raw = json.loads(Path(indicators.DATA_FILE).read_text(encoding="utf-8"))
    texts = {d["label"] for d in raw["dimensions"]}
    for entry in raw["lists"].values():
        texts.add(entry["label"])
        texts |= {i["text"] for d in entry["dimensions"] for i in d["indicators"]}
    assert texts == set(labels.TEXTS)
    assert all(
        re.fullmatch(r"[a-z_]+\.[a-z_]+", i.id)
        for d in indicators.lists()[AL].dimensions
        for i in d.indicators
    )
