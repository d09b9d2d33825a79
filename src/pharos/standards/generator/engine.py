"""Synthetic victim case records in the HTCDS layout, with known duplicates.

The generator draws persons (``distributions``), has one to three organisations report
each of them, writes every report as one CSV row and the true person of every row to a
second file. Repeat reports carry the errors of real case files: typos, another
transliteration, day and month swapped, missing fields, first and family name swapped.

It is pure Python, deterministic and streaming: rows are made in blocks of
``block_size`` (each block seeded from the seed and its number, shuffled inside itself so
repeat reports are not next to each other) and written block by block, so memory stays
bounded whatever the number of rows, and the same seed gives byte-identical files.
"""

from __future__ import annotations

import csv
import io
import random
import time
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import IO, Any

from pharos.standards import codelists
from pharos.standards.generator import distributions as dist
from pharos.standards.generator.corrupt import swap_day_month, typo
from pharos.standards.generator.names import Culture, Name, cultures, places
from pharos.standards.generator.translit import strip_diacritics, transliterate

COLUMNS: tuple[str, ...] = (
    "record_id",
    "org_Name",
    "org_Type",
    "org_ShippingCountry",
    "prs_FirstName",
    "prs_SecondName",
    "prs_Birthdate",
    "prs_Gender",
    "prs_Citizenship",
    "vic_TraffickingStatus",
    "vic_TraffickingStatusDecisionMakingOrg",
    "vic_YearOfRegistration",
    "vic_CountryOfExploitation",
    "vic_TypeOfExploitation",
    "vic_ForcedLabourIndustry",
    "vic_TypeOfSexExploitation",
    "vic_MethodsOfControl",
    "vic_MethodOfRecruitment",
    "vic_RelationshipToTrafficker",
    "vic_RecruiterRelationship",
    "vic_AgeAtRecruitment",
    "vic_AgeAtExploitation",
    "vic_AgeAtIdentification",
)
TRUTH_COLUMNS: tuple[str, ...] = ("record_id", "person_id", "report", "corruptions")
_COL = {name: i for i, name in enumerate(COLUMNS)}
SEPARATOR = ";"  # between the values of a multi-valued field


class Categorical:
    """Draw one value with the given weights, fast (one random number and a bisection)."""

    __slots__ = ("cumulative", "total", "values")

    def __init__(self, weights: Mapping[Any, float] | Iterable[tuple[Any, float]]) -> None:
        pairs = list(weights.items()) if isinstance(weights, Mapping) else list(weights)
        self.values = [v for v, w in pairs if w > 0]
        running, cumulative = 0.0, []
        for _v, w in pairs:
            if w > 0:
                running += w
                cumulative.append(running)
        self.cumulative = cumulative
        self.total = running

    def pick(self, rng: random.Random) -> Any:
        return self.values[bisect_right(self.cumulative, rng.random() * self.total)]


@dataclass(frozen=True)
class GeneratorConfig:
    """What to generate. Every rate is a share between 0 and 1."""

    cases: int
    seed: int = 0
    duplicate_share: float = dist.DUPLICATE_PERSON_SHARE
    three_reports_share: float = dist.THREE_REPORTS_SHARE
    typo_rate: float = dist.TYPO_RATE
    name_swap_rate: float = dist.NAME_SWAP_RATE
    day_month_swap_rate: float = dist.DAY_MONTH_SWAP_RATE
    missing_rates: Mapping[str, float] = field(default_factory=lambda: dict(dist.MISSING_RATES))
    block_size: int = 20_000

    def __post_init__(self) -> None:
        if self.cases < 0:
            raise ValueError("cases must be 0 or more")
        rates = [self.duplicate_share, self.three_reports_share, self.typo_rate, self.name_swap_rate]
        rates += [self.day_month_swap_rate, *self.missing_rates.values()]
        if any(not 0 <= r <= 1 for r in rates):
            raise ValueError("every rate must be between 0 and 1")
        unknown = set(self.missing_rates) - set(COLUMNS)
        if unknown:
            raise ValueError(f"missing_rates names unknown columns: {sorted(unknown)}")
        if self.block_size < 1:
            raise ValueError("block_size must be positive")


