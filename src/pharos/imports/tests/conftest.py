import csv
import io
from pathlib import Path

import pytest

from pharos import testing
from pharos.standards.generator.engine import GeneratorConfig, generate


@pytest.fixture(autouse=True)
def _codes(db: None) -> None:
    testing.codelists()


@pytest.fixture
def generated(tmp_path: Path):
    """A generated HTCDS CSV of ``n`` rows (no duplicate reports, so every record_id is new)."""

    def make(n: int = 40, seed: int = 3, name: str = "cases.csv") -> Path:
        out, truth = io.StringIO(), io.StringIO()
        generate(GeneratorConfig(cases=n, seed=seed), out, truth)
        path = tmp_path / name
        # The generator draws "Surrogacy", which Pharos's list of forms does not have (yet).
        lines = [line for line in out.getvalue().splitlines(keepends=True) if "Surrogacy" not in line]
        text = "".join(lines)
        for row in csv.DictReader(io.StringIO(text)):  # the countries the rows name exist
            for column in ("prs_Citizenship", "vic_CountryOfExploitation", "org_ShippingCountry"):
                for code in filter(None, row[column].split(";")):  # citizenship may list several
                    testing.country(code)
        path.write_text(text, encoding="utf-8")
        return path

    return make
