"""``pharos generate``: realistic synthetic records with known duplicates and known errors."""

from __future__ import annotations

import csv
import io
import json
import random
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from pharos.standards import codelists
from pharos.standards.generator import COLUMNS, TRUTH_COLUMNS, GeneratorConfig, generate, truth_path_for
from pharos.standards.generator.corrupt import script_of, swap_day_month, typo
from pharos.standards.generator.translit import transliterate

ROWS = 20_000
COUNTRIES = {c["code"] for c in json.loads((Path(codelists.__file__).parent.parent / "tenancy/data/countries.json").read_text())["countries"]}  # fmt: skip


def _run(cases: int, seed: int, **options) -> tuple[str, str]:
    out, truth = io.StringIO(), io.StringIO()
    generate(GeneratorConfig(cases=cases, seed=seed, **options), out, truth)
    return out.getvalue(), truth.getvalue()


@pytest.fixture(scope="module")
def sample() -> dict:
    data_text, truth_text = _run(ROWS, seed=2026)
    rows = list(csv.DictReader(io.StringIO(data_text)))
    truth = list(csv.DictReader(io.StringIO(truth_text)))
    by_record = {t["record_id"]: t for t in truth}
    persons: dict[str, list[tuple[dict, dict]]] = defaultdict(list)
    for row in rows:
        persons[by_record[row["record_id"]]["person_id"]].append((row, by_record[row["record_id"]]))
    for reports in persons.values():
        reports.sort(key=lambda pair: int(pair[1]["report"]))
    return {"text": data_text, "rows": rows, "truth": truth, "persons": persons}


def test_the_same_seed_gives_the_same_bytes_and_another_seed_other_records() -> None:
    first = _run(3000, seed=11, block_size=1000)
    assert _run(3000, seed=11, block_size=1000) == first
    assert _run(3000, seed=12, block_size=1000)[0] != first[0]


def test_files_on_disk_match_the_streamed_text_and_the_truth_file_name_is_derived(tmp_path: Path) -> None:
    out = tmp_path / "cases.csv"
    assert truth_path_for(out) == tmp_path / "cases.truth.csv"
    generate(GeneratorConfig(cases=500, seed=5), out, truth_path_for(out))
    text, truth = _run(500, seed=5)
    assert out.read_bytes() == text.encode("utf-8")
    assert truth_path_for(out).read_bytes() == truth.encode("utf-8")


def test_two_processes_write_the_same_bytes_as_one() -> None:
    config = GeneratorConfig(cases=2500, seed=9, block_size=1000)
    one, one_truth, two, two_truth = io.StringIO(), io.StringIO(), io.StringIO(), io.StringIO()
    generate(config, one, one_truth, workers=1)
    generate(config, two, two_truth, workers=2)
    assert one.getvalue() == two.getvalue()
    assert one_truth.getvalue() == two_truth.getvalue()


def test_the_layout_is_htcds_and_the_truth_file_covers_every_record(sample: dict) -> None:
    assert list(sample["rows"][0]) == list(COLUMNS)
    assert list(sample["truth"][0]) == list(TRUTH_COLUMNS)
    assert len(sample["rows"]) == ROWS
    record_ids = [r["record_id"] for r in sample["rows"]]
    assert len(set(record_ids)) == ROWS
    assert sorted(record_ids) == sorted(t["record_id"] for t in sample["truth"])
    assert all(t["person_id"] for t in sample["truth"])


def test_about_a_quarter_of_persons_are_reported_two_or_three_times(sample: dict) -> None:
    sizes = Counter(len(reports) for reports in sample["persons"].values())
    assert set(sizes) <= {1, 2, 3}
    share = (sizes[2] + sizes[3]) / sum(sizes.values())
    assert 0.23 <= share <= 0.27
    assert 0.25 <= sizes[3] / (sizes[2] + sizes[3]) <= 0.35
    for reports in sample["persons"].values():
        organisations = [row["org_Name"] for row, _ in reports]
        assert len(set(organisations)) == len(organisations), "repeat reports come from other organisations"


