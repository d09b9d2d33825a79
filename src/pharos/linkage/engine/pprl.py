"""Privacy-preserving record linkage: encode at each data holder, link at the linkage unit.

``encode`` runs at a data holder with the shared secret: it reads the same CSV as
``pharos dedup``, derives the same normalised fields, and writes a Parquet file holding,
per record, only the holder's ``record_id`` and encodings: hardened Bloom filters of first
name, family name and date of birth (``bloom``), keyed 64-bit hashes of gender,
citizenships and the optional case context, keyed blocking keys, and whether the date is
1 January (year only). No name, date, code or free text leaves in clear (a test checks the
file).

``link`` runs at the linkage unit, without the secret: it checks that every file was made
with the same secret (by its check value) and the same parameters, runs the Splink model
on the encodings (Dice similarities computed in SQL with ``bit_count`` on 64-bit words,
LINKAGE.md §1.3), clusters, and writes ``source,record_id,cluster_id`` for the unit plus,
on request, one file per participant with only that participant's records and the totals.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from pharos.linkage.engine import bloom, model, records
from pharos.linkage.engine.clusters import Decision, cluster_edges
from pharos.linkage.engine.dedup import _Clock, quiet_splink

Say = Callable[[str], None]
META_KEY = b"pharos_pprl"
NAME_WORDS = (2 * bloom.NAME.bits) // 64  # balanced width; unbalanced files use half
_SOURCE_OK = set("abcdefghijklmnopqrstuvwxyz0123456789-_.")


@dataclass(frozen=True)
class EncodeResult:
    records: int
    seconds: float
    fill: float  # mean share of bits set in the name filters, before balancing
    context: bool


def read_secret(path: Path) -> bytes:
    """The shared secret from a file; at least 32 bytes of it, or ``InputError``."""
    if not path.is_file():
        raise records.InputError(f"{path}: no such secret file")
    secret = path.read_bytes().strip()
    if len(secret) < 32:
        raise records.InputError(
            f"{path}: the secret is too short ({len(secret)} bytes); use at least 32 random bytes, "
            "e.g. `python -c 'import secrets; print(secrets.token_hex(32))' > KEY`"
        )
    return secret


def check_source(name: str) -> str:
    if not name or set(name.lower()) - _SOURCE_OK:
        raise records.InputError(
            f"source name {name!r}: use letters, digits, '-', '_' or '.' (it names the participant)"
        )
    return name


def _date_tokens(dob: str | None) -> list[str] | None:
    if dob is None:
        return None
    y, m, d = dob[:4], dob[5:7], dob[8:10]
    pair = "".join(sorted((m, d)))
    return [f"y{y}", f"m{m}", f"d{d}", f"ym{y}{m}", f"md{m}{d}", f"s{pair}", f"ys{y}{pair}", f"f{dob}"]


def _joined(*parts: Any) -> str | None:
    if any(p is None for p in parts):
        return None
    return "\x1f".join(str(p) for p in parts)


def _text(column: str) -> str:
    return f"CAST({column} AS VARCHAR)"


def _key_sql(tag: str, *columns: str) -> str:
    """SQL for the text a keyed blocking key hashes: ``_joined(tag, *values)``, NULL when a value is."""
    return " || chr(31) || ".join([f"'{tag}'", *(_text(c) for c in columns)])


# The keyed blocking keys, as the text each one hashes; built in SQL: joining the strings in
# Python took about a quarter of the encoding time at a million records.
_BLOCKS = {
    "bk_df": _key_sql("df", "dob", "first_key"),
    "bk_ds": _key_sql("ds", "dob", "surname_key"),
    "bk_dc": _key_sql("dc", "dob", "cit1"),
    "bk_dcx": _key_sql("dc", "dob_swap", "cit1"),
    "bk_fsy": _key_sql("nn", "first_key", "surname_key", "birth_year"),
    "bk_sfy": _key_sql("nn", "surname_key", "first_key", "birth_year"),
    # For EM training only; 1 January ("year only") is left out as in the plaintext model.
    "bk_dg": f"CASE WHEN NOT dob LIKE '%-01-01' THEN {_key_sql('dg', 'dob', "coalesce(gender, '?')")} END",
}
_CONTEXT_BLOCKS = {
    "bk_fsca": _key_sql("nc", "first_key", "surname_key", "coe", "age"),
    "bk_sfca": _key_sql("nc", "surname_key", "first_key", "coe", "age"),
}


def encode(
    source: Path,
    secret: bytes,
    out: Path,
    *,
    source_name: str,
    hardening: bloom.Hardening | None = None,
    use_context: bool = True,
    say: Say | None = None,
    seed: int | None = None,
) -> EncodeResult:
    """Write the encodings of ``source`` to the Parquet file ``out``."""
    hardening = hardening or bloom.Hardening()
    check_source(source_name)
    clock = _Clock(say)
    con = duckdb.connect()
    clock("reading and checking the records")
    loaded = records.load(con, source, use_context=use_context)
    columns = (
        "unique_id, first, surname, first_key, surname_key, dob, dob_swap, birth_year, gender, cits, cit1"
    )
    if loaded.context:
        columns += ", coe, age"
    for column in loaded.extra:
        columns += f", {column}"
    block_sql = {**_BLOCKS, **(_CONTEXT_BLOCKS if loaded.context else {})}
    columns += "".join(f", {sql} AS {name}" for name, sql in block_sql.items())
    table = con.sql(f"SELECT {columns} FROM records ORDER BY unique_id").to_arrow_table()  # noqa: S608 - fixed columns
    col = {name: table.column(name).to_pylist() for name in table.column_names}
    n = len(col["unique_id"])
    clock(f"{n:,} records; encoding names")
    rng = np.random.default_rng(seed if seed is not None else secrets.randbits(64))
    names = bloom.Encoder(secret, "name", bloom.NAME, hardening)
    combos: dict[tuple[str, str, str], int] = {}
    items: list[tuple[str, list[str]]] = []
    which = {"first": np.full(n, -1, dtype=np.int64), "surname": np.full(n, -1, dtype=np.int64)}
    for field_name in ("first", "surname"):
        values, keys = col[field_name], col[f"{field_name}_key"]
        target = which[field_name]
        for i in range(n):
            value = values[i]
            if value is None:
                continue
            year = col["birth_year"][i]
            salt = (str(year) if year is not None else "?") if hardening.salt_names else ""
            combo = (value, keys[i] or "", salt)
            index = combos.get(combo)
            if index is None:
                index = combos[combo] = len(items)
                # The transliteration key weighs as much as three bigrams: "Iuliia" and
                # "Yuliya" share few bigrams but one key.
                key_token = f"#{keys[i] or ''}"
                items.append((salt, [*bloom.bigrams(value), key_token, key_token + "1", key_token + "2"]))
            target[i] = index
    raw = names.encode(items)
    fill = float(raw.mean()) if len(items) else 0.0
    rows = names.balanced(raw)
    first_words = names.per_record(rows, which["first"], rng)
    surname_words = names.per_record(rows, which["surname"], rng)
    clock("encoding dates of birth and the other fields")
    dates = bloom.Encoder(secret, "dob", bloom.DATE, hardening)
    distinct_dates = sorted({d for d in col["dob"] if d is not None})
    date_index = {d: i for i, d in enumerate(distinct_dates)}
    date_rows = dates.balanced(dates.encode([("", _date_tokens(d) or []) for d in distinct_dates]))
    if not distinct_dates:
        date_rows = np.zeros(
            (1, 2 * bloom.DATE.bits if hardening.balance else bloom.DATE.bits), dtype=np.uint8
        )
    dob_which = np.array([date_index.get(d, -1) if d is not None else -1 for d in col["dob"]], dtype=np.int64)
    dob_words = dates.per_record(date_rows, dob_which, rng)

    out_columns: dict[str, Any] = {
        "source": pa.array([source_name] * n),
        "record_id": pa.array(col["unique_id"]),
    }
    for prefix, words in (("fn", first_words), ("sn", surname_words), ("db", dob_words)):
        for w in range(words.shape[1]):
            out_columns[f"{prefix}_{w}"] = pa.array(words[:, w])
        pop = np.bitwise_count(words.view(np.uint64)).sum(axis=1).astype(np.int16)
        out_columns[f"{prefix}_pop"] = pa.array(pop)
    # Whether the date is 1 January, i.e. only the year is known: the one date frequency the
    # model needs (it stands in for term-frequency adjustment, which encodings must not get);
    # the blocking keys leave such dates out anyway, so this says nothing more.
    out_columns["dob_year_only"] = pa.array([None if d is None else d.endswith("-01-01") for d in col["dob"]])
    out_columns["gender_h"] = pa.array(bloom.keyed_ints(secret, "gender", col["gender"]), pa.int64())
    cit_hash = bloom.keyed_ints(secret, "cit", sorted({c for cs in col["cits"] if cs for c in cs}))
    cit_of = dict(zip(sorted({c for cs in col["cits"] if cs for c in cs}), cit_hash, strict=True))
    out_columns["cit_h"] = pa.array(
        [[cit_of[c] for c in cs] if cs else None for cs in col["cits"]], pa.list_(pa.int64())
    )
    blocks: dict[str, list[str | None]] = {name: col[name] for name in block_sql}
    if loaded.context:
        coe, age = col["coe"], col["age"]
        out_columns["coe_h"] = pa.array(bloom.keyed_ints(secret, "coe", coe), pa.int64())
        out_columns["age_h"] = pa.array(
            bloom.keyed_ints(secret, "age", [_joined(a) for a in age]), pa.int64()
        )
        for b, shift in (("age_b0", 0), ("age_b1", 1)):
            halves = [None if a is None else str((a + shift) // 2) for a in age]
            out_columns[b] = pa.array(bloom.keyed_ints(secret, b, halves), pa.int64())
    _encode_optional(secret, loaded.extra, col, out_columns, blocks, hardening, rng)
    for name, values in blocks.items():
        out_columns[name] = pa.array(bloom.keyed_ints(secret, "block", values), pa.int64())
    meta = {
        "schema": bloom.SCHEMA,
        "check": bloom.check_value(secret),
        "hardening": asdict(hardening),
        "name": asdict(bloom.NAME),
        "date": asdict(bloom.DATE),
        "context": loaded.context,
        "extra": list(loaded.extra),
    }
    clock("writing the encodings")
    encoded = pa.table(out_columns).replace_schema_metadata({META_KEY: json.dumps(meta).encode()})
    pq.write_table(encoded, out, compression="zstd")
    seconds = clock.stop()["total"]
    if say is not None:
        say(
            f"[{seconds:7.1f} s] {n:,} records encoded to {out} (name filters {fill:.0%} full before balancing)"
        )
    return EncodeResult(records=n, seconds=seconds, fill=fill, context=loaded.context)


# Optional HTCDS person fields (``records.OPTIONAL``): texts that typos reach become Bloom
# filters (compared by Dice), short codes keyed hashes (compared for equality).
_FILTERED = {"idnum": bloom.DATE, "street": bloom.NAME}
_HASHED = ("idnum", "postcode", "city", "state")


def _encode_optional(
    secret: bytes,
    extra: Sequence[str],
    col: dict[str, list[Any]],
    out_columns: dict[str, Any],
    blocks: dict[str, list[str | None]],
    hardening: bloom.Hardening,
    rng: np.random.Generator,
) -> None:
    for column, spec in _FILTERED.items():
        if column not in extra:
            continue
        encoder = bloom.Encoder(secret, column, spec, hardening)
        distinct = sorted({v for v in col[column] if v is not None})
        index = {v: i for i, v in enumerate(distinct)}
        rows = encoder.balanced(encoder.encode([("", bloom.bigrams(v)) for v in distinct]))
        if not distinct:
            continue
        which = np.array([index.get(v, -1) if v is not None else -1 for v in col[column]], dtype=np.int64)
        words = encoder.per_record(rows, which, rng)
        for w in range(words.shape[1]):
            out_columns[f"{column}_{w}"] = pa.array(words[:, w])
        pop = np.bitwise_count(words.view(np.uint64)).sum(axis=1).astype(np.int16)
        out_columns[f"{column}_pop"] = pa.array(np.where(which < 0, 0, pop))
    for column in _HASHED:
        if column in extra:
            out_columns[f"{column}_h"] = pa.array(bloom.keyed_ints(secret, column, col[column]), pa.int64())
    fk, sk = col["first_key"], col["surname_key"]
    if "idnum" in extra:
        blocks["bk_id"] = [_joined("id", v) for v in col["idnum"]]
        blocks["bk_idp"] = [_joined("idp", v[:3]) if v else None for v in col["idnum"]]  # EM training only
    if "postcode" in extra:
        blocks["bk_pf"] = [_joined("pf", p, f) for p, f in zip(col["postcode"], fk, strict=True)]
        blocks["bk_ps"] = [_joined("ps", p, s) for p, s in zip(col["postcode"], sk, strict=True)]
    if "street" in extra:
        blocks["bk_sy"] = [_joined("sy", s, y) for s, y in zip(col["street"], col["birth_year"], strict=True)]


# --- the linkage unit ------------------------------------------------------------------------------


def _dice(a: str, b: str, words: int) -> str:
    """SQL for the Dice similarity of filter ``a`` on the left and ``b`` on the right."""
    both = " + ".join(f'CAST(bit_count("{a}_{w}_l" & "{b}_{w}_r") AS INTEGER)' for w in range(words))
    return f'(2.0 * ({both}) / nullif(CAST("{a}_pop_l" AS INTEGER) + "{b}_pop_r", 0))'


@dataclass(frozen=True)
class _Bands:
    same: float
    close: float
    alike: float
    date_close: float
    typo: float  # the other name, when one is the same


def _bands(hardening: dict[str, Any]) -> _Bands:
    # Balanced filters are half ones whatever the value, so unrelated values already score
    # about 0.55 and the bands sit higher; BLIP takes about twice its flip rate off a match.
    if hardening["balance"]:
        return _Bands(same=0.93, close=0.86, alike=0.78, date_close=0.72, typo=0.65)
    return _Bands(same=0.88, close=0.72, alike=0.55, date_close=0.4, typo=0.3)


def _comparisons(meta: dict[str, Any], coe_u: float = 0.05) -> list[Any]:
    import splink.comparison_level_library as cll

    words = (2 if meta["hardening"]["balance"] else 1) * meta["name"]["bits"] // 64
    date_words = (2 if meta["hardening"]["balance"] else 1) * meta["date"]["bits"] // 64
    b = _bands(meta["hardening"])
    first, surname = _dice("fn", "fn", words), _dice("sn", "sn", words)
    cross1, cross2 = _dice("fn", "sn", words), _dice("sn", "fn", words)
    # Every level asks it, and list functions are slow (they cost more than all the Dice): with
    # one citizenship each (nearly every record) the first hashes (``link`` adds them) settle
    # it, and a CASE keeps DuckDB from computing the overlap for the rest as well.
    cit_ok = (
        '("cit_h_l" IS NULL OR "cit_h_r" IS NULL OR "cit_first_l" = "cit_first_r" OR CASE'
        ' WHEN "cit_count_l" > 1 OR "cit_count_r" > 1 THEN len(list_intersect("cit_h_l", "cit_h_r")) > 0'
        " ELSE false END)"
    )
    no_first_l, no_first_r = '"fn_pop_l" = 0', '"fn_pop_r" = 0'
    no_surname_l, no_surname_r = '"sn_pop_l" = 0', '"sn_pop_r" = 0'
    identity = model._comparison(
        "identity",
        "Names (Dice of encodings) and citizenship",
        [None, 0.002, 0.6, 0.1, 0.04, 0.04, 0.01, 0.01, 0.06, 0.03, 0.02, 0.03],
        # Salted filters agree only for the same name *and* year: too rare for random pairs.
        u_start=[None, 1e-7, 1e-6, 1e-6, 1e-7, 1e-7, 1e-7, 1e-7, 1e-5, 1e-4, 1e-3, None],
        levels=[
            cll.CustomLevel(
                '("fn_pop_l" = 0 AND "sn_pop_l" = 0) OR ("fn_pop_r" = 0 AND "sn_pop_r" = 0)',
                label_for_charts="No name on one side",
            ).configure(is_null_level=True),
            cll.CustomLevel(
                f"NOT {cit_ok} AND {first} >= {b.same} AND {surname} >= {b.same}",
                label_for_charts="Same names, different citizenship",
            ),
            cll.CustomLevel(
                f"{first} >= {b.same} AND {surname} >= {b.same} AND {cit_ok}", label_for_charts="Same names"
            ),
            # The transliteration keys of both names agree (with the year of birth: the
            # keyed blocking key, so nothing more leaves the holder than blocking needs).
            # "Iuliia"/"Yuliya" share few bigrams, so Dice alone puts them far apart.
            cll.CustomLevel(
                f'"bk_fsy_l" = "bk_fsy_r" AND {cit_ok}', label_for_charts="Same names once transliterated"
            ),
            cll.CustomLevel(
                f'("bk_fsy_l" = "bk_sfy_r" OR {cross1} >= {b.same} AND {cross2} >= {b.same}) AND {cit_ok}',
                label_for_charts="Same names, order swapped",
            ),
            # Both close, or one the same and the other at the typo band: a typo takes two or
            # three of a short name's bigrams, and with the other name the same a Dice that
            # low is still nearly always the same person (in clear, the plaintext model's
            # edit distance of one). Written so that most pairs need one Dice only (DuckDB
            # computes a Dice again wherever it is named, and the Dice are most of the cost).
            cll.CustomLevel(
                f"{first} >= {b.typo} AND {surname} >= {b.typo} AND ({first} >= {b.same}"
                f" OR {surname} >= {b.same} OR {first} >= {b.close} AND {surname} >= {b.close}) AND {cit_ok}",
                label_for_charts="Both names close",
            ),
            cll.CustomLevel(
                f"{cross1} >= {b.typo} AND {cross2} >= {b.typo} AND ({cross1} >= {b.same}"
                f" OR {cross2} >= {b.same} OR {cross1} >= {b.close} AND {cross2} >= {b.close}) AND {cit_ok}",
                label_for_charts="Names swapped and close",
            ),
            # One record has a single name, found in either field of the other ("Marku" as
            # first name here, family name there).
            cll.CustomLevel(
                f"((({no_surname_l} OR {no_surname_r}) AND {first} >= {b.close})"
                f" OR (({no_first_l} OR {no_first_r}) AND {surname} >= {b.close})"
                f" OR (({no_surname_l} OR {no_first_r}) AND {cross1} >= {b.close})"
                f" OR (({no_first_l} OR {no_surname_r}) AND {cross2} >= {b.close})) AND {cit_ok}",
                label_for_charts="One name close, the other missing",
            ),
            # The other name below the typo band: mostly namesakes, so EM gives it little weight.
            cll.CustomLevel(
                f"({first} >= {b.same} OR {surname} >= {b.same}) AND {cit_ok}",
                label_for_charts="One name the same, the other different",
            ),
            cll.CustomLevel(
                f"{first} >= {b.typo} AND {surname} >= {b.typo} AND ({first} >= {b.alike} OR {surname} >= {b.alike})"
                f" AND {cit_ok}",
                label_for_charts="Both names alike",
            ),
            # Vowels left out ("Bshra"/"Bouchra", Arabic script romanised) or another
            # transliteration of one name: in clear, the plaintext model's "one key the same".
            cll.CustomLevel(
                f"({first} >= {b.alike} OR {surname} >= {b.alike}) AND {cit_ok}",
                label_for_charts="One name alike, the other different",
            ),
            cll.ElseLevel(),
        ],
    )
    dob = _dice("db", "db", date_words)
    found = [
        identity,
        model._comparison(
            "dob",
            "Date of birth (Dice of encodings)",
            # m stated (EM is blocked on the date), as the plaintext model states it (model._dob):
            # 2 % swapped, 2 % a typo, 6 % another date (its "same year" level included).
            [None, 0.05, 0.85, 0.02, 0.02, 0.06],
            u_start=[None, 2e-3, 1e-4, None, 2e-3, None],
            levels=[
                cll.CustomLevel('"db_pop_l" = 0 OR "db_pop_r" = 0', label_for_charts="Missing").configure(
                    is_null_level=True
                ),
                cll.CustomLevel(
                    f'"dob_year_only_l" AND "dob_year_only_r" AND {dob} >= {b.same}',
                    label_for_charts="Same date, 1 January (year only)",
                ),
                cll.CustomLevel(f"{dob} >= {b.same}", label_for_charts="Same date"),
                # Day and month swapped (a keying error) share only the year and the unordered
                # pair of tokens, so Dice leaves them near unrelated dates; the keyed blocking
                # key of the swapped date (with the first citizenship) meets the other's key.
                # u is stated: random sampling almost never meets such a pair.
                cll.CustomLevel(
                    '"bk_dcx_l" = "bk_dc_r" OR "bk_dc_l" = "bk_dcx_r"',
                    label_for_charts="Day and month swapped",
                ).configure(u_probability=3e-5, fix_u_probability=True),
                cll.CustomLevel(f"{dob} >= {b.date_close}", label_for_charts="Close (typo)"),
                cll.ElseLevel(),
            ],
        ),
        model._exact("gender_h", "Gender", 0.97),
        *_optional_comparisons(meta),
    ]
    if meta["context"]:
        found += [
            # As in the plaintext model: u among pairs of the same citizenship (model.country_u).
            model._comparison(
                "coe_h",
                "Country of exploitation",
                [None, 0.95, 0.05],
                [
                    cll.NullLevel("coe_h"),
                    cll.ExactMatchLevel("coe_h").configure(u_probability=coe_u, fix_u_probability=True),
                    cll.ElseLevel().configure(u_probability=1 - coe_u, fix_u_probability=True),
                ],
            ),
            model._comparison(
                "age",
                "Age at identification, where a date of birth is missing",
                [None, 0.9, 0.05, 0.05],
                [
                    cll.CustomLevel(
                        '"age_h_l" IS NULL OR "age_h_r" IS NULL OR ("db_pop_l" > 0 AND "db_pop_r" > 0)',
                        label_for_charts="Age missing, or both dates of birth known",
                    ).configure(is_null_level=True),
                    cll.ExactMatchLevel("age_h"),
                    cll.CustomLevel(
                        '"age_b0_l" = "age_b0_r" OR "age_b1_l" = "age_b1_r"', label_for_charts="Within a year"
                    ),
                    cll.ElseLevel(),
                ],
            ),
        ]
    return found


def _optional_comparisons(meta: dict[str, Any]) -> list[Any]:
    """The optional fields, as ``model._optional`` compares them in clear, on encodings."""
    import splink.comparison_level_library as cll

    extra = meta.get("extra", [])
    b = _bands(meta["hardening"])
    width = 2 if meta["hardening"]["balance"] else 1
    found: list[Any] = []
    if "idnum" in extra:
        dice = _dice("idnum", "idnum", width * bloom.DATE.bits // 64)
        found.append(
            model._comparison(
                "idnum",
                "Identity number (keyed hash, Dice of encodings)",
                [None, 0.85, 0.1, 0.05],
                u_start=[None, 1e-7, 1e-6, None],
                levels=[
                    cll.NullLevel("idnum_h"),
                    cll.ExactMatchLevel("idnum_h"),
                    cll.CustomLevel(f"{dice} >= {b.date_close}", label_for_charts="Close (typo)"),
                    cll.ElseLevel(),
                ],
            )
        )
    if "postcode" in extra:
        found.append(model._exact("postcode_h", "Postal code", 0.8))
    if "street" in extra:
        dice = _dice("street", "street", width * bloom.NAME.bits // 64)
        found.append(
            model._comparison(
                "street",
                "Street (Dice of encodings)",
                [None, 0.75, 0.15, 0.1],
                levels=[
                    cll.CustomLevel('"street_pop_l" = 0 OR "street_pop_r" = 0').configure(is_null_level=True),
                    cll.CustomLevel(f"{dice} >= {b.same}", label_for_charts="Same"),
                    cll.CustomLevel(f"{dice} >= {b.close}", label_for_charts="Close (typo)"),
                    cll.ElseLevel(),
                ],
            )
        )
    if "city" in extra:
        found.append(model._exact("city_h", "City", 0.75))
    if "state" in extra:
        found.append(model._exact("state_h", "State or province", 0.9))
    return found


def _blocking(meta: dict[str, Any]) -> list[Any]:
    rules: list[Any] = [
        "l.bk_df = r.bk_df",
        "l.bk_ds = r.bk_ds",
        "l.bk_dc = r.bk_dc",
        "l.bk_fsy = r.bk_fsy",
        "l.bk_fsy = r.bk_sfy",
        "l.bk_dcx = r.bk_dc",
    ]
    if meta["context"]:
        rules += ["l.bk_fsca = r.bk_fsca", "l.bk_fsca = r.bk_sfca"]
    extra = meta.get("extra", [])
    if "idnum" in extra:
        rules.append("l.bk_id = r.bk_id")
    if "postcode" in extra:
        rules += ["l.bk_pf = r.bk_pf", "l.bk_ps = r.bk_ps"]
    if "street" in extra:
        rules.append("l.bk_sy = r.bk_sy")
    return rules


@dataclass
class LinkResult:
    records: int = 0
    persons: int = 0
    merged_records: int = 0
    by_source: dict[str, dict[str, int]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def _read(paths: Sequence[Path]) -> tuple[pa.Table, dict[str, Any]]:
    tables, meta = [], None
    seen_sources: set[str] = set()
    for path in paths:
        if not path.is_file():
            raise records.InputError(f"{path}: no such file")
        try:
            table = pq.read_table(path)
        except (pa.ArrowInvalid, OSError) as exc:
            raise records.InputError(f"{path}: not an encoded file ({exc})") from exc
        raw = (table.schema.metadata or {}).get(META_KEY)
        if raw is None:
            raise records.InputError(f"{path}: not made by `pharos pprl encode`")
        this = json.loads(raw)
        if meta is None:
            meta = this
        elif this["check"] != meta["check"]:
            raise records.InputError(
                f"{path}: encoded with another secret than {paths[0]}; all must share one"
            )
        elif this != meta:
            raise records.InputError(f"{path}: encoded with other parameters than {paths[0]}")
        sources = set(table.column("source").unique().to_pylist())
        if sources & seen_sources:
            raise records.InputError(
                f"{path}: source {', '.join(sorted(sources & seen_sources))} appears twice"
            )
        seen_sources |= sources
        tables.append(table.replace_schema_metadata(None))
    if meta is None:
        raise records.InputError("no encoded files given")
    return pa.concat_tables(tables), meta


def link(
    paths: Sequence[Path],
    out: Path | None,
    *,
    tuning: model.Tuning | None = None,
    per_source: Path | None = None,
    decisions: Iterable[Decision] = (),
    say: Say | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> LinkResult:
    """Link the encoded files; write ``source,record_id,cluster_id`` and per-participant files."""
    from splink import DuckDBAPI, Linker, SettingsCreator

    tuning = tuning or model.Tuning()
    clock = _Clock(say)
    quiet_splink()
    con = con or duckdb.connect()
    clock("reading the encodings")
    table, meta = _read(paths)
    con.register("encoded_arrow", table)
    con.execute(
        "CREATE OR REPLACE TABLE encoded AS SELECT source || '/' || record_id AS unique_id, *,"
        " cit_h[1] AS cit_first, len(cit_h) AS cit_count FROM encoded_arrow"  # see ``_comparisons``
    )
    con.unregister("encoded_arrow")
    total = con.execute("SELECT count(*), count(DISTINCT unique_id) FROM encoded").fetchall()[0]
    assert total is not None
    if total[0] != total[1]:
        raise records.InputError("a record_id appears twice within one source")
    result = LinkResult(records=int(total[0]))
    coe_u = (
        model.country_u(con, "(SELECT cit_h[1] AS c1, coe_h FROM encoded) AS e", "c1", "coe_h")
        if meta["context"]
        else 0.05
    )
    clock(f"{result.records:,} encoded records from {len(paths)} file(s); training the model")
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=_comparisons(meta, coe_u),
        blocking_rules_to_generate_predictions=_blocking(meta),
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    db_api = DuckDBAPI(connection=con)
    linker = Linker(db_api.register("encoded"), settings, log_level=None)
    training = linker.training
    clock("estimating the prior")
    training.estimate_probability_two_random_records_match(
        ["l.bk_df = r.bk_df AND l.bk_ds = r.bk_ds"], recall=tuning.prior_recall
    )
    clock("estimating u from random record pairs")
    training.estimate_u_using_random_sampling(max_pairs=tuning.u_pairs, seed=tuning.seed)
    clock("estimating m (EM, blocked on date of birth)")
    # The key is date of birth and gender, which Splink cannot see through a hash: naming
    # the encoded columns in the rule (the second clause is always true) makes it leave the
    # date and gender comparisons out of this session, as it does for plain blocking columns.
    training.estimate_parameters_using_expectation_maximisation(
        "l.bk_dg = r.bk_dg AND (l.gender_h = r.gender_h OR l.gender_h IS NULL) AND (l.db_pop >= 0 OR r.db_pop >= 0)",
        estimate_without_term_frequencies=True,
        max_pairs=tuning.em_pairs,
    )
    if "idnum" in meta.get("extra", []):
        clock("estimating m (EM, blocked on the start of the identity number)")
        training.estimate_parameters_using_expectation_maximisation(
            # See model.train; naming the encoded identity columns keeps their comparison out.
            "l.bk_idp = r.bk_idp AND (l.idnum_pop >= 0 OR r.idnum_h IS NULL OR r.idnum_h IS NOT NULL)",
            estimate_without_term_frequencies=True,
            max_pairs=tuning.em_pairs,
        )
    clock("scoring candidate pairs")
    predictions = linker.inference.predict(
        threshold_match_probability=tuning.review_low, warning_mode="never"
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE scored AS
            SELECT unique_id_l AS l, unique_id_r AS r, match_probability AS p
            FROM {predictions.physical_name}"""  # noqa: S608 - a Splink table name
    )
    predictions.drop_table_from_database_and_remove_from_cache()
    clock("clustering")
    cluster_edges(con, "encoded", "scored", threshold=tuning.threshold, decisions=decisions)
    con.execute(
        """CREATE OR REPLACE TEMP TABLE linked AS
           SELECT e.source, e.record_id, c.cluster_id,
                  count(DISTINCT e.source) OVER (PARTITION BY c.cluster_id) > 1 AS elsewhere
           FROM encoded e JOIN clusters c USING (unique_id)"""
    )
    stats = con.execute("SELECT count(DISTINCT cluster_id) FROM linked").fetchall()[0]
    assert stats is not None
    result.persons = int(stats[0])
    result.merged_records = result.records - result.persons
    for source, n, persons, elsewhere in con.execute(
        """SELECT source, count(*), count(DISTINCT cluster_id), count(*) FILTER (WHERE elsewhere)
           FROM linked GROUP BY source ORDER BY source"""
    ).fetchall():
        result.by_source[source] = {"records": n, "persons": persons, "records_also_elsewhere": elsewhere}
    if out is not None:
        clock("writing the clusters")
        target = "'" + str(out).replace("'", "''") + "'"
        con.execute(
            f"COPY (SELECT source, record_id, cluster_id FROM linked ORDER BY source, record_id) "  # noqa: S608
            f"TO {target} (HEADER, DELIMITER ',')"
        )
    if per_source is not None:
        _write_per_source(con, per_source, result)
    result.seconds = clock.stop()
    if say is not None:
        say(
            f"[{result.seconds['total']:7.1f} s] {result.records:,} records → {result.persons:,} persons "
            f"({result.merged_records:,} records merged)"
        )
    return result