@dataclass
class GenerationStats:
    """What a run produced; ``corruptions`` counts each kind over repeat reports."""

    rows: int = 0
    persons: int = 0
    duplicated_persons: int = 0
    repeat_reports: int = 0
    day_month_eligible: int = 0
    corruptions: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    def add(self, other: GenerationStats) -> None:
        self.rows += other.rows
        self.persons += other.persons
        self.duplicated_persons += other.duplicated_persons
        self.repeat_reports += other.repeat_reports
        self.day_month_eligible += other.day_month_eligible
        self.corruptions.update(other.corruptions)


@dataclass(frozen=True)
class Organisation:
    """A synthetic reporting organisation (names end in "(synthetic)")."""

    name: str
    org_type: str
    decision_org: str
    country: str


@dataclass(frozen=True)
class Writing:
    """How one organisation writes names of one culture."""

    native: bool  # Cyrillic or Arabic names kept in their script
    scheme: str  # Cyrillic → Latin scheme otherwise
    variant: int  # which Latin spelling of an Arabic name
    ascii_only: bool  # diacritics dropped ("Ștefan" → "Stefan")


@dataclass
class Person:
    person_id: str
    culture: Culture
    first: Name
    second: Name
    birth: date | None
    gender: str
    citizenship: str
    status: str
    year: int
    country_of_exploitation: str
    forms: str
    sector: str
    sex_type: str
    control: str
    recruitment: str
    relationship: str
    htcds_relationship: str
    age_recruitment: int
    age_exploitation: int
    age_identification: int
    reports: int


# --- reference material, built once per process ---------------------------------------------------


def _weighted_bands(bands: Sequence[tuple[int, int, float]]) -> Categorical:
    return Categorical([((lo, hi), w) for lo, hi, w in bands])


@dataclass(frozen=True)
class _Tables:
    citizenship: Categorical
    cultures: dict[str, Categorical]
    destinations: dict[str, Categorical]
    years: Categorical
    minor_bands: Categorical
    adult_bands: Categorical
    duration: Categorical
    other_forms: Categorical
    sector: Categorical
    sex_type: Categorical
    recruitment: Categorical
    relationship: tuple[Categorical, Categorical]
    status: Categorical
    organisations: dict[str, tuple[list[Organisation], Categorical]]
    relationship_to_htcds: dict[str, str]
    sector_to_htcds: dict[str, str]
    home_countries: dict[str, frozenset[str]]


@cache
def _tables() -> _Tables:
    lists = codelists.read_all()
    sector_codes = {code[0]: code for code in lists["htcds.vic_ForcedLabourIndustry"].code_set()}
    relationship = {
        entry.code: str(entry.mappings.get("htcds") or "")
        for entry in lists["pharos.recruiter_relationship"].codes
    }
    organisations: dict[str, tuple[list[Organisation], Categorical]] = {}
    for country, info in places().items():
        orgs: list[tuple[Organisation, float]] = []
        cities = list(info["cities"])  # type: ignore[call-overload]
        for kind_index, (pattern, org_type, decision, weight) in enumerate(dist.ORGANISATION_KINDS):
            for city_index, city in enumerate(cities[:2]):
                ngo = dist.NGO_NAMES[(kind_index + city_index + len(country)) % len(dist.NGO_NAMES)]
                name = pattern.format(city=city, ngo=ngo) + " (synthetic)"
                orgs.append((Organisation(name, org_type, decision, country), weight / len(cities[:2])))
        organisations[country] = ([o for o, _w in orgs], Categorical(orgs))
    names = [o.name for pool, _w in organisations.values() for o in pool]
    if len(names) != len(set(names)):
        raise ValueError("Two synthetic organisations share a name: make the cities in places.json unique")
    home: dict[str, set[str]] = {}
    for country, mix in dist.CULTURES.items():
        for culture in mix:
            home.setdefault(culture, set()).add(country)
    home.setdefault("br", set()).add("PT")
    year_weights = []
    for first, last, count in dist.YEAR_BANDS:
        year_weights += [(y, count / (last - first + 1)) for y in range(first, last + 1)]
    return _Tables(
        citizenship=Categorical(dist.CITIZENSHIP),
        cultures={c: Categorical(mix) for c, mix in dist.CULTURES.items()},
        destinations={r: Categorical(d) for r, d in dist.DESTINATIONS.items()},
        years=Categorical(year_weights),
        minor_bands=_weighted_bands(dist.MINOR_BANDS),
        adult_bands=_weighted_bands(dist.ADULT_BANDS),
        duration=_weighted_bands(dist.DURATION_MONTHS),
        other_forms=Categorical(dist.OTHER_FORMS),
        sector=Categorical(dist.LABOUR_SECTOR),
        sex_type=Categorical(dist.SEX_TYPE),
        recruitment=Categorical(dist.METHOD_OF_RECRUITMENT),
        relationship=(
            Categorical({k: v[0] for k, v in dist.RECRUITER_RELATIONSHIP.items()}),
            Categorical({k: v[1] for k, v in dist.RECRUITER_RELATIONSHIP.items()}),
        ),
        status=Categorical(dist.TRAFFICKING_STATUS),
        organisations=organisations,
        relationship_to_htcds=relationship,
        sector_to_htcds=sector_codes,
        home_countries={k: frozenset(v) for k, v in home.items()},
    )


