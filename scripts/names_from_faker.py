"""Widen the generator's name lists with the person-name lists of Faker (MIT licence).

Run by hand when the lists change (Faker is not a dependency of Pharos)::

    pip install faker && python scripts/names_from_faker.py

Twenty names per culture gave a million generated records hundreds of namesakes per name, far
more than real registers hold, so linkage figures measured on them said more about the
generator than about linkage. Faker's lists are real names of each country, in the script
used at home. The curated names already in each file stay first; Faker's are appended,
de-duplicated, and the source is recorded in the file. Cultures without a Faker list in
their script (Albanian, Serbian Cyrillic, Kazakh, Kyrgyz, Tajik, Uzbek Cyrillic, Wolof and
Arabic with its Latin spellings) keep their curated lists.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

NAMES_DIR = Path(__file__).resolve().parent.parent / "src/pharos/standards/generator/data/names"

# Pharos culture → Faker person locales (several for Nigeria's Yoruba, Igbo and Hausa names).
SOURCES = {
    "ru": ["ru_RU"],
    "uk": ["uk_UA"],
    "bg": ["bg_BG"],
    "mk": ["mk_MK"],
    "ro": ["ro_RO"],
    "br": ["pt_BR"],
    "gh": ["tw_GH"],
    "ng": ["yo_NG", "ig_NG", "ha_NG"],
}


def _faker_lists(locale: str) -> dict[str, list[str]]:
    provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
    # Slavic files derive the feminine family name from the masculine one (names.py).
    surnames = getattr(provider, "last_names_male", None) or provider.last_names
    return {
        "female": list(provider.first_names_female),
        "male": list(provider.first_names_male),
        "surnames": list(surnames),
    }


def _merge(current: list[str], extra: list[str]) -> list[str]:
    seen = set(current)
    merged = list(current)
    for name in extra:
        name = name.strip()
        # One-word names only: the generator writes first and family name in one field each.
        if name and " " not in name and name not in seen:
            seen.add(name)
            merged.append(name)
    return merged


def main() -> None:
    import faker

    for culture, locales in SOURCES.items():
        path = NAMES_DIR / f"{culture}.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        for locale in locales:
            lists = _faker_lists(locale)
            for key in ("female", "male", "surnames"):
                data[key] = _merge(data[key], lists[key])
        data["sources"] = [
            "curated by the Pharos developers (the first names of each list)",
            f"Faker {faker.VERSION} person providers {', '.join(locales)} (MIT licence)",
        ]
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(
            f"{culture}: {len(data['female'])} female, {len(data['male'])} male, {len(data['surnames'])} family names"
        )


if __name__ == "__main__":
    main()
