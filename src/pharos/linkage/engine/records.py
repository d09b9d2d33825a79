"""Reading person records (the CLI contract) into DuckDB and deriving what linkage compares.

Input: CSV, UTF-8, a header row with ``record_id`` and the HTCDS person fields
``prs_FirstName, prs_SecondName, prs_Birthdate`` (ISO date), ``prs_Gender,
prs_Citizenship`` (ISO 3166 alpha-2, ``;`` between several); any value may be empty.
Optional case context, used when the columns are there: ``vic_CountryOfExploitation``
and ``vic_AgeAtIdentification`` (see ADR 0007 for why, and for the caveat). Optional HTCDS
person fields, compared when the column is there and holds values: ``prs_IdentityNumber``
(an identity or travel document number) and the mailing address ``prs_MailingStreet``,
``prs_MailingCity``, ``prs_MailingPostalCode``, ``prs_MailingState``.

``load`` validates the file and creates the table ``records`` with one row per input row:

==============  ===========================================================================
unique_id       the input ``record_id`` (text)
first, surname  ``names.fold`` of the two name fields (NULL when empty)
first_key …     ``names.key`` of each (NULL when empty); ``full_name`` and ``full_key``
                join the two (NULL unless both are there)
dob             ISO date text; ``dob_swap`` the same date with day and month swapped
                when both are 12 or less (a common keying error), ``birth_year``
gender          ``F``, ``M`` or the HTCDS code; NULL for unknown
cit             the citizenships sorted and joined by ``;``; ``cit1`` the first given;
                ``cits`` the list
coe, age        country of exploitation and age at identification (context, optional)
idnum           the identity number, upper case, letters and digits only (optional)
street, city    the folded street line and city, ``postcode`` letters and digits, ``state``
                (optional; each only when its column holds values)
==============  ===========================================================================
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from pharos.linkage.engine import names

REQUIRED = ("record_id", "prs_FirstName", "prs_SecondName", "prs_Birthdate", "prs_Gender", "prs_Citizenship")
CONTEXT = ("vic_CountryOfExploitation", "vic_AgeAtIdentification")
# Optional HTCDS person fields → the derived column each becomes.
OPTIONAL = {
    "prs_IdentityNumber": "idnum",
    "prs_MailingStreet": "street",
    "prs_MailingCity": "city",
    "prs_MailingPostalCode": "postcode",
    "prs_MailingState": "state",
}
_GENDER_UNKNOWN = ("", "nonspecifiedunknown", "unknown", "u", "x")


class InputError(ValueError):
    """The input cannot be linked as it is; the message says what to fix."""


@dataclass(frozen=True)
class Loaded:
    """What ``load`` found: row count and whether the optional context columns are usable."""

    rows: int
    context: bool
    extra: tuple[str, ...] = ()  # the derived optional columns that hold values (``OPTIONAL``)


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def read_header(path: Path) -> list[str]:
    """The column names of a CSV file, or ``InputError`` when it has none."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        first = handle.readline()
    if not first.strip():
        raise InputError(f"{path}: the file is empty (a header row with {', '.join(REQUIRED)} is needed)")
    import csv

    return [c.strip() for c in next(csv.reader([first]))]


def _raw_relation(con: duckdb.DuckDBPyConnection, path: Path, columns: Sequence[str]) -> None:
    header = read_header(path)
    missing = [c for c in columns if c not in header]
    if missing:
        raise InputError(
            f"{path}: missing column(s) {', '.join(missing)}; the header must name {', '.join(columns)}"
        )
    wanted = [c for c in (*columns, *CONTEXT, *OPTIONAL) if c in header]
    select = ", ".join(f'nullif(trim("{c}"), \'\') AS "{c}"' for c in wanted)
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE raw AS SELECT {select} FROM read_csv({_quote(path)}, "  # noqa: S608 - column names come from the header and are quoted
            "header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"')"
        )
    except duckdb.Error as exc:
        raise InputError(f"{path}: not a readable CSV file ({str(exc).splitlines()[0]})") from exc