# --- drawing one person ---------------------------------------------------------------------------


_CONTROL = [(code, p_other, p_sexual) for code, (p_other, p_sexual) in dist.MEANS_OF_CONTROL.items()]


def _between(rng: random.Random, lo: int, hi: int) -> int:
    return lo + int(rng.random() * (hi - lo + 1))


def _form_group(rng: random.Random, region: str) -> str:
    if rng.random() < dist.OTHER_FORM_SHARE:
        return "other"
    return "sexual" if rng.random() < dist.SEXUAL_SHARE_BY_REGION.get(region, 0.185) else "labour"


def _draw_person(rng: random.Random, person_id: str, t: _Tables, config: GeneratorConfig) -> Person:
    citizenship = t.citizenship.pick(rng)
    culture = cultures()[t.cultures[citizenship].pick(rng)]
    destination = t.destinations[dist.REGION_OF[citizenship]].pick(rng)
    country = citizenship if destination == "HOME" else destination
    group = _form_group(rng, dist.EXPLOITATION_REGION.get(country, "eu"))

    minor = rng.random() < dist.MINOR_SHARE_BY_FORM[group]
    lo, hi = (t.minor_bands if minor else t.adult_bands).pick(rng)
    age_identification = _between(rng, lo, hi)
    lo_m, hi_m = t.duration.pick(rng)
    years_in = _between(rng, lo_m, hi_m) // 12
    age_recruitment = max(0, age_identification - years_in)
    later = 1 if rng.random() < dist.EXPLOITED_A_YEAR_AFTER_RECRUITMENT_SHARE else 0
    age_exploitation = min(age_identification, age_recruitment + later)

    forms: list[str] = []
    if group == "other":
        forms.append(t.other_forms.pick(rng))
    else:
        forms.append("SexualExploitation" if group == "sexual" else "ForcedLabour")
        if rng.random() < dist.SEX_AND_LABOUR_SHARE:
            forms.append("ForcedLabour" if group == "sexual" else "SexualExploitation")
    if minor and "ForcedLabour" in forms and rng.random() < dist.CHILD_LABOUR_SHARE_OF_MINORS_IN_LABOUR:
        forms.append("ChildLabour")
    sector = t.sector_to_htcds[t.sector.pick(rng)] if "ForcedLabour" in forms else ""
    sex_type = t.sex_type.pick(rng) if "SexualExploitation" in forms else ""

    roll = rng.random()
    if roll < dist.GENDER_UNKNOWN_SHARE:
        gender = "NonSpecifiedUnknown"
    elif roll < dist.GENDER_UNKNOWN_SHARE + dist.TRANS_OR_NONCONFORMING_SHARE:
        gender = ("TransgenderFeminine", "TransgenderMasculine", "NonConforming")[int(rng.random() * 3)]
    else:
        gender = "Feminine" if rng.random() < dist.FEMALE_SHARE[group] else "Masculine"
    female = gender in ("Feminine", "TransgenderFeminine") or (
        gender not in ("Masculine", "TransgenderMasculine") and rng.random() < 0.5
    )
    first_names = culture.female if female else culture.male
    first = first_names[int(rng.random() * len(first_names))]
    surname = culture.surnames[int(rng.random() * len(culture.surnames))]
    second = culture.feminine(surname) if female else surname

    year = t.years.pick(rng)
    registered = date(year, 1, 1) + timedelta(days=int(rng.random() * 365))
    if rng.random() < dist.UNKNOWN_TO_ALL["prs_Birthdate"]:
        birth = None
    elif rng.random() < dist.JAN1_SHARE.get(culture.code, 0.0):
        birth = date(registered.year - age_identification, 1, 1)
    else:
        birth = registered - timedelta(days=int(age_identification * 365.25 + rng.random() * 364 + 1))

    citizenships = citizenship
    second_citizenship = dist.SECOND_CITIZENSHIP.get(citizenship)
    if second_citizenship and rng.random() < second_citizenship[1]:
        citizenships = f"{citizenship}{SEPARATOR}{second_citizenship[0]}"

    sexual = group == "sexual"
    column = 1 if sexual else 0
    control = [code for code, *chance in _CONTROL if rng.random() < chance[column]]
    recruitment = [t.recruitment.pick(rng)]
    if rng.random() < dist.SECOND_RECRUITMENT_METHOD_SHARE:
        extra = t.recruitment.pick(rng)
        if extra not in recruitment:
            recruitment.append(extra)
    if rng.random() < dist.UNKNOWN_TO_ALL["vic_RecruiterRelationship"]:
        relationship = ""
    else:
        relationship = t.relationship[1 if sexual else 0].pick(rng)

    reports = 1
    if rng.random() < config.duplicate_share:
        reports = 3 if rng.random() < config.three_reports_share else 2
    return Person(
        person_id=person_id,
        culture=culture,
        first=first,
        second=second,
        birth=birth,
        gender=gender,
        citizenship=citizenships,
        status=t.status.pick(rng),
        year=year,
        country_of_exploitation=country,
        forms=SEPARATOR.join(forms),
        sector=sector,
        sex_type=sex_type,
        control=SEPARATOR.join(control),
        recruitment=SEPARATOR.join(recruitment),
        relationship=relationship,
        htcds_relationship=t.relationship_to_htcds.get(relationship, ""),
        age_recruitment=age_recruitment,
        age_exploitation=age_exploitation,
        age_identification=age_identification,
        reports=reports,
    )