def test_repeat_reports_carry_each_kind_of_error_at_its_configured_rate(sample: dict) -> None:
    repeats = [(row, t, reports[0][0]) for reports in sample["persons"].values() for row, t in reports[1:]]
    kinds = Counter(k for _row, t, _original in repeats for k in t["corruptions"].split(";") if k)
    n = len(repeats)
    assert 0.08 <= kinds["typo:prs_FirstName"] / n <= 0.12
    assert 0.08 <= kinds["typo:prs_SecondName"] / n <= 0.12
    assert 0.035 <= kinds["name_swap"] / n <= 0.065
    with_birth = [r for r, _t, original in repeats if original["prs_Birthdate"]]
    assert 0.06 <= kinds["missing:prs_Birthdate"] / len(with_birth) <= 0.10
    eligible = [r for r, _t, _o in repeats if r["prs_Birthdate"] and swap_day_month(r["prs_Birthdate"])]
    assert 0.07 <= kinds["day_month_swap"] / len(eligible) <= 0.13

    # And the rows really show them.
    for row, t, original in repeats:
        applied = set(t["corruptions"].split(";"))
        if "missing:prs_Birthdate" in applied:
            assert row["prs_Birthdate"] == ""
            assert original["prs_Birthdate"] != ""
        if "day_month_swap" in applied:
            assert row["prs_Birthdate"] == swap_day_month(original["prs_Birthdate"])
        if "missing:prs_Citizenship" in applied:
            assert row["prs_Citizenship"] == ""
            assert original["prs_Citizenship"] != ""
        if (
            not applied - {""}
            and script_of(row["prs_FirstName"]) == script_of(original["prs_FirstName"]) == "Latn"
        ):
            # Untouched Latin-script reports differ at most by dropped diacritics or another spelling.
            assert row["prs_Birthdate"] == original["prs_Birthdate"]


def test_every_code_in_the_output_is_valid_in_the_code_lists(sample: dict) -> None:
    lists = codelists.read_all()
    today = date.today()
    coded = {
        "org_Type": "htcds.org_Type",
        "prs_Gender": "htcds.prs_Gender",
        "vic_TraffickingStatus": "htcds.vic_TraffickingStatus",
        "vic_TraffickingStatusDecisionMakingOrg": "htcds.vic_TraffickingStatusDecisionMakingOrg",
        "vic_TypeOfExploitation": "htcds.vic_TypeOfExploitation",
        "vic_ForcedLabourIndustry": "htcds.vic_ForcedLabourIndustry",
        "vic_TypeOfSexExploitation": "htcds.vic_TypeOfSexExploitation",
        "vic_MethodsOfControl": "htcds.vic_MethodsOfControl",
        "vic_MethodOfRecruitment": "htcds.vic_MethodOfRecruitment",
        "vic_RelationshipToTrafficker": "htcds.vic_RelationshipToTrafficker",
        "vic_RecruiterRelationship": "pharos.recruiter_relationship",
    }
    valid = {column: lists[key].code_set(on=today) for column, key in coded.items()}
    for row in sample["rows"]:
        for column, codes in valid.items():
            for value in filter(None, row[column].split(";")):
                assert value in codes, f"{column}={value!r}"
        for column in ("prs_Citizenship", "vic_CountryOfExploitation", "org_ShippingCountry"):
            assert all(v in COUNTRIES for v in filter(None, row[column].split(";"))), row[column]
        if row["prs_Birthdate"]:
            assert date.fromisoformat(row["prs_Birthdate"]).year >= 1930
        ages = [row[c] for c in ("vic_AgeAtRecruitment", "vic_AgeAtExploitation", "vic_AgeAtIdentification")]
        known = [int(a) for a in ages if a]
        assert all(0 <= a <= 80 for a in known)


def test_ages_follow_the_order_of_events(sample: dict) -> None:
    for reports in sample["persons"].values():
        row = reports[0][0]
        recruited, exploited, identified = (
            int(row[c]) for c in ("vic_AgeAtRecruitment", "vic_AgeAtExploitation", "vic_AgeAtIdentification")
        )
        assert recruited <= exploited <= identified