def _raw_from_arrow(con: duckdb.DuckDBPyConnection, table: pa.Table, columns: Sequence[str]) -> None:
    """The ``raw`` table from in-memory rows, as ``_raw_relation`` makes it from a CSV file."""
    missing = [c for c in columns if c not in table.column_names]
    if missing:
        raise InputError(f"the records lack the column(s) {', '.join(missing)}")
    wanted = [c for c in (*columns, *CONTEXT, *OPTIONAL) if c in table.column_names]
    select = ", ".join(f'nullif(trim(CAST("{c}" AS VARCHAR)), \'\') AS "{c}"' for c in wanted)
    con.register("raw_arrow", table)
    con.execute(f"CREATE OR REPLACE TEMP TABLE raw AS SELECT {select} FROM raw_arrow")  # noqa: S608 - known column names
    con.unregister("raw_arrow")


def _check(con: duckdb.DuckDBPyConnection, path: Path | pa.Table) -> int:
    label = str(path) if isinstance(path, Path) else "the records"
    rows = con.execute("SELECT count(*) FROM raw").fetchall()[0][0]
    if rows == 0:
        raise InputError(f"{label}: the file has a header but no records")
    blank = con.execute("SELECT count(*) FROM raw WHERE record_id IS NULL").fetchall()[0][0]
    if blank:
        raise InputError(f"{label}: {blank:,} row(s) have no record_id")
    dupes = con.execute(
        "SELECT record_id FROM raw GROUP BY record_id HAVING count(*) > 1 ORDER BY record_id LIMIT 5"
    ).fetchall()
    if dupes:
        raise InputError(f"{label}: record_id must be unique; repeated: {', '.join(r[0] for r in dupes)}")
    bad = con.execute(
        """SELECT record_id, prs_Birthdate FROM raw
           WHERE prs_Birthdate IS NOT NULL
             AND (NOT regexp_full_match(prs_Birthdate, '\\d{4}-\\d{2}-\\d{2}')
                  OR try_cast(prs_Birthdate AS DATE) IS NULL)
           ORDER BY record_id LIMIT 5"""
    ).fetchall()
    if bad:
        shown = "; ".join(f"{rid}: {value!r}" for rid, value in bad)
        raise InputError(
            f"{label}: prs_Birthdate must be an ISO date (YYYY-MM-DD) or empty; bad values: {shown}"
        )
    return int(rows)


def _name_table(con: duckdb.DuckDBPyConnection, columns: Sequence[str]) -> None:
    union = " UNION ".join(f'SELECT DISTINCT "{c}" AS raw FROM raw WHERE "{c}" IS NOT NULL' for c in columns)  # noqa: S608 - fixed column names
    distinct = [r[0] for r in con.execute(union).fetchall()]
    folded, keys = [], []
    for value in distinct:
        f, k = names.forms(value)
        folded.append(f or None)
        keys.append(k or None)
    table = pa.table({"raw": distinct, "folded": folded, "nkey": keys})
    con.register("name_forms_arrow", table)
    con.execute("CREATE OR REPLACE TEMP TABLE name_forms AS SELECT * FROM name_forms_arrow")
    con.unregister("name_forms_arrow")