# --- who reports, and how they write names --------------------------------------------------------


def _reporters(rng: random.Random, person: Person, t: _Tables) -> list[Organisation]:
    where = person.country_of_exploitation
    home = person.citizenship.split(SEPARATOR)[0]
    pool, weights = t.organisations[where]
    chosen = [weights.pick(rng)]
    while len(chosen) < person.reports:
        if where != home and rng.random() < dist.REPORT_FROM_HOME_SHARE:
            candidate = t.organisations[home][1].pick(rng)
        else:
            candidate = pool[int(rng.random() * len(pool))]
        if candidate not in chosen:
            chosen.append(candidate)
    return chosen


class _WritingStyles:
    """Each organisation's way of writing each culture's names, fixed for the whole run.

    Drawn from the seed and the names only, so every block and every process agrees.
    """

    _cache: dict[tuple[int, str, str], Writing] = {}

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def of(self, org: Organisation, culture: Culture, t: _Tables) -> Writing:
        key = (self.seed, f"{org.country}:{org.name}", culture.code)
        found = self._cache.get(key)
        if found is None:
            found = self._draw(org, culture, t)
            self._cache[key] = found
        return found

    def _draw(self, org: Organisation, culture: Culture, t: _Tables) -> Writing:
        rng = random.Random(f"pharos-generate:{self.seed}:org:{org.country}:{org.name}:{culture.code}")  # noqa: S311 - synthetic data, not a secret
        share = places()[org.country]["native_script_share"]
        native = rng.random() < float(share.get(culture.script, 0.0))  # type: ignore[attr-defined]
        local = dist.LOCAL_SCHEMES.get(org.country)
        if culture.national_scheme and rng.random() < dist.NATIONAL_SCHEME_SHARE:
            scheme = culture.national_scheme  # copied from a passport of the person's country
        elif local is not None and rng.random() < local[1]:
            scheme = local[0]
        else:
            scheme = Categorical(dist.GENERIC_SCHEMES).pick(rng)
        abroad = org.country not in t.home_countries.get(culture.code, frozenset())
        return Writing(
            native=native,
            scheme=scheme,
            variant=int(rng.random() * 5),
            ascii_only=abroad and rng.random() < dist.DIACRITICS_DROPPED_ABROAD_SHARE,
        )


