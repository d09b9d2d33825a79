"""Loading the code lists: idempotent, versioned, and never rewriting what records hold."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from pharos.audit.models import AuditEvent
from pharos.standards import actions, codelists, queries
from pharos.standards.models import Code, CodeList

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 1)


def _copy(tmp_path: Path, *keys: str) -> Path:
    for key in keys:
        shutil.copy(codelists.DATA_DIR / f"{key}.json", tmp_path / f"{key}.json")
    return tmp_path


def _edit(folder: Path, key: str, change) -> None:
    path = folder / f"{key}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(codelists.dump(data), encoding="utf-8")


def test_loading_the_shipped_files_twice_changes_nothing_the_second_time() -> None:
    first = actions.codelists_load(today=DAY)
    assert first.changed
    assert len(first.lists_created) == len(codelists.read_all())
    rows_before = list(Code.objects.order_by("pk").values())
    events_before = AuditEvent.objects.count()

    second = actions.codelists_load(today=DAY)

    assert not second.changed
    assert second.codes_unchanged == first.codes_created
    assert list(Code.objects.order_by("pk").values()) == rows_before
    assert AuditEvent.objects.count() == events_before  # nothing changed, nothing to audit


def test_a_load_that_changes_something_is_audited_with_what_changed() -> None:
    actions.codelists_load(today=DAY)
    event = AuditEvent.objects.get(action="standards.codelists.loaded")
    assert event.data["codes_created"] == Code.objects.count()
    assert "htcds.vic_TypeOfExploitation" in event.data["lists"]


def test_a_changed_label_is_updated_in_place(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "htcds.vic_TraffickingStatus")
    actions.codelists_load(directory=folder, today=DAY)

    def relabel(data: dict) -> None:
        data["codes"][0]["labels"]["fr"] = "Victime présumée de la traite"

    _edit(folder, "htcds.vic_TraffickingStatus", relabel)
    report = actions.codelists_load(directory=folder, today=DAY)

    assert report.codes_updated == 1
    assert report.codes_created == 0
    assert report.codes_closed == 0
    assert queries.label("htcds.vic_TraffickingStatus", "PossibleVictimOfTrafficking", "fr") == (
        "Victime présumée de la traite"
    )
    assert Code.objects.filter(code="PossibleVictimOfTrafficking").count() == 1


def test_a_code_removed_from_its_file_is_closed_not_deleted_and_old_records_still_read(
    tmp_path: Path,
) -> None:
    folder = _copy(tmp_path, "htcds.vic_TypeOfExploitation")
    actions.codelists_load(directory=folder, today=date(2025, 1, 1))
    stored_record_value = "Surrogacy"  # what a case recorded in 2025 holds

    _edit(
        folder,
        "htcds.vic_TypeOfExploitation",
        lambda data: data.update(codes=[c for c in data["codes"] if c["code"] != "Surrogacy"]),
    )
    report = actions.codelists_load(directory=folder, today=DAY)

    assert report.codes_closed == 1
    row = Code.objects.get(code="Surrogacy")
    assert row.valid_to == date(2026, 2, 28)
    on_day = [c.code for c in queries.codes("htcds.vic_TypeOfExploitation", on=DAY)]
    assert "Surrogacy" not in on_day
    before = [c.code for c in queries.codes("htcds.vic_TypeOfExploitation", on=date(2025, 6, 1))]
    assert "Surrogacy" in before
    assert queries.label("htcds.vic_TypeOfExploitation", stored_record_value, "en") == "Surrogacy"
    assert (
        queries.label("htcds.vic_TypeOfExploitation", stored_record_value, "ru") == "Суррогатное материнство"
    )
    # Loading again does not move the closing date.
    assert not actions.codelists_load(directory=folder, today=date(2026, 6, 1)).changed
    assert Code.objects.get(code="Surrogacy").valid_to == date(2026, 2, 28)


def test_a_code_put_back_later_starts_a_new_version_and_keeps_the_old_one(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "htcds.hte_Type")
    actions.codelists_load(directory=folder, today=date(2025, 1, 1))

    def reopen(data: dict) -> None:
        transit = next(c for c in data["codes"] if c["code"] == "Transit")
        transit["valid_from"] = "2026-01-01"
        transit["labels"]["en"] = "Transit or transfer"

    _edit(folder, "htcds.hte_Type", reopen)
    report = actions.codelists_load(directory=folder, today=date(2026, 1, 1))

    assert report.codes_created == 1
    assert report.codes_closed == 1
    versions = list(
        Code.objects.filter(code="Transit").order_by("valid_from").values_list("valid_to", flat=True)
    )
    assert versions == [date(2025, 12, 31), None]
    assert queries.label("htcds.hte_Type", "Transit", "en", on=date(2024, 6, 1)) == "Transit"
    assert queries.label("htcds.hte_Type", "Transit", "en") == "Transit or transfer"


def test_a_whole_file_removed_closes_its_codes_and_keeps_the_list(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "htcds.hte_Type", "htcds.cas_Status")
    actions.codelists_load(directory=folder, today=date(2025, 1, 1))
    (folder / "htcds.cas_Status.json").unlink()

    report = actions.codelists_load(directory=folder, today=DAY)

    assert report.codes_closed == 4
    assert CodeList.objects.filter(key="htcds.cas_Status").exists()
    assert queries.codes("htcds.cas_Status", on=DAY) == []
    assert queries.label("htcds.cas_Status", "ClosedReferred", "pt-br") == "Encerrado – encaminhado"


def test_labels_come_in_the_language_asked_for_with_english_as_fallback() -> None:
    actions.codelists_load(today=DAY)
    assert queries.label("htcds.vic_TypeOfExploitation", "ForcedLabour", "ar") == "العمل القسري"
    assert queries.label("htcds.vic_TypeOfExploitation", "ForcedLabour", "fr") == "Travail forcé"
    assert queries.label("htcds.vic_TypeOfExploitation", "ForcedLabour", "pt_BR") == "Trabalho forçado"
    assert queries.label("htcds.vic_TypeOfExploitation", "ForcedLabour", "ru") == "Принудительный труд"
    assert queries.label("htcds.vic_TypeOfExploitation", "ForcedLabour", "de") == "Forced labour"
    assert queries.label("htcds.vic_TypeOfExploitation", "NoSuchCode", "ar") == "NoSuchCode"
    choices = queries.codes("htcds.vic_TraffickingStatus", on=DAY, language="ar")
    assert [c.label for c in choices] == [
        "ضحية محتملة للاتجار بالبشر",
        "ضحية فعلية للاتجار بالبشر",
        "ليس ضحية للاتجار بالبشر",
    ]


def test_forms_of_exploitation_map_to_eurostats_sexual_labour_and_other_groups() -> None:
    actions.codelists_load(today=DAY)
    htcds = "htcds.vic_TypeOfExploitation"
    assert queries.map_code(htcds, "SexualExploitation", to="eurostat") == "sexual"
    assert queries.map_code(htcds, "ForcedLabour", to="eurostat") == "labour"
    assert queries.map_code(htcds, "OrganRemoval", to="eurostat") == "other"
    assert queries.map_code(htcds, "ForcedMarriage", to="ctdc") == "isOtherExploit"
    pharos = "pharos.form_of_exploitation"
    assert queries.map_code(pharos, "IllegalAdoption", to="eurostat") == "other"
    assert queries.map_code(pharos, "IllegalAdoption", to="htcds") == "ForcedAdoption"
    assert queries.map_code(pharos, "CriminalActivities", to="unodc") == "criminal_activity"
    assert queries.map_code("htcds.prs_Gender", "TransgenderFeminine", to="eurostat") is None
    with pytest.raises(queries.UnknownCode):
        queries.map_code(htcds, "NoSuchCode", to="eurostat")
    with pytest.raises(ValueError, match="Mapping target"):
        queries.map_code(htcds, "ForcedLabour", to="ilo")


def test_values_from_old_files_resolve_to_codes() -> None:
    actions.codelists_load(today=DAY)
    assert queries.resolve("htcds.vic_RelationshipToTrafficker", "Unaquainted") == "Unacquainted"
    assert queries.resolve("htcds.vic_MethodsOfControl", "DebtBondage ") == "DebtBondage"
    assert queries.resolve("htcds.vic_TypeOfExploitation", "forced labour") == "ForcedLabour"
    assert queries.resolve("htcds.vic_TypeOfExploitation", "slavery") is None


def test_the_codelists_command_loads_and_shows(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("codelists", "load")
    call_command("codelists", "load")
    call_command("codelists", "show", "htcds.vic_TypeOfExploitation", "--language", "fr")
    out = capsys.readouterr().out
    assert "Code lists loaded" in out
    assert "already up to date" in out
    assert "Travail forcé" in out
    assert "eurostat=labour" in out
    assert "[mapping unverified]" in out


def test_the_codelists_command_refuses_an_unknown_list() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No code list"):
        call_command("codelists", "show", "htcds.nothing")
