"""The Splink model for person records: comparisons, blocking rules and training.

The same settings run on DuckDB (one machine) and Spark (a cluster): only portable SQL
(equality, Splink's Jaro-Winkler and Levenshtein levels, array overlap, absolute
difference) is used. Why each piece is there is in ADR 0007; in short:

- names and citizenship form one comparison (they are far from independent), on the folded
  spelling *and* the transliteration key, with a level for first and family name swapped
  and term-frequency adjustments on the full name (so "Ivan Ivanov" counts for less than
  "Osaro Igbinedion");
- dates of birth have levels for day and month swapped and for a one-character typo, and
  a term-frequency adjustment (1 January, the date given when only the year is known, is
  common and proves little);
- gender;
- optionally the case context: country of exploitation and age at identification
  (with one year of slack);
- prediction blocking is a union of cheap equality joins sized for a million records on two
  cores (LINKAGE.md §3.1): date of birth with a name key or citizenship, names with the year
  of birth, swapped names, swapped day and month, and names with the case context for
  records without a date of birth;
- training: u by random sampling, m by two capped EM sessions (``max_pairs``), the prior
  from a deterministic rule; everything seeded, so the same input gives the same clusters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import Linker, SettingsCreator, block_on


@dataclass(frozen=True)
class Tuning:
    """Knobs of training and clustering; the defaults are what the benchmark measured."""

    threshold: float = 0.6  # match probability at or above which two records are one person
    review_low: float = 0.3  # pairs between review_low and threshold go to the review queue
    u_pairs: float = 2e6  # record pairs sampled to estimate u
    em_pairs: float = 1e6  # cap on blocked pairs per EM session (LINKAGE.md §3.2)
    seed: int = 42
    prior_recall: float = 0.7  # assumed recall of the deterministic rule that sets the prior


@dataclass(frozen=True)
class _Sql:
    """The few SQL functions whose names differ between DuckDB and Spark."""

    dialect: str

    def jw(self, column: str, other: str | None = None) -> str:
        """Jaro-Winkler of ``column`` on the left and ``other`` (default the same) on the right."""
        name = "jaro_winkler_similarity" if self.dialect == "duckdb" else "jaro_winkler"
        return f"{name}({column}_l, {other or column}_r)"

    def edits(self, column: str) -> str:
        """Edit distance (Damerau-Levenshtein where the engine has it: a transposition is one edit)."""
        name = "damerau_levenshtein" if self.dialect == "duckdb" else "levenshtein"
        return f"{name}({column}_l, {column}_r)"

    def overlap(self, column: str) -> str:
        if self.dialect == "duckdb":
            return f"len(list_intersect({column}_l, {column}_r)) > 0"
        return f"arrays_overlap({column}_l, {column}_r)"


def _identity(sql: _Sql) -> cl.CustomComparison:
    """Names and citizenship as one comparison.

    They are not independent: two records with the same name are nearly always of the same
    culture and citizenship, so scoring them apart would count the same evidence twice (and
    first and family name apart, the frequency of each rather than of the pair). One
    comparison whose levels split the joint space lets u and the term frequency of the full
    name carry the right weight.
    """
    cit_ok = f"(cits_l IS NULL OR cits_r IS NULL OR {sql.overlap('cits')})"
    cit_conflict = f"NOT {cit_ok}"
    # Close: the same key, or one slip of the keyboard ("Olena"/"Otena" is one edit but only
    # 0.87 Jaro-Winkler: short names need the edit distance), or Jaro-Winkler 0.9.
    first_close = f"(first_key_l = first_key_r OR {sql.jw('first')} >= 0.9 OR {sql.edits('first')} <= 1)"
    surname_close = (
        f"(surname_key_l = surname_key_r OR {sql.jw('surname')} >= 0.9 OR {sql.edits('surname')} <= 1)"
    )
    swapped = "(first_key_l = surname_key_r AND surname_key_l = first_key_r)"
    swapped_close = f"({sql.jw('first', 'surname')} >= 0.9 AND {sql.jw('surname', 'first')} >= 0.9)"
    return _comparison(
        "identity",
        "Names and citizenship",
        # Starting m values for EM (a share of true matches in each level): a sensible start
        # keeps EM on the right mode when matches are rare among the training pairs.
        [None, 0.002, 0.55, 0.15, 0.04, 0.08, 0.01, 0.01, 0.06, 0.07, None],
        u_start=[None, 1e-5, 1e-5, 1e-5, 1e-6, 1e-6, 1e-6, 1e-6, 1e-3, 1e-3, None],
        levels=[
            cll.CustomLevel(
                "(first_l IS NULL AND surname_l IS NULL) OR (first_r IS NULL AND surname_r IS NULL)",
                label_for_charts="No name on one side",
            ).configure(is_null_level=True),
            cll.CustomLevel(
                f"(full_key_l = full_key_r OR {swapped}) AND {cit_conflict}",
                label_for_charts="Same names, different citizenship",
            ),
            cll.ExactMatchLevel("full_name").configure(
                tf_adjustment_column="full_name", label_for_charts="Same names"
            ),
            cll.ExactMatchLevel("full_key").configure(
                tf_adjustment_column="full_key", label_for_charts="Same names once transliterated"
            ),
            cll.CustomLevel(f"{swapped} AND {cit_ok}", label_for_charts="Same names, order swapped"),
            cll.CustomLevel(
                f"{first_close} AND {surname_close} AND {cit_ok}", label_for_charts="Both names close (typo)"
            ),
            cll.CustomLevel(
                f"{swapped_close} AND {cit_ok}", label_for_charts="Names swapped and close (typo)"
            ),
            cll.CustomLevel(
                f"({first_close} AND (surname_l IS NULL OR surname_r IS NULL)"
                f" OR {surname_close} AND (first_l IS NULL OR first_r IS NULL)) AND {cit_ok}",
                label_for_charts="One name close, the other missing",
            ),
            cll.CustomLevel(
                f"(surname_key_l = surname_key_r OR first_key_l = first_key_r) AND {cit_ok}",
                label_for_charts="One name the same, the other different",
            ),
            cll.CustomLevel(
                f"{sql.jw('first')} >= 0.7 AND {sql.jw('surname')} >= 0.7 AND {cit_ok}",
                label_for_charts="Both names alike (another transliteration)",
            ),
            # Fixed, not trained: blocked on date of birth, EM takes namesakes-by-date for
            # matches and learned that 6 % of one person's reports share no name at all;
            # counted on generated data with known truth it is under 1 % (ADR 0007).
            cll.ElseLevel().configure(m_probability=0.01, fix_m_probability=True),
        ],
    )


def _comparison(
    name: str,
    description: str,
    m_start: list[float | None],
    levels: list[Any],
    u_start: list[float | None] | None = None,
) -> Any:
    """A comparison whose levels start from the given m (and u, for levels so rare that random
    sampling may not meet them: Splink keeps the stated u for a level it never observes)."""
    for level, m, u in zip(levels, m_start, u_start or [None] * len(levels), strict=True):
        if m is not None:
            level.configure(m_probability=m)
        if u is not None:
            level.configure(u_probability=u)
    return cl.CustomComparison(
        output_column_name=name, comparison_description=description, comparison_levels=levels
    )


def _exact(column: str, description: str, m_start: float, *, tf: bool = False) -> Any:
    exact = cll.ExactMatchLevel(column)
    if tf:
        exact.configure(tf_adjustment_column=column)
    return _comparison(
        column, description, [None, m_start, 1 - m_start], [cll.NullLevel(column), exact, cll.ElseLevel()]
    )


def _dob() -> Any:
    # m is stated, not trained (see ``train``): of the same person's records with both dates,
    # 90 % agree, 2 % have day and month swapped, 2 % a one-character typo, 4 % another date
    # in the same year (an estimate), 2 % anything else.
    return _comparison(
        "dob",
        "Date of birth",
        [None, 0.9, 0.02, 0.02, 0.04, 0.02],
        u_start=[None, 1e-4, 2e-5, 2e-3, 2e-2, None],
        levels=[
            cll.NullLevel("dob"),
            cll.ExactMatchLevel("dob").configure(tf_adjustment_column="dob"),
            cll.CustomLevel("dob_swap_l = dob_r", label_for_charts="Day and month swapped"),
            cll.DamerauLevenshteinLevel("dob", 1).configure(label_for_charts="One character differs"),
            cll.CustomLevel("birth_year_l = birth_year_r", label_for_charts="Same year"),
            cll.ElseLevel(),
        ],
    )


def _optional(extra: tuple[str, ...], sql: _Sql) -> list[Any]:
    """Comparisons of the optional HTCDS person fields present in the input (``records.OPTIONAL``).

    An identity number agreeing is near proof, one character apart a likely typo. Address
    parts change when people move, so their m starts lower; the city carries a term
    frequency (a capital proves little).
    """
    found: list[Any] = []
    if "idnum" in extra:
        found.append(
            _comparison(
                "idnum",
                "Identity number",
                [None, 0.85, 0.1, 0.05],
                u_start=[None, 1e-7, 1e-6, None],
                levels=[
                    cll.NullLevel("idnum"),
                    cll.ExactMatchLevel("idnum"),
                    cll.DamerauLevenshteinLevel("idnum", 1).configure(
                        label_for_charts="One character differs"
                    ),
                    cll.ElseLevel(),
                ],
            )
        )
    if "postcode" in extra:
        found.append(
            _comparison(
                "postcode",
                "Postal code",
                [None, 0.8, 0.1, 0.1],
                levels=[
                    cll.NullLevel("postcode"),
                    cll.ExactMatchLevel("postcode"),
                    cll.DamerauLevenshteinLevel("postcode", 1).configure(
                        label_for_charts="One character differs"
                    ),
                    cll.ElseLevel(),
                ],
            )
        )
    for column, label in (("street", "Street"), ("city", "City")):
        if column in extra:
            exact = cll.ExactMatchLevel(column)
            if column == "city":
                exact.configure(tf_adjustment_column=column)
            found.append(
                _comparison(
                    column,
                    label,
                    [None, 0.75, 0.15, 0.1],
                    levels=[
                        cll.NullLevel(column),
                        exact,
                        cll.CustomLevel(f"{sql.jw(column)} >= 0.88", label_for_charts="Close (typo)"),
                        cll.ElseLevel(),
                    ],
                )
            )
    if "state" in extra:
        found.append(_exact("state", "State or province", 0.9))
    return found


def country_u(con: Any, table: str, citizenship: str = "cit1", country: str = "coe") -> float:
    """P(same country of exploitation | same citizenship) over the records of ``table``.

    The share of record pairs that agree on the country among pairs that agree on the
    citizenship: sum over citizenships of the squared counts per country, divided by the
    squared counts per citizenship (pairs with themselves included; negligible at scale).
    """
    row = con.execute(
        f"""WITH a AS (SELECT {citizenship} AS c, {country} AS k, count(*) AS n FROM {table}
                       WHERE {citizenship} IS NOT NULL AND {country} IS NOT NULL GROUP BY ALL),
                 b AS (SELECT c, sum(n) AS n FROM a GROUP BY c)
            SELECT (SELECT sum(n * n) FROM a) / nullif((SELECT sum(n * n) FROM b), 0)"""  # noqa: S608 - internal names
    ).fetchall()[0][0]
    return min(0.95, max(0.01, float(row))) if row is not None else 0.05


def comparisons(
    context: bool, dialect: str = "duckdb", extra: tuple[str, ...] = (), coe_u: float = 0.05
) -> list[Any]:
    found: list[Any] = [
        _identity(_Sql(dialect)),
        _dob(),
        _exact("gender", "Gender", 0.97),
        *_optional(extra, _Sql(dialect)),
    ]
    if context:
        found += [
            # u is measured among pairs of the same citizenship (``country_u``), not random
            # pairs: candidate pairs share a name culture, and people of one culture are
            # exploited in few countries, so among them the country agrees far more often
            # (about 0.24 against 0.04 on generated data); with the random-pair u the
            # country counted a second time what the names already said (ADR 0007).
            _comparison(
                "coe",
                "Country of exploitation",
                [None, 0.95, 0.05],
                [
                    cll.NullLevel("coe"),
                    cll.ExactMatchLevel("coe").configure(u_probability=coe_u, fix_u_probability=True),
                    cll.ElseLevel().configure(u_probability=1 - coe_u, fix_u_probability=True),
                ],
            ),
            # Age follows from the date of birth when both are known, so it only counts
            # where a date of birth is missing (else it would be the same evidence twice).
            _comparison(
                "age",
                "Age at identification, where a date of birth is missing",
                [None, 0.9, 0.05, 0.05],
                [
                    cll.CustomLevel(
                        "age_l IS NULL OR age_r IS NULL OR (dob_l IS NOT NULL AND dob_r IS NOT NULL)",
                        label_for_charts="Age missing, or both dates of birth known",
                    ).configure(is_null_level=True),
                    cll.ExactMatchLevel("age"),
                    cll.AbsoluteDifferenceLevel("age", 1),
                    cll.ElseLevel(),
                ],
            ),
        ]
    return found


def blocking_rules(context: bool, extra: tuple[str, ...] = ()) -> list[Any]:
    rules: list[Any] = [
        block_on("dob", "first_key"),
        block_on("dob", "surname_key"),
        block_on("dob", "cit1"),
        block_on("first_key", "surname_key", "birth_year"),
        "l.first_key = r.surname_key AND l.surname_key = r.first_key AND l.birth_year = r.birth_year",
        "l.dob_swap = r.dob AND l.cit1 = r.cit1",
    ]
    if context:
        rules += [
            block_on("first_key", "surname_key", "coe", "age"),
            "l.first_key = r.surname_key AND l.surname_key = r.first_key AND l.coe = r.coe AND l.age = r.age",
        ]
    if "idnum" in extra:
        rules.append(block_on("idnum"))
    if "postcode" in extra:
        rules += [block_on("postcode", "first_key"), block_on("postcode", "surname_key")]
    if "street" in extra:
        rules.append(block_on("street", "birth_year"))
    return rules


def settings(
    context: bool,
    *,
    link_type: Literal["dedupe_only", "link_only", "link_and_dedupe"] = "dedupe_only",
    source_column: str | None = None,
    dialect: str = "duckdb",
    extra: tuple[str, ...] = (),
    coe_u: float = 0.05,
) -> SettingsCreator:
    source: dict[str, Any] = {}
    if source_column:
        source["source_dataset_column_name"] = source_column
    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="unique_id",
        comparisons=comparisons(context, dialect, extra, coe_u),
        blocking_rules_to_generate_predictions=blocking_rules(context, extra),
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
        additional_columns_to_retain=[],
        **source,
    )


def train(
    linker: Linker, *, tuning: Tuning, context: bool, say: Callable[[str], None], extra: tuple[str, ...] = ()
) -> None:
    """Estimate the prior, u and m; ``say`` reports each stage."""
    training = linker.training
    say("estimating the prior")
    training.estimate_probability_two_random_records_match(
        [block_on("dob", "first_key", "surname_key")], recall=tuning.prior_recall
    )
    say("estimating u from random record pairs")
    training.estimate_u_using_random_sampling(max_pairs=tuning.u_pairs, seed=tuning.seed)
    # Blocked on date of birth: independent of names, so the u from random pairs hold for
    # the name levels. Gender doubles the share of matches (date alone gives under 1 % at a
    # million records, too few for EM to find) and is nearly independent of the rest.
    # 1 January is left out: it stands for "year only" in some countries' records, so its
    # blocks are full of one culture's namesakes, which EM would take for matches.
    say("estimating m (EM, blocked on date of birth)")
    training.estimate_parameters_using_expectation_maximisation(
        "l.dob = r.dob AND coalesce(l.gender, '?') = coalesce(r.gender, '?') AND NOT l.dob LIKE '%-01-01'",
        estimate_without_term_frequencies=True,
        max_pairs=tuning.em_pairs,
    )
    if "idnum" in extra:
        # Blocked on the first three characters of the identity number: independent of names
        # and dates, and a mix of the same documents (matches) and of numbers that merely
        # start alike (non-matches), which EM needs (blocked on the whole number every pair
        # would match and EM has nothing to separate).
        say("estimating m (EM, blocked on the start of the identity number)")
        training.estimate_parameters_using_expectation_maximisation(
            "substr(l.idnum, 1, 3) = substr(r.idnum, 1, 3)",
            estimate_without_term_frequencies=True,
            max_pairs=tuning.em_pairs,
        )
    # Without an identity number the date of birth keeps its stated m (``_dob``): every blocking that would let EM see
    # it (names, names with the year, names with the case context) is, in this population,
    # dominated by namesakes of one culture, and EM then learns "same culture", not "same
    # person" (measured; ADR 0007).