def _write_name(name: Name, culture: Culture, writing: Writing) -> str:
    if culture.script == "Cyrl":
        return name.native if writing.native else transliterate(name.native, writing.scheme)
    if culture.script == "Arab":
        if writing.native or not name.latin:
            return name.native
        return name.latin[writing.variant % len(name.latin)]
    return strip_diacritics(name.native) if writing.ascii_only else name.native


# --- one report as a row --------------------------------------------------------------------------


def _row(person: Person, org: Organisation, writing: Writing, repeat: bool, rng: random.Random) -> list[str]:
    status = person.status
    if repeat and status == "ActualVictimOfTrafficking" and rng.random() < dist.STATUS_LAG_SHARE:
        status = "PossibleVictimOfTrafficking"
    decision = "" if status == "PossibleVictimOfTrafficking" else org.decision_org
    year = person.year + (1 if repeat and rng.random() < dist.REPEAT_REPORT_NEXT_YEAR_SHARE else 0)
    return [
        "",
        org.name,
        org.org_type,
        org.country,
        _write_name(person.first, person.culture, writing),
        _write_name(person.second, person.culture, writing),
        person.birth.isoformat() if person.birth else "",
        person.gender,
        person.citizenship,
        status,
        decision,
        str(year),
        person.country_of_exploitation,
        person.forms,
        person.sector,
        person.sex_type,
        person.control,
        person.recruitment,
        person.htcds_relationship,
        person.relationship,
        str(person.age_recruitment),
        str(person.age_exploitation),
        str(person.age_identification),
    ]


_FIRST, _SECOND, _BIRTH = _COL["prs_FirstName"], _COL["prs_SecondName"], _COL["prs_Birthdate"]


def _corrupt(
    row: list[str], rng: random.Random, config: GeneratorConfig, stats: GenerationStats
) -> list[str]:
    """Apply the configured errors to a repeat report; return the names of those applied."""
    applied: list[str] = []
    for column, rate in config.missing_rates.items():
        index = _COL[column]
        if row[index] and rng.random() < rate:
            row[index] = ""
            applied.append(f"missing:{column}")
    for column, index in (("prs_FirstName", _FIRST), ("prs_SecondName", _SECOND)):
        if row[index] and rng.random() < config.typo_rate:
            row[index] = typo(row[index], rng)
            applied.append(f"typo:{column}")
    if row[_BIRTH]:
        swapped = swap_day_month(row[_BIRTH])
        if swapped is not None:
            stats.day_month_eligible += 1
            if rng.random() < config.day_month_swap_rate:
                row[_BIRTH] = swapped
                applied.append("day_month_swap")
    if rng.random() < config.name_swap_rate:
        row[_FIRST], row[_SECOND] = row[_SECOND], row[_FIRST]
        applied.append("name_swap")
    stats.corruptions.update(applied)
    return applied


# --- blocks and files -----------------------------------------------------------------------------


