"""CTDC-layout files made here from the published code lists (CTDC's own files may not be shipped).

The Global layout's codes come from Pharos's CTDC code-list files (``standards/data``), the
Victim-Perpetrator layout's from STANDARDS.md §3.4, independently of ``research.layouts``.
"""

import csv
import io
import json
import random
from pathlib import Path

import pytest

CODELISTS = Path(__file__).resolve().parents[2] / "standards" / "data" / "codelists"
GLOBAL_COLUMNS = [
    "yearOfRegistration",
    "gender",
    "ageBroad",
    "citizenship",
    "CountryOfExploitation",
    "traffickMonths",
    "meansDebtBondageEarnings",
    "meansThreats",
    "meansAbusePsyPhySex",
    "meansFalsePromises",
    "meansDrugsAlcohol",
    "meansDenyBasicNeeds",
    "meansExcessiveWorkHours",
    "meansWithholdDocs",
    "isForcedLabour",
    "isSexualExploit",
    "isOtherExploit",
    "typeOfLabourAgriculture",
    "typeOfLabourConstruction",
    "typeOfLabourDomesticWork",
    "typeOfLabourHospitality",
    "typeOfSexProstitution",
    "typeOfSexPornography",
    "recruiterRelationIntimatePartner",
    "recruiterRelationFriend",
    "recruiterRelationFamily",
    "recruiterRelationOther",
]
VP_COLUMNS = [
    "yearRegister",
    "gender",
    "majorityStatus",
    "isForcedLabour",
    "isSexualExploit",
    "UN_COO_Region",
    "UN_COE_Region",
    "IP_RecruiterBroker",
    "IP_TransactionProcess",
    "IP_ControlAbuseKidnap",
    "IP_Exploiter",
    "IP_Relation",
    "IP_Gender",
    "IP_ageBroad",
    "IP_citizen_UNRegion",
    "IP_PayMoney",
]
REGIONS = ["Africa", "Americas/Oceania", "Asia", "Europe"]


def _codes(key: str) -> list[str]:
    data = json.loads((CODELISTS / f"{key}.json").read_text(encoding="utf-8"))
    return [c["code"] for c in data["codes"]]


def global_rows(n: int, seed: int = 1) -> list[dict[str, str]]:
    pick = random.Random(seed)
    genders = _codes("ctdc.gender")
    ages = _codes("ctdc.age_broad")
    months = _codes("ctdc.traffick_months")
    rows = []
    for _ in range(n):
        row = {c: pick.choice(["1", ""]) for c in GLOBAL_COLUMNS[6:]}
        row.update(
            yearOfRegistration=str(pick.randint(2002, 2022)),
            gender=pick.choice([*genders, ""]),
            ageBroad=pick.choice([*ages, ""]),
            citizenship=pick.choice(["UKR", "PHL", "MDA", ""]),
            CountryOfExploitation=pick.choice(["USA", "RUS", "THA"]),
            traffickMonths=pick.choice([*months, ""]),
        )
        rows.append(row)
    return rows


def vp_rows(n: int, seed: int = 2) -> list[dict[str, str]]:
    pick = random.Random(seed)
    rows = []
    for _ in range(n):
        rows.append(
            {
                "yearRegister": pick.choice(["2005-2013", "2014-2018", "2019", "2020", "2021-2022", ""]),
                "gender": pick.choice(["Female", "Male", ""]),
                "majorityStatus": pick.choice(["Adult", "Minor", ""]),
                "isForcedLabour": pick.choice(["1", ""]),
                "isSexualExploit": pick.choice(["1", ""]),
                "UN_COO_Region": pick.choice(REGIONS),
                "UN_COE_Region": pick.choice(REGIONS),
                "IP_RecruiterBroker": pick.choice(["1", ""]),
                "IP_TransactionProcess": pick.choice(["1", ""]),
                "IP_ControlAbuseKidnap": pick.choice(["1", ""]),
                "IP_Exploiter": pick.choice(["1", ""]),
                "IP_Relation": pick.choice(
                    ["FamilyIntimatePartner", "FriendAcquaintance;StrangerUnknownOther"]
                ),
                "IP_Gender": pick.choice(["Male", "Female", "Female;Male"]),
                "IP_ageBroad": pick.choice(["0--29", "30--38", "39--47;48+", ""]),
                "IP_citizen_UNRegion": pick.choice(REGIONS),
                "IP_PayMoney": pick.choice(["Yes", "No", "No;Yes", ""]),
            }
        )
    return rows


def to_csv(columns: list[str], rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


@pytest.fixture
def ctdc_file(tmp_path: Path):
    """``make("global"|"vp", n, rows=None, name=...)``: a CSV of that layout."""

    def make(
        layout: str = "global", n: int = 30, rows: list[dict[str, str]] | None = None, name: str = ""
    ) -> Path:
        columns = GLOBAL_COLUMNS if layout == "global" else VP_COLUMNS
        data = rows if rows is not None else (global_rows(n) if layout == "global" else vp_rows(n))
        path = tmp_path / (name or f"ctdc-{layout}-{n}.csv")
        path.write_bytes(to_csv(columns, data))
        return path

    return make
