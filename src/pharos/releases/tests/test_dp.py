"""DP counts: the budget arithmetic refuses over-spending; releases only use the codebook;
synthetic records contain no combination absent from the DP aggregates."""

from __future__ import annotations

import itertools
import math
import random

import pytest

from pharos.releases import dp, synthesis, utility

COLUMNS = ("year", "sex", "country", "flagA", "flagB")
DOMAINS = {
    "year": ["2020", "2021", "2022"],
    "sex": ["F", "M"],
    "country": ["AA", "BB", "CC", "DD"],
    "flagA": ["1"],
    "flagB": ["1"],
}


def records(n: int = 3000, seed: int = 4) -> list[dict[str, str]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        sex = rng.choice("FFM")
        out.append(
            {
                "year": rng.choice(DOMAINS["year"]),
                "sex": sex,
                "country": rng.choice(["AA", "AA", "BB", "CC"]),  # DD never occurs
                "flagA": "1" if (sex == "F") == (rng.random() < 0.7) else "",
                "flagB": "1" if rng.random() < 0.3 else "",
            }
        )
    return out


def test_epsilon_and_rho_convert_both_ways() -> None:
    rho = dp.rho_for(4.0, 1e-6)
    assert dp.epsilon_of(rho, 1e-6) == pytest.approx(4.0, rel=1e-6)
    assert dp.rho_for(1.0, 1e-6) < rho < dp.rho_for(12.0, 1e-6)


def test_budget_refuses_a_spend_beyond_what_is_left() -> None:
    budget = dp.Budget(epsilon=4.0, delta=1e-6)
    budget.spend(dp.rho_for(3.0, 1e-6))
    with pytest.raises(dp.BudgetExceeded):
        budget.spend(dp.rho_for(3.0, 1e-6))
    budget.spend(dp.rho_for(2.0, 1e-6))  # zCDP composes better than adding epsilons: 3 then 2 fits in 4
    budget.spend(budget.remaining_rho)  # exactly what is left is allowed
    assert budget.spent_epsilon == pytest.approx(4.0, rel=1e-6)
    with pytest.raises(dp.BudgetExceeded):
        budget.spend(1e-6)


def test_measurement_uses_the_codebook_and_parents_bound_children() -> None:
    rows = records()
    rows.append(
        {"year": "1999", "sex": "X", "country": "ZZ", "flagA": "", "flagB": ""}
    )  # outside the codebook
    aggregates = dp.measure_combinations(
        rows, COLUMNS, DOMAINS, dp.DpParameters(epsilon=8.0, delta=1e-6, seed=1)
    )
    values = {a for combo in aggregates.counts for a in combo}
    assert all(v in DOMAINS[c] for c, v in values)
    for combo, n in aggregates.counts.items():
        for sub in itertools.combinations(combo, len(combo) - 1):
            if sub:
                assert sub in aggregates.counts
                assert aggregates.counts[sub] >= n
    assert abs(aggregates.records - len(rows)) < 0.1 * len(rows)


def test_utility_report_counts_preserved_suppressed_and_fabricated() -> None:
    truth = {(("a", "1"),): 50, (("b", "1"),): 5, (("a", "1"), ("b", "1")): 12}
    released = {(("a", "1"),): 45, (("c", "1"),): 20}
    report = utility.utility_report(truth, released, max_length=2)["lengths"]
    assert report["1"]["preserved"] == 1
    assert report["1"]["fabricated"] == 1
    assert report["1"]["mean_relative_error_reportable"] == pytest.approx(0.1)
    assert report["2"]["suppressed"] == 1
    assert report["2"]["mean_relative_error_reportable"] == 1.0


def test_synthetic_records_contain_no_combination_absent_from_the_dp_aggregates() -> None:
    aggregates = dp.measure_combinations(
        records(), COLUMNS, DOMAINS, dp.DpParameters(epsilon=4.0, delta=1e-6, seed=2)
    )
    synthetic = synthesis.synthesize(aggregates, seed=3)
    assert len(synthetic) == aggregates.records
    found = dp.true_counts(synthetic, COLUMNS, 3)
    assert found, "the sampler produced records"
    absent = [combo for combo in found if combo not in aggregates.counts]
    assert absent == []
    # and the synthetic records keep the strong pattern of the data (flag A mostly with F)
    f_with_a = found.get((("sex", "F"), ("flagA", "1")), 0)
    m_with_a = found.get((("sex", "M"), ("flagA", "1")), 0)
    assert f_with_a > m_with_a


def test_calibrated_synthetic_records_follow_the_released_one_way_counts() -> None:
    """The sampler alone makes values rarer than released; calibration brings them close."""
    aggregates = dp.measure_combinations(
        records(), COLUMNS, DOMAINS, dp.DpParameters(epsilon=8.0, delta=1e-6, seed=2)
    )
    ones = {combo: n for combo, n in aggregates.counts.items() if len(combo) == 1}

    def error(calibrate: bool) -> float:
        found = dp.true_counts(synthesis.synthesize(aggregates, seed=5, calibrate=calibrate), COLUMNS, 1)
        return sum(abs(found.get(c, 0) - n) / n for c, n in ones.items()) / len(ones)

    calibrated = error(True)
    assert calibrated < 0.7 * error(False)  # about 0.05 without calibration on these records
    assert calibrated < 0.04


@pytest.mark.parametrize(("cap", "size", "length"), [(10, 16, 2), (10, 13, 3), (14, 16, 1), (3, 5, 2)])
def test_a_long_record_is_scaled_to_the_l2_bound_of_its_cap(cap: int, size: int, length: int) -> None:
    weight = dp._clip_weight(cap, size, length)
    norm = math.sqrt(math.comb(size, length) * weight**2)
    bound = math.sqrt(math.comb(cap, length))
    assert norm == pytest.approx(bound, rel=1e-12)
    assert norm <= bound * (1 + dp.FLOAT_SLACK)  # the sensitivity the noise is calibrated to
    assert dp._clip_weight(cap, cap, length) == 1.0  # a record within the cap counts whole


def test_the_length_histogram_undoes_the_bias_of_the_bound() -> None:
    rows = records(4000, seed=7)
    for row in rows:  # every record has all five attributes: over a cap of 3, each pair weighs sqrt(3/10)
        row["flagA"] = row["flagB"] = "1"
    aggregates = dp.measure_combinations(
        rows,
        COLUMNS,
        DOMAINS,
        dp.DpParameters(epsilon=50.0, delta=1e-6, contribution_bound=(5, 3, 3), seed=5),
    )
    truth = dp.true_counts(rows, COLUMNS, 2)
    pairs = [c for c, n in truth.items() if len(c) == 2 and n >= 200]
    assert pairs
    for combo in pairs:
        assert aggregates.counts[combo] == pytest.approx(truth[combo], rel=0.1)


def test_whole_counts_are_checked_before_the_discrete_gaussian() -> None:
    with pytest.raises(ValueError, match="Whole counts"):
        dp.gaussian_counts([1.5, 2.0], 1.0, 0.5)
    noisy, sigma = dp.gaussian_counts([1.5, 2.0], 1.0, 0.5, whole=False)
    assert len(noisy) == 2
    assert sigma == pytest.approx(1.0)