def _write_per_source(con: duckdb.DuckDBPyConnection, folder: Path, result: LinkResult) -> None:
    """One CSV per participant: its own records, a person id of its own, and whether the person
    is also known to another participant (not which); plus the totals, for everyone."""
    folder.mkdir(parents=True, exist_ok=True)
    run_key = secrets.token_bytes(32)  # person ids mean nothing outside this run and participant
    totals = {
        "records": result.records,
        "persons": result.persons,
        "records_merged": result.merged_records,
        "participants": len(result.by_source),
    }
    for source in result.by_source:
        rows = con.execute(
            "SELECT record_id, cluster_id, elsewhere FROM linked WHERE source = ? ORDER BY record_id",
            [source],
        ).fetchall()
        lines = ["record_id,person,also_known_elsewhere"]
        for record_id, cluster_id, elsewhere in rows:
            person = hmac.new(run_key, f"{source}\x1f{cluster_id}".encode(), hashlib.sha256).hexdigest()[:16]
            lines.append(f"{record_id},{person},{'yes' if elsewhere else 'no'}")
        (folder / f"{source}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        mine = {"source": source, **result.by_source[source], "totals": totals}
        (folder / f"{source}.totals.json").write_text(json.dumps(mine, indent=2) + "\n", encoding="utf-8")


def new_secret() -> str:
    return secrets.token_hex(32)