def test_the_mix_is_shaped_like_ctdcs_published_figures(sample: dict) -> None:
    originals = [reports[0][0] for reports in sample["persons"].values()]
    gender = Counter(r["prs_Gender"] for r in originals)
    assert 0.50 <= gender["Feminine"] / (gender["Feminine"] + gender["Masculine"]) <= 0.60  # CTDC VP: 54.5 %
    minors = sum(int(r["vic_AgeAtIdentification"]) < 18 for r in originals) / len(originals)
    assert 0.04 <= minors <= 0.10  # CTDC VP: 6.9 %
    labour = sum("ForcedLabour" in r["vic_TypeOfExploitation"] for r in originals)
    sexual = sum("SexualExploitation" in r["vic_TypeOfExploitation"] for r in originals)
    assert 0.14 <= sexual / (labour + sexual) <= 0.25  # CTDC VP: 18.5 %


def test_a_cyrillic_name_shows_up_in_both_scripts_across_duplicates(sample: dict) -> None:
    both = [
        reports
        for reports in sample["persons"].values()
        if {script_of(row["prs_SecondName"]) for row, _t in reports if row["prs_SecondName"]}
        == {"Cyrl", "Latn"}
    ]
    assert len(both) > 20
    arabic_both = [
        reports
        for reports in sample["persons"].values()
        if {script_of(row["prs_SecondName"]) for row, _t in reports if row["prs_SecondName"]}
        == {"Arab", "Latn"}
    ]
    assert arabic_both


def test_cyrillic_names_are_transliterated_by_the_schemes_agencies_use() -> None:
    assert transliterate("Юлия", "bgn") == "Yuliya"
    assert transliterate("Юлия", "icao") == "Iuliia"
    assert transliterate("Юлия", "scholarly") == "Julija"
    assert transliterate("Юлия", "french") == "Ioulia"
    assert transliterate("Сергей", "romanian") == "Serghei"
    assert transliterate("Шевченко", "german") == "Schewtschenko"
    assert transliterate("Олексій", "ukrainian") == "Oleksii"
    assert transliterate("Ђорђевић", "serbian") == "Đorđević"
    assert transliterate("Анна-Мария", "icao") == "Anna-Mariia"


@pytest.mark.parametrize("name", ["Maria", "Юлия", "محمد", "Li", "O"])
def test_a_typo_changes_a_name_by_one_keystroke(name: str) -> None:
    rng = random.Random(1)
    for _ in range(50):
        changed = typo(name, rng)
        assert changed != name
        assert abs(len(changed) - len(name)) <= 1
        assert script_of(changed) == script_of(name)


def test_day_and_month_swap_only_when_both_could_be_a_month() -> None:
    assert swap_day_month("1990-03-07") == "1990-07-03"
    assert swap_day_month("1990-03-25") is None
    assert swap_day_month("1990-05-05") is None
    assert swap_day_month("") is None


def test_rates_out_of_range_are_refused() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        GeneratorConfig(cases=10, duplicate_share=1.5)
    with pytest.raises(ValueError, match="unknown columns"):
        GeneratorConfig(cases=10, missing_rates={"prs_Nickname": 0.1})


def test_without_duplicates_every_person_has_one_record() -> None:
    _text, truth = _run(2000, seed=3, duplicate_share=0.0)
    people = [row["person_id"] for row in csv.DictReader(io.StringIO(truth))]
    assert len(set(people)) == 2000


def test_the_generate_command_writes_both_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "demo.csv"
    call_command("generate", "--cases", "300", "--seed", "4", "--out", str(out), "--workers", "1")
    assert "Wrote 300 records" in capsys.readouterr().out
    assert out.read_bytes() == _run(300, seed=4)[0].encode("utf-8")
    assert len((tmp_path / "demo.truth.csv").read_text(encoding="utf-8").splitlines()) == 301


def test_the_generate_command_refuses_a_truth_file_that_is_the_output(tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    out = tmp_path / "x.csv"
    with pytest.raises(CommandError, match="another file"):
        call_command("generate", "--cases", "5", "--out", str(out), "--truth", str(out))