def generate_block(config: GeneratorConfig, block: int, rows: int) -> tuple[list[list[str]], GenerationStats]:
    """``rows`` rows of block number ``block`` with their truth columns appended, shuffled.

    Each block has its own random stream, so blocks can be made in any order or in parallel.
    """
    rng = random.Random(f"pharos-generate:{config.seed}:block:{block}")  # noqa: S311 - synthetic data, not a secret
    t = _tables()
    styles = _WritingStyles(config.seed)
    stats = GenerationStats()
    out: list[list[str]] = []
    serial = 0
    while len(out) < rows:
        serial += 1
        person = _draw_person(rng, f"P{block * config.block_size + serial:09d}", t, config)
        person.reports = min(person.reports, rows - len(out))
        stats.persons += 1
        if person.reports > 1:
            stats.duplicated_persons += 1
        for number, org in enumerate(_reporters(rng, person, t), start=1):
            repeat = number > 1
            row = _row(person, org, styles.of(org, person.culture, t), repeat, rng)
            applied: list[str] = []
            if repeat:
                stats.repeat_reports += 1
                applied = _corrupt(row, rng, config, stats)
            row += [person.person_id, str(number), SEPARATOR.join(applied)]
            out.append(row)
    rng.shuffle(out)
    first_id = block * config.block_size
    for offset, row in enumerate(out, start=1):
        row[0] = f"R{first_id + offset:09d}"
    stats.rows = len(out)
    return out, stats


def render_block(config: GeneratorConfig, block: int, rows: int) -> tuple[str, str, GenerationStats]:
    """One block as CSV text: the records and their truth rows (what a worker process sends back)."""
    made, stats = generate_block(config, block, rows)
    width = len(COLUMNS)
    data, truth = io.StringIO(), io.StringIO()
    csv.writer(data).writerows(row[:width] for row in made)
    csv.writer(truth).writerows([row[0], *row[width:]] for row in made)
    return data.getvalue(), truth.getvalue(), stats


def generate(
    config: GeneratorConfig,
    out: Path | IO[str],
    truth: Path | IO[str],
    *,
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
) -> GenerationStats:
    """Write ``config.cases`` rows to ``out`` and their true persons to ``truth``.

    ``workers`` > 1 makes blocks in that many processes; the output is the same bytes.
    """
    started = time.perf_counter()
    total = GenerationStats()
    blocks = [
        (config, b, min(config.block_size, config.cases - b * config.block_size))
        for b in range((config.cases + config.block_size - 1) // config.block_size)
    ]
    with _open(out) as data_file, _open(truth) as truth_file:
        csv.writer(data_file).writerow(COLUMNS)
        csv.writer(truth_file).writerow(TRUTH_COLUMNS)
        for data_text, truth_text, stats in _rendered(blocks, workers):
            data_file.write(data_text)
            truth_file.write(truth_text)
            total.add(stats)
            if progress is not None:
                progress(total.rows)
    total.seconds = time.perf_counter() - started
    return total


def _render(args: tuple[GeneratorConfig, int, int]) -> tuple[str, str, GenerationStats]:
    return render_block(*args)


def _rendered(
    jobs: list[tuple[GeneratorConfig, int, int]], workers: int
) -> Iterator[tuple[str, str, GenerationStats]]:
    if workers <= 1 or len(jobs) < 2:
        yield from map(_render, jobs)
        return
    from multiprocessing import get_all_start_methods, get_context

    method = "fork" if "fork" in get_all_start_methods() else "spawn"
    with get_context(method).Pool(workers) as pool:
        # imap keeps the order; chunksize 1 keeps only a few blocks in memory at once.
        yield from pool.imap(_render, jobs, chunksize=1)


@contextmanager
def _open(target: Path | IO[str]) -> Iterator[IO[str]]:
    """Open a path for writing (UTF-8, CSV newlines), or use an open text stream as it is."""
    if isinstance(target, Path):
        with target.open("w", encoding="utf-8", newline="") as handle:
            yield handle
    else:
        yield target


def truth_path_for(out: Path) -> Path:
    """``cases.csv`` → ``cases.truth.csv``."""
    stem = out.name[: -len(".csv")] if out.name.endswith(".csv") else out.name
    return out.with_name(stem + ".truth.csv")
