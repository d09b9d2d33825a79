"""The shipped code-list files: complete, consistent and true to HTCDS 2.0."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pharos.standards import codelists

LISTS = codelists.read_all()
HTCDS_ODS = (
    Path(__file__).resolve().parents[4].parent / "shared/reference/htcds/HTCDS Field Standards 2.0.ods"
)


@pytest.mark.parametrize("key", sorted(LISTS))
def test_every_list_has_a_title_and_labels_in_all_five_languages(key: str) -> None:
    assert codelists.missing_labels(LISTS[key]) == []


def test_missing_labels_names_the_code_and_language() -> None:
    parsed = codelists.parse(
        json.dumps(
            {
                "key": "x.demo",
                "title": {"en": "Demo", "fr": "Démo", "pt-br": "Demo", "ru": "Демо", "ar": ""},
                "valid_from": "2024-01-01",
                "codes": [{"code": "A", "labels": {"en": "A", "fr": "A", "pt-br": "A", "ru": "А"}}],
            }
        ).encode()
    )
    assert codelists.missing_labels(parsed) == ["x.demo: title [ar]", "x.demo:A [ar]"]


@pytest.mark.parametrize("key", sorted(LISTS))
def test_every_mapping_points_to_a_code_of_the_named_list(key: str) -> None:
    parsed = LISTS[key]
    for entry in parsed.codes:
        for target, mapped in entry.mappings.items():
            if mapped is None:
                continue
            target_list = parsed.mapping_lists.get(target)
            assert target_list in LISTS, f"{key}:{entry.code} maps to {target} without a target list"
            for value in mapped if isinstance(mapped, list) else [mapped]:
                assert value in LISTS[target_list].code_set(), f"{key}:{entry.code} → {target_list}:{value}"


def test_unverified_mappings_are_flagged_and_explained() -> None:
    unverified = [(k, c) for k, parsed in LISTS.items() for c in parsed.codes if not c.verified]
    assert unverified, "STANDARDS.md marks several mappings [unverified]; the files must flag them"
    for key, entry in unverified:
        assert "unverified" in entry.notes.lower(), (
            f"{key}:{entry.code} is flagged but its notes do not say why"
        )
    surrogacy = LISTS["htcds.vic_TypeOfExploitation"].entry("Surrogacy")
    assert surrogacy.verified is False


def test_files_are_written_in_the_canonical_layout() -> None:
    for path in sorted(codelists.DATA_DIR.glob("*.json")):
        text = path.read_text(encoding="utf-8")
        assert codelists.dump(json.loads(text)) == text, f"{path.name}: run it through codelists.dump"


def test_the_extensions_the_data_model_needs_are_there() -> None:
    forms = LISTS["pharos.form_of_exploitation"].code_set()
    assert {"ForcedMarriage", "IllegalAdoption", "SurrogacyExploitation", "CriminalActivities"} <= forms
    assert LISTS["eurostat.exploitation_form"].code_set() >= {"sexual", "labour", "other"}
    assert LISTS["eurostat.age_group"].code_set() >= {"Y_LT18", "Y_GE18"}
    assert LISTS["isic.section"].code_set() == set("ABCDEFGHIJKLMNOPQRSTU")
    assert LISTS["pharos.trafficking_event_type"].code_set() == {"Recruitment", "Transit", "Exploitation"}
    assert LISTS["pharos.victim_status"].code_set() == {"PossibleVictim", "ActualVictim", "NotAVictim"}


def test_eurostat_citizenship_groups_follow_the_eu_membership_in_force() -> None:
    from datetime import date

    groups = LISTS["eurostat.citizenship_group"]
    assert "EU28_FOR" in groups.code_set(on=date(2019, 6, 1))
    assert "EU28_FOR" not in groups.code_set(on=date(2021, 6, 1))
    assert "EU27_2020_FOR" in groups.code_set(on=date(2021, 6, 1))


def test_the_misspelt_unaquainted_of_the_standard_is_normalised_and_kept_as_alias() -> None:
    relationship = LISTS["htcds.vic_RelationshipToTrafficker"]
    assert relationship.code_set() == {"Familial", "Acquainted", "Unacquainted"}
    assert relationship.entry("Unacquainted").aliases == ("Unaquainted",)
    assert LISTS["htcds.vic_MethodsOfControl"].entry("DebtBondage").aliases == ("DebtBondage ",)


@pytest.mark.skipif(not HTCDS_ODS.exists(), reason="shared/reference/htcds is not beside the repository")
def test_every_htcds_picklist_of_the_standard_is_shipped_with_its_codes_and_english_labels() -> None:
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(str(HTCDS_ODS)).get_sheet_by_name("Field_Standards").to_python()
    header = [str(h) for h in sheet[0]]
    field, kind = header.index("Field Name including Prefix"), header.index("Field Type")
    names, labels = header.index("Value Names (if picklist)"), header.index("Value Labels (if picklist)")
    fixes = {"Unaquainted": "Unacquainted"}
    checked = 0
    for row in sheet[1:]:
        cells = [str(c) for c in row]
        if "Picklist" not in cells[kind] or not cells[names] or cells[names].startswith("Use ISO"):
            continue
        parsed = LISTS[f"htcds.{cells[field]}"]
        codes = [fixes.get(n.strip(), n.strip()) for n in cells[names].split("\n") if n.strip()]
        english = [
            fixes.get(t, t) for t in (x.replace("\xa0", " ").strip() for x in cells[labels].split("\n")) if t
        ]
        assert [c.code for c in parsed.codes] == codes
        assert [c.labels["en"] for c in parsed.codes] == english
        checked += 1
    assert checked == len([k for k in LISTS if k.startswith("htcds.")]) == 21


def test_a_broken_file_is_refused_with_the_reason() -> None:
    with pytest.raises(codelists.CodeListError, match="listed twice"):
        codelists.parse(
            b'{"key": "x.y", "valid_from": "2024-01-01", "codes": [{"code": "A"}, {"code": "A"}]}'
        )
    with pytest.raises(codelists.CodeListError, match="ISO date"):
        codelists.parse(b'{"key": "x.y", "valid_from": "1/1/2024", "codes": [{"code": "A"}]}')
    with pytest.raises(codelists.CodeListError, match="unknown mapping target"):
        codelists.parse(
            b'{"key": "x.y", "valid_from": "2024-01-01", "codes": [{"code": "A", "mappings": {"ilo": "x"}}]}'
        )
