"""Reference data: 250 countries with XK, regions whose membership changes with the date."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from pharos.audit.models import AuditEvent
from pharos.tenancy import reference
from pharos.tenancy.actions import reference_data_load
from pharos.tenancy.models import Country, Region, RegionMembership
from pharos.tenancy.queries import countries_in_region

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded() -> None:
    reference_data_load()


def codes(region: str, day: date) -> set[str]:
    return set(countries_in_region(region, on=day).values_list("code", flat=True))


def test_all_countries_are_loaded_with_names_in_five_languages(loaded: None) -> None:
    assert Country.objects.count() == 250
    france = Country.objects.get(code="FR")
    assert set(france.names) == {"en", "fr", "pt-br", "ru", "ar"}
    with translation.override("fr"):
        assert Country.objects.get(code="DE").name == "Allemagne"
    with translation.override("ar"):
        assert Country.objects.get(code="DE").name == "ألمانيا"


def test_kosovo_is_present_with_its_footnote(loaded: None) -> None:
    kosovo = Country.objects.get(code="XK")

    assert kosovo.name == "Kosovo"
    assert "UNSCR 1244" in kosovo.footnote
    assert "XK" in codes("SEE", date(2024, 1, 1))


def test_mali_left_ecowas_in_2025(loaded: None) -> None:
    assert "ML" in codes("ECOWAS", date(2024, 6, 1))
    assert "ML" not in codes("ECOWAS", date(2025, 6, 1))
    assert "NG" in codes("ECOWAS", date(2025, 6, 1))


def test_the_united_kingdom_left_the_eu_in_2020(loaded: None) -> None:
    assert "GB" in codes("EU", date(2019, 1, 1))
    assert "GB" not in codes("EU", date(2021, 1, 1))
    assert "HR" not in codes("EU", date(2013, 6, 30))
    assert "HR" in codes("EU", date(2013, 7, 1))
    assert len(codes("EU", date(2021, 1, 1))) == 27


def test_every_grouping_of_the_issue_is_there(loaded: None) -> None:
    assert set(Region.objects.values_list("code", flat=True)) >= {"SEE", "EU", "ECOWAS", "SILK", "MED", "SAM"}


def test_loading_twice_changes_nothing(loaded: None) -> None:
    before = list(RegionMembership.objects.order_by("pk").values())
    events = AuditEvent.objects.filter(action="tenancy.reference.loaded").count()

    result = reference_data_load()

    assert not result.changed
    assert list(RegionMembership.objects.order_by("pk").values()) == before
    assert AuditEvent.objects.filter(action="tenancy.reference.loaded").count() == events == 1


def test_a_changed_file_updates_names_and_memberships(loaded: None, tmp_path: Path) -> None:
    countries = json.loads(reference.COUNTRIES_FILE.read_text(encoding="utf-8"))
    for entry in countries["countries"]:
        if entry["code"] == "MK":
            entry["names"]["en"] = "North Macedonia (renamed in test)"
    regions = json.loads(reference.REGIONS_FILE.read_text(encoding="utf-8"))
    see = next(r for r in regions["regions"] if r["code"] == "SEE")
    see["members"] = [m for m in see["members"] if m[0] != "SI"] + [["HU", "2030-01-01"]]
    (tmp_path / "c.json").write_text(json.dumps(countries), encoding="utf-8")
    (tmp_path / "r.json").write_text(json.dumps(regions), encoding="utf-8")

    result = reference_data_load(countries_file=tmp_path / "c.json", regions_file=tmp_path / "r.json")

    assert result.updated["countries"] == 1
    assert result.created["countries"] == 0
    assert result.created["memberships"] == 1
    assert result.removed["memberships"] == 1
    assert Country.objects.get(code="MK").name == "North Macedonia (renamed in test)"
    assert "SI" not in codes("SEE", date(2024, 1, 1))
    assert "HU" not in codes("SEE", date(2029, 12, 31))
    assert "HU" in codes("SEE", date(2030, 1, 1))


def test_a_region_naming_an_unknown_country_is_refused(tmp_path: Path) -> None:
    (tmp_path / "r.json").write_text(
        json.dumps({"regions": [{"code": "BAD", "names": {"en": "Bad"}, "members": [["ZZ"]]}]}),
        encoding="utf-8",
    )

    with pytest.raises(reference.ReferenceDataError, match="ZZ"):
        reference_data_load(regions_file=tmp_path / "r.json")
    assert not Country.objects.exists()  # nothing half-loaded


def test_the_command_loads_then_says_it_is_up_to_date(tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("reference", "load", stdout=out)
    assert "created 250 countries" in out.getvalue()

    out = io.StringIO()
    call_command("reference", "load", stdout=out)
    assert "already up to date" in out.getvalue()

    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match="not loaded"):
        call_command("reference", "load", "--regions", str(tmp_path / "broken.json"))
