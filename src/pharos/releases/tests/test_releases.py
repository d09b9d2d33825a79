"""Releases end to end: built by a job, approved by someone else, published, never changed;
the ledger refuses a release beyond the budget; the portal shows published releases only."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from pharos import testing
from pharos.audit.models import AuditEvent
from pharos.cases import actions as case_actions
from pharos.jobs import runner
from pharos.jobs.models import Job
from pharos.releases import actions
from pharos.releases.dp import BudgetExceeded
from pharos.releases.models import ImmutableRelease, PrivacyLedger, Release, ReleaseFile, Status
from pharos.tenancy.access import resolve_acting, set_acting

pytestmark = pytest.mark.django_db


def acting(user):
    set_acting(user, resolve_acting(user, None))
    return user


@pytest.fixture
def world(cast):
    testing.codelists()
    testing.country("DE")
    statistician = testing.member(cast.org_a, "statistician", email="stats@a.example.org")
    coordinator = testing.member(cast.org_a, "national_coordinator", email="coord@a.example.org")
    for n in range(40):
        case_actions.case_register(
            actor=acting(cast.owner),
            organisation=cast.org_a,
            new_person={
                "first_name": f"P{n}",
                "gender": "Feminine" if n % 3 else "Masculine",
                "citizenships": ["MK" if n % 4 else "DE"],
            },
            facts={
                "registered_on": datetime.date(2024 + n % 2, 3, 1),
                "age_at_identification": 15 + n,
                "country_of_exploitation": "MK",
                "forms_of_exploitation": ["SexualExploitation"] if n % 2 else ["ForcedLabour"],
            },
            decision={
                "status": "ActualVictim",
                "decision_org_type": "NGO",
                "decided_on": datetime.date(2024, 3, 1),
            },
        )
    return {"cast": cast, "statistician": statistician, "coordinator": coordinator}


def built(user, method="suppression", **parameters) -> Release:
    release = actions.release_start(
        actor=acting(user), title="Victims 2024", method=method, parameters=parameters, enqueue=False
    )
    runner.execute(Job.objects.unscoped("test").get(pk=release.job_id))
    return Release.objects.unscoped("test").get(pk=release.pk)


def test_a_release_is_built_approved_by_someone_else_and_published(world, client_for) -> None:
    release = built(world["statistician"], threshold=10, rounding_base=5)
    assert release.status == Status.BUILT
    assert {f.name for f in release.files.all()} >= {
        "tables.csv",
        "tables.xlsx",
        "tables.json",
        "tables.sdmx.csv",
    }
    assert len(release.content_hash) == 64
    with pytest.raises(actions.ReleaseRefused):
        actions.release_publish(actor=acting(world["coordinator"]), release=release)  # not approved yet
    release = actions.release_approve(actor=acting(world["coordinator"]), release=release)
    release = actions.release_publish(actor=acting(world["coordinator"]), release=release)
    assert release.status == Status.PUBLISHED
    events = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"releases.release.built", "releases.release.approved", "releases.release.published"} <= events
    page = client_for(world["statistician"]).get(reverse("releases:detail", args=[release.public_id]))
    assert "Victims 2024" in page.content.decode()


def test_the_builder_cannot_approve_their_own_release(world) -> None:
    coordinator = world["coordinator"]
    # a coordinator may also build when granted; here the statistician builds, then tries to review
    release = built(world["statistician"])
    with pytest.raises(PermissionDenied):  # a statistician holds no releases.review
        actions.release_approve(actor=acting(world["statistician"]), release=release)
    release.built_by = coordinator
    release.save()
    with pytest.raises(actions.ReleaseRefused):
        actions.release_approve(actor=acting(coordinator), release=release)


def test_a_published_release_never_changes(world) -> None:
    release = built(world["statistician"])
    actions.release_approve(actor=acting(world["coordinator"]), release=release)
    release = actions.release_publish(actor=acting(world["coordinator"]), release=release)
    with pytest.raises(ImmutableRelease):
        actions.release_change(actor=acting(world["statistician"]), release=release, title="Changed")
    with pytest.raises(ImmutableRelease):
        actions.release_publish(actor=acting(world["coordinator"]), release=release)
    release.title = "Changed"
    with pytest.raises(ImmutableRelease):
        release.save()
    with pytest.raises(ImmutableRelease):
        release.delete()
    stored = release.files.first()
    stored.content = b"forged"
    with pytest.raises(ImmutableRelease):
        stored.save()
    with pytest.raises(ImmutableRelease):
        ReleaseFile.objects.get(pk=stored.pk).delete()
    fresh = Release.objects.unscoped("test").get(pk=release.pk)
    assert fresh.title == "Victims 2024"
    assert fresh.status == Status.PUBLISHED


def test_the_ledger_refuses_a_release_beyond_the_budget(world, settings) -> None:
    settings.PHAROS_DP_EPSILON_BUDGET = 5.0
    first = built(world["statistician"], "dp", epsilon=4.0, seed=1)
    assert first.status == Status.BUILT
    assert first.summary["privacy"]["epsilon"] == 4.0
    assert not first.files.get(name="utility.json").public
    ledger = PrivacyLedger.objects.unscoped("test").get(organisation=world["cast"].org_a)
    spent = ledger.spent_rho
    second = built(world["statistician"], "dp", epsilon=4.0, seed=2)
    assert second.status == Status.FAILED
    assert not second.files.exists()
    ledger.refresh_from_db()
    assert ledger.spent_rho == spent
    with pytest.raises(BudgetExceeded):
        actions.ledger_spend(actor=world["statistician"], ledger=ledger, epsilon=4.0, release=None)


def test_a_synthetic_release_has_ctdc_microdata(world) -> None:
    release = built(world["statistician"], "synthetic", epsilon=8.0, seed=3)
    assert release.status == Status.BUILT
    header = bytes(release.files.get(name="synthetic.csv").content).decode("utf-8-sig").splitlines()
    columns = next(line for line in header if not line.startswith("#"))
    assert columns.startswith("yearOfRegistration,gender,ageBroad,citizenship")
    report = json.loads(bytes(release.files.get(name="utility.json").content))
    assert report["synthetic"]["lengths"]["1"]["true_combinations"] > 0


def test_the_public_portal_shows_published_releases_only(world, client) -> None:
    draft = built(world["statistician"])
    draft.title = "Draft"
    draft.save()
    published = built(world["statistician"])
    actions.release_approve(actor=acting(world["coordinator"]), release=published)
    actions.release_publish(actor=acting(world["coordinator"]), release=published)
    page = client.get(reverse("publications:portal")).content.decode()
    assert "Victims 2024" in page
    assert "Draft" not in page
    assert client.get(reverse("publications:detail", args=[draft.public_id])).status_code == 404
    assert client.get(reverse("publications:file", args=[draft.public_id, "tables.csv"])).status_code == 404
    detail = client.get(reverse("publications:detail", args=[published.public_id]))
    assert detail.status_code == 200
    csv_file = client.get(reverse("publications:file", args=[published.public_id, "tables.csv"]))
    assert csv_file.status_code == 200
    assert b"year_sex" in csv_file.content
    # Citizenship and the form of exploitation by year and age are in every release's set.
    for key in (b"citizenship_sex", b"year_form", b"form_age"):
        assert key in csv_file.content
    assert "Registered victims by citizenship and sex" in detail.content.decode()


def test_internal_files_are_not_public(world, client) -> None:
    release = built(world["statistician"], "dp", epsilon=4.0, seed=5)
    actions.release_approve(actor=acting(world["coordinator"]), release=release)
    actions.release_publish(actor=acting(world["coordinator"]), release=release)
    assert (
        client.get(reverse("publications:file", args=[release.public_id, "utility.json"])).status_code == 404
    )
    assert (
        client.get(reverse("publications:file", args=[release.public_id, "aggregates.csv"])).status_code
        == 200
    )


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_yearbook_is_a_pdf_in_the_reader_language(world, client, language) -> None:
    release = built(world["statistician"])
    actions.release_approve(actor=acting(world["coordinator"]), release=release)
    actions.release_publish(actor=acting(world["coordinator"]), release=release)
    response = client.get(
        reverse("publications:yearbook", args=[release.public_id]), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_command_line_release_from_a_generated_file(tmp_path) -> None:
    source = tmp_path / "cases.csv"
    call_command("generate", "--cases", "400", "--seed", "3", "--out", str(source), "--quiet")
    out = tmp_path / "release"
    call_command(
        "release", "--method", "synthetic", "--epsilon", "6", "--input", str(source), "--out", str(out)
    )
    names = {p.name for p in out.iterdir()}
    assert {"tables.csv", "aggregates.csv", "synthetic.csv", "utility.json", "summary.json"} <= names


def test_pages_build_review_and_publish(world, client_for, django_capture_on_commit_callbacks) -> None:
    statistician = client_for(world["statistician"])
    with django_capture_on_commit_callbacks(execute=True):
        response = statistician.post(
            reverse("releases:new"),
            {"title": "From the page", "method": "suppression", "threshold": 10, "rounding_base": 3},
        )
    release = Release.objects.unscoped("test").get(title="From the page")
    assert response.status_code == 302
    assert release.status == Status.BUILT  # the job ran (immediate task backend in tests)
    listing = statistician.get(reverse("releases:list")).content.decode()
    assert "From the page" in listing
    assert statistician.post(reverse("releases:approve", args=[release.public_id])).status_code == 403
    coordinator = client_for(world["coordinator"])
    coordinator.post(reverse("releases:approve", args=[release.public_id]))
    coordinator.post(reverse("releases:publish", args=[release.public_id]))
    release.refresh_from_db()
    assert release.status == Status.PUBLISHED
    assert "From the page" in coordinator.get(reverse("publications:portal")).content.decode()


def test_the_dp_form_needs_an_epsilon(world, client_for) -> None:
    response = client_for(world["statistician"]).post(
        reverse("releases:new"), {"title": "DP", "method": "dp", "threshold": 10, "rounding_base": 5}
    )
    assert response.status_code == 200
    assert not Release.objects.unscoped("test").filter(title="DP").exists()


def test_ctdc_columns_match_the_export_layout() -> None:
    from pharos.exports.formats import CTDC_COLUMNS
    from pharos.releases import ctdc

    assert ctdc.CTDC_COLUMNS == CTDC_COLUMNS


def test_only_a_reviewer_sets_the_budget_and_never_below_what_is_spent(world) -> None:
    with pytest.raises(PermissionDenied):
        actions.ledger_set_budget(actor=acting(world["statistician"]), epsilon=20.0, delta=1e-6)
    ledger = actions.ledger_set_budget(actor=acting(world["coordinator"]), epsilon=6.0, delta=1e-6)
    actions.ledger_spend(actor=world["coordinator"], ledger=ledger, epsilon=4.0, release=None)
    with pytest.raises(actions.ReleaseRefused):
        actions.ledger_set_budget(actor=acting(world["coordinator"]), epsilon=2.0, delta=1e-6)
    assert AuditEvent.objects.filter(action="releases.budget.changed").count() == 1


def test_a_person_with_several_cases_counts_once(world) -> None:
    """One row per person: the first registration's year and age, every case's forms of exploitation."""
    from pharos.releases import build, presentation, queries

    owner = acting(world["cast"].owner)
    facts = {"age_at_identification": 30, "country_of_exploitation": "MK"}
    decision = {"status": "ActualVictim", "decision_org_type": "NGO", "decided_on": datetime.date(2024, 3, 1)}
    later = case_actions.case_register(
        actor=owner,
        organisation=world["cast"].org_a,
        new_person={"first_name": "Twice", "gender": "Feminine", "citizenships": ["DE"]},
        facts={
            **facts,
            "registered_on": datetime.date(2025, 6, 1),
            "forms_of_exploitation": ["ForcedLabour"],
        },
        decision=decision,
    )
    case_actions.case_register(
        actor=owner,
        organisation=world["cast"].org_a,
        person=later.person,
        facts={
            **facts,
            "registered_on": datetime.date(2023, 1, 1),
            "forms_of_exploitation": ["SexualExploitation"],
        },
        decision={**decision, "status": "PossibleVictim"},
    )
    rows = list(queries.ctdc_rows(acting(world["statistician"])))
    assert len(rows) == 41  # the world's 40 persons, and this one once for two cases
    twice = [r for r in rows if r["yearOfRegistration"] == "2023"]  # the world registers in 2024-25
    assert len(twice) == 1
    assert twice[0]["isForcedLabour"] == "1"
    assert twice[0]["isSexualExploit"] == "1"
    assert twice[0]["status"] == "identified"  # presumed first, identified later: identified
    assert sum(r["yearOfRegistration"] == "2025" for r in rows) == 20  # the world's 20, not the later case

    release = built(world["statistician"], "dp", epsilon=4.0, seed=5)
    assert release.summary["records"] == 41
    assert release.summary["privacy"]["unit"] == build.PERSON_UNIT
    by_status = next(t for t in release.summary["tables"] if t["key"] == "year_status")
    assert by_status["dimensions"] == ["yearOfRegistration", "status"]
    assert any("Each person is counted once" in line for line in presentation.privacy_lines(release.summary))


def _justice_records(world) -> None:
    """Three suspects: a man prosecuted and convicted (sexual exploitation), a woman prosecuted for
    forced labour (pending), a man under investigation with no form recorded."""
    from pharos.cases.models import Defendant

    org = world["cast"].org_a
    police = acting(testing.member(org, "law_enforcement", email="police@a.example.org"))
    convicted = case_actions.suspect_register(actor=police, organisation=org, values={"sex": "male"})
    pending = case_actions.suspect_register(actor=police, organisation=org, values={"sex": "female"})
    investigated = case_actions.suspect_register(actor=police, organisation=org, values={"sex": "male"})
    trial = case_actions.proceeding_record(
        actor=police,
        organisation=org,
        values={"stage": "trial", "forms_of_exploitation": ["SexualExploitation"]},
        suspects=[convicted],
    )
    case_actions.defendant_outcome_record(
        actor=police,
        defendant=Defendant.objects.unscoped("test").get(proceeding=trial),
        values={"outcome": "convicted", "decided_on": datetime.date(2025, 9, 1)},
    )
    case_actions.proceeding_record(
        actor=police,
        organisation=org,
        values={"stage": "prosecution", "forms_of_exploitation": ["ForcedLabour"]},
        suspects=[pending],
    )
    case_actions.proceeding_record(
        actor=police, organisation=org, values={"stage": "investigation"}, suspects=[investigated]
    )


def _cells(release: Release, key: str) -> dict[tuple[str, ...], int | None]:
    table = next(t for t in release.summary["tables"] if t["key"] == key)
    return {tuple(row[:-1]): row[-1] for row in table["rows"]}


def test_justice_tables_count_suspects_by_stage_sex_and_form(world) -> None:
    _justice_records(world)
    release = built(world["statistician"], threshold=1, rounding_base=1)  # nothing hidden: exact counts
    by_sex = _cells(release, "offenders_sex")
    assert by_sex[("stageSuspected", "M")] == 2
    assert by_sex[("stageSuspected", "F")] == 1
    assert by_sex[("stageProsecuted", "M")] == 1
    assert by_sex[("stageProsecuted", "F")] == 1
    assert by_sex[("stageConvicted", "M")] == 1
    assert by_sex[("stageConvicted", "F")] == 0
    assert by_sex[("stageSuspected", "_T")] == 3  # persons at the stage
    by_form = _cells(release, "offenders_form")
    assert by_form[("stageConvicted", "offenceSexual")] == 1
    assert by_form[("stageProsecuted", "offenceLabour")] == 1
    assert by_form[("stageSuspected", "offenceUnknown")] == 1

    hidden = built(world["statistician"], threshold=10, rounding_base=1)
    assert _cells(hidden, "offenders_sex")[("stageSuspected", "M")] is None  # 2 < 10: suppressed
    without = built(world["statistician"], threshold=10, rounding_base=1, justice=False)
    assert not any(t["key"].startswith("offenders") for t in without.summary["tables"])


def test_dp_justice_tables_take_their_share_of_the_budget(world) -> None:
    from pharos.releases import justice, presentation

    _justice_records(world)
    release = built(world["statistician"], "dp", epsilon=4.0, seed=7)
    measured = release.summary["privacy"]["justice"]
    assert measured["budget_share"] == justice.JUSTICE_SHARE
    assert release.summary["privacy"]["budget_share"] == 1 - justice.JUSTICE_SHARE  # the victims' part
    by_sex = _cells(release, "offenders_sex")
    assert len([k for k in by_sex if "_T" not in k]) == 9  # every cell of the public domain, noisy
    assert all(v is not None and v >= 0 for v in by_sex.values())
    assert any(
        "criminal-justice tables count suspects" in line
        for line in presentation.privacy_lines(release.summary)
    )
    ledger = PrivacyLedger.objects.unscoped("test").get(organisation=world["cast"].org_a)
    assert ledger.spent_rho == pytest.approx(release.summary["privacy"]["rho"])  # one spend for both


def test_release_tables_name_sexes_and_countries_in_the_reader_language(world) -> None:
    from django.utils import translation

    from pharos.releases import presentation

    release = built(world["statistician"], threshold=1, rounding_base=1)
    with translation.override("ar"):
        shown = presentation.tables_for_display(release.summary)
        by_sex = next(t for t in shown if t["key"] == "year_sex")
        assert {"امرأة", "رجل"} <= {label for row in by_sex["rows"] for label in row["labels"]}
    assert presentation.code_label("MKD", "citizenship") == "North Macedonia"
    with translation.override("fr"):
        assert presentation.code_label("DEU", "CountryOfExploitation") == "Allemagne"
        assert presentation.code_label("Woman", "gender") == "Femme"