def load(
    con: duckdb.DuckDBPyConnection, path: Path | pa.Table, *, use_context: bool = True, table: str = "records"
) -> Loaded:
    """Validate ``path`` and create ``table`` (see the module docstring); ``InputError`` if unusable.

    ``path`` may also be an Arrow table with the CSV's columns (as text): a job that decrypts
    records hands them over in memory, so no plaintext file is ever written.
    """
    if isinstance(path, pa.Table):
        _raw_from_arrow(con, path, REQUIRED)
    else:
        _raw_relation(con, path, REQUIRED)
    rows = _check(con, path)
    raw_columns = {r[0] for r in con.execute("DESCRIBE raw").fetchall()}
    context = use_context and all(c in raw_columns for c in CONTEXT)
    if context:
        present = con.execute(
            "SELECT count(vic_CountryOfExploitation), count(vic_AgeAtIdentification) FROM raw"
        ).fetchall()[0]
        context = bool(present and present[0] and present[1])
    _name_table(con, ("prs_FirstName", "prs_SecondName"))
    extra = _optional_present(con, raw_columns)
    unknown = ", ".join(f"'{g}'" for g in _GENDER_UNKNOWN)
    context_sql = (
        """, upper(vic_CountryOfExploitation) AS coe,
             try_cast(vic_AgeAtIdentification AS INTEGER) AS age"""
        if context
        else ""
    )
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {table} AS
        WITH base AS (
            SELECT r.record_id AS unique_id,
                   f.folded AS first, f.nkey AS first_key,
                   s.folded AS surname, s.nkey AS surname_key,
                   CAST(r.prs_Birthdate AS DATE) AS dob_date,
                   CASE WHEN lower(r.prs_Gender) IN ({unknown}) OR r.prs_Gender IS NULL THEN NULL
                        WHEN lower(r.prs_Gender) IN ('f', 'female', 'feminine') THEN 'F'
                        WHEN lower(r.prs_Gender) IN ('m', 'male', 'masculine') THEN 'M'
                        ELSE r.prs_Gender END AS gender,
                   list_filter(list_transform(string_split(upper(coalesce(r.prs_Citizenship, '')), ';'),
                                              lambda x: trim(x)), lambda x: x <> '') AS cit_given
                   {context_sql}
                   {_optional_sql(extra)}
            FROM raw r
            LEFT JOIN name_forms f ON f.raw = r.prs_FirstName
            LEFT JOIN name_forms s ON s.raw = r.prs_SecondName
        )
        SELECT * EXCLUDE (dob_date, cit_given),
               strftime(dob_date, '%Y-%m-%d') AS dob,
               CASE WHEN day(dob_date) <= 12 AND month(dob_date) <= 12 AND day(dob_date) <> month(dob_date)
                    THEN printf('%04d-%02d-%02d', year(dob_date), day(dob_date), month(dob_date)) END AS dob_swap,
               year(dob_date) AS birth_year,
               CASE WHEN len(cit_given) > 0 THEN array_to_string(list_sort(cit_given), ';') END AS cit,
               CASE WHEN len(cit_given) > 0 THEN cit_given[1] END AS cit1,
               CASE WHEN len(cit_given) > 0 THEN list_sort(cit_given) END AS cits,
               CASE WHEN first IS NOT NULL AND surname IS NOT NULL THEN first || ' ' || surname END AS full_name,
               CASE WHEN first_key IS NOT NULL AND surname_key IS NOT NULL
                    THEN first_key || ' ' || surname_key END AS full_key
        FROM base
        """  # noqa: S608 - no user input in the SQL text
    )
    con.execute("DROP TABLE raw")
    return Loaded(rows=rows, context=context, extra=extra)


def _optional_present(con: duckdb.DuckDBPyConnection, raw_columns: set[str]) -> tuple[str, ...]:
    """The derived optional columns whose input column is there and holds at least one value."""
    there = [c for c in OPTIONAL if c in raw_columns]
    if not there:
        return ()
    counts = con.execute(
        "SELECT " + ", ".join(f'count("{c}")' for c in there) + " FROM raw"  # noqa: S608 - known names
    ).fetchall()[0]
    return tuple(OPTIONAL[c] for c, n in zip(there, counts, strict=True) if n)


def _optional_sql(extra: Sequence[str]) -> str:
    """Normalisation of the optional fields: codes keep letters and digits, text is folded
    like names (``names.fold`` in SQL terms: lower case, accents stripped, single spaces)."""
    code = "nullif(regexp_replace(upper(r.\"{c}\"), '[^0-9A-Z]', '', 'g'), '')"
    text = "nullif(trim(regexp_replace(lower(strip_accents(r.\"{c}\")), '[^a-z0-9]+', ' ', 'g')), '')"
    source = {v: k for k, v in OPTIONAL.items()}
    parts = []
    for column in extra:
        form = code if column in ("idnum", "postcode") else text
        parts.append(", " + form.format(c=source[column]) + f" AS {column}")
    return "".join(parts)
