"""Write the HTCDS 2.0 picklists as Pharos code-list files, once, from the ODS the standard ships.

    .venv/bin/python scripts/htcds_codelists.py "../shared/reference/htcds/HTCDS Field Standards 2.0.ods"

This was run once to start ``src/pharos/standards/data/codelists/htcds.*.json``. Those files were
then completed by hand (French, Brazilian Portuguese, Russian and Arabic labels; mappings to
CTDC, Eurostat and UNODC) and are the source of truth from then on: the script refuses to
overwrite an existing file unless ``--force`` is given, and ``--force`` loses the hand-made work.

What it does with the standard's text:
- names and English labels are taken exactly as the standard gives them, except that
  surrounding spaces and no-break spaces are removed (``"DebtBondage "``, ``"Feminine\\xa0"``)
  and the misspelt ``Unaquainted`` of ``vic_RelationshipToTrafficker`` becomes ``Unacquainted``;
  the spelling found in the standard is kept as an alias so imports of old files still match;
- every field whose type is a picklist with listed values becomes one file; fields that point to
  ISO 3166 or ISO 639 instead of listing values are left to the country and language tables;
- a field marked DEPRECATED in the standard becomes a list with ``"deprecated": true``.

Reads the ODS with python-calamine (a project dependency).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from python_calamine import CalamineWorkbook

from pharos.standards.codelists import DATA_DIR, LANGUAGES, dump

HTCDS_VERSION = "2.0"
HTCDS_DATE = "2021-12-24"  # v2.0 release date given in the HTCDS README (UNMigration/HTCDS@3c2f6537)
SOURCE = (
    "Human Trafficking Case Data Standard (HTCDS) 2.0 by IOM, CC BY 4.0 "
    "(UNMigration/HTCDS@3c2f6537, 'HTCDS Field Standards 2.0.ods', field {field})"
)
# Spellings in the standard that are mistakes; the code and label use the right one.
TYPO_FIXES = {"Unaquainted": "Unacquainted"}


def clean(text: str) -> str:
    return text.replace("\xa0", " ").strip()


def picklists(ods: Path) -> list[dict[str, object]]:
    sheet = CalamineWorkbook.from_path(str(ods)).get_sheet_by_name("Field_Standards").to_python()
    header = [str(h) for h in sheet[0]]
    col = {name: header.index(name) for name in header}
    found = []
    for row in sheet[1:]:
        cells = [str(c) for c in row]
        kind = cells[col["Field Type"]]
        names_cell = cells[col["Value Names (if picklist)"]]
        if "Picklist" not in kind or not names_cell or names_cell.startswith("Use ISO"):
            continue
        field = cells[col["Field Name including Prefix"]]
        raw_names = [n for n in names_cell.split("\n") if clean(n)]
        raw_labels = [n for n in cells[col["Value Labels (if picklist)"]].split("\n") if clean(n)]
        if len(raw_names) != len(raw_labels):
            raise SystemExit(f"{field}: {len(raw_names)} names but {len(raw_labels)} labels")
        codes = []
        for raw_name, raw_label in zip(raw_names, raw_labels, strict=True):
            name, label = clean(raw_name), clean(raw_label)
            aliases = []
            if raw_name != name:
                aliases.append(raw_name)
            if name in TYPO_FIXES:
                aliases.append(name)
                name = TYPO_FIXES[name]
                label = TYPO_FIXES.get(label, label)
            entry: dict[str, object] = {
                "code": name,
                "labels": {lang: (label if lang == "en" else "") for lang in LANGUAGES},
                "mappings": {"htcds": name},
            }
            if aliases:
                entry["aliases"] = aliases
            codes.append(entry)
        found.append(
            {
                "key": f"htcds.{field}",
                "title": {
                    lang: (clean(cells[col["Field Label"]]) if lang == "en" else "") for lang in LANGUAGES
                },
                "source": SOURCE.format(field=field),
                "version": HTCDS_VERSION,
                "valid_from": HTCDS_DATE,
                "multiple": kind.startswith("Multiselect"),
                "deprecated": cells[col["Status"]].upper() == "DEPRECATED",
                "notes": clean(cells[col["Description"]]) if len(cells) > col["Description"] else "",
                "codes": codes,
            }
        )
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("ods", type=Path, help="HTCDS Field Standards 2.0.ods")
    parser.add_argument("--out", type=Path, default=DATA_DIR)
    parser.add_argument("--force", action="store_true", help="overwrite files completed by hand")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for data in picklists(args.ods):
        target = args.out / f"{data['key']}.json"
        if target.exists() and not args.force:
            print(f"kept   {target.name} (exists; the repository's file is the source of truth)")
            continue
        target.write_text(dump(data), encoding="utf-8")
        print(f"wrote  {target.name} ({len(data['codes'])} codes)")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    sys.exit(main())
