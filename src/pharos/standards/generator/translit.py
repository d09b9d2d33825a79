"""Cyrillic to Latin the ways different agencies actually write it.

The same passport name reaches Pharos spelt several ways: "Юлия" is "Iuliia" in a Russian
passport issued since 2014 (ICAO Doc 9303), "Yuliya" in one from the 2000s or in English-
language police files (BGN/PCGN-like), "Julija" in German or scholarly files, "Ioulia" in
French ones and "Iulia" in a Moldovan document. Each synthetic organisation uses one
scheme, so duplicates reported by different organisations differ the way real ones do.

The tables are simplified from the published schemes (ICAO Doc 9303 part 3 table for
Cyrillic; BGN/PCGN 1947 Russian; ISO 9-style scholarly; Duden German; French usage;
Ukrainian national system of 2010 (KMU resolution 55); Bulgarian streamlined system (2009
law); Macedonian and Serbian official Latin; Romanian usage in Moldova). They are good
enough to produce the variants, not references for any one scheme.
"""

from __future__ import annotations

from functools import lru_cache

VOWELS = set("аеёиоуыэюяіїєaeiouy")

# Letters shared by every scheme unless it overrides them.
_BASE = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "e", "є": "ie",
    "ж": "zh", "з": "z", "и": "i", "і": "i", "ї": "i", "й": "i", "ј": "j", "к": "k", "л": "l",
    "љ": "lj", "м": "m", "н": "n", "њ": "nj", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ў": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "",
    "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia", "ђ": "dj", "ћ": "c", "ќ": "kj", "ѓ": "gj",
    "ѕ": "dz", "џ": "dzh", "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u",
    "һ": "h", "ҳ": "h", "ӣ": "i", "ӯ": "u", "ҷ": "j",
}  # fmt: skip

# name -> (letters and digraphs, word-initial overrides, overrides after a vowel)
_SCHEMES: dict[str, tuple[dict[str, str], dict[str, str], dict[str, str]]] = {
    # Russian passports since 2014, ICAO Doc 9303: Юлия -> Iuliia, Дмитрий -> Dmitrii.
    "icao": ({"ъ": "ie"}, {}, {}),
    # BGN/PCGN-like, the usual English spelling: Юлия -> Yuliya, Дмитрий -> Dmitriy.
    "bgn": (
        {"й": "y", "ю": "yu", "я": "ya", "ё": "yo", "ь": "", "ий": "iy", "ый": "yy", "є": "ye"},
        {"е": "ye", "ё": "yo"},
        {"е": "ye"},
    ),
    # Scholarly / ISO 9-style with diacritics: Юлия -> Julija, Щербаков -> Ščerbakov.
    "scholarly": (
        {
            "ж": "ž",
            "й": "j",
            "х": "ch",
            "ц": "c",
            "ч": "č",
            "ш": "š",
            "щ": "šč",
            "ю": "ju",
            "я": "ja",
            "ё": "ë",
            "э": "è",
            "є": "je",
            "ї": "ji",
            "ь": "",
            "ъ": "",
        },
        {},
        {},
    ),
    # German (Duden): Юлия -> Julija, Наталья -> Natalja, Жуков -> Schukow.
    "german": (
        {
            "в": "w",
            "ж": "sch",
            "з": "s",
            "й": "i",
            "х": "ch",
            "ц": "z",
            "ч": "tsch",
            "ш": "sch",
            "щ": "schtsch",
            "ю": "ju",
            "я": "ja",
            "ё": "jo",
            "ь": "",
            "ий": "i",
            "ый": "y",
            "ье": "je",
            "ья": "ja",
            "ьи": "ji",
        },
        {"е": "je"},
        {"е": "je"},
    ),
    # French usage: Юлия -> Ioulia, Шевченко -> Chevtchenko.
    "french": (
        {
            "у": "ou",
            "ж": "j",
            "й": "ï",
            "х": "kh",
            "ч": "tch",
            "ш": "ch",
            "щ": "chtch",
            "ю": "iou",
            "я": "ia",
            "ё": "io",
            "ия": "ia",
            "ий": "i",
            "ь": "",
            "ье": "ie",
            "ья": "ia",
        },
        {},
        {},
    ),
    # Romanian usage in Moldova: Сергей -> Serghei, Юлия -> Iulia, Чебан -> Ceban.
    "romanian": (
        {
            "ж": "j",
            "к": "c",
            "х": "h",
            "ц": "ț",
            "ч": "ci",
            "ш": "ș",
            "щ": "șc",
            "ы": "î",
            "ю": "iu",
            "я": "ia",
            "ия": "ia",
            "ге": "ghe",
            "ги": "ghi",
            "ке": "che",
            "ки": "chi",
            "ча": "cea",
            "чо": "cio",
            "чу": "ciu",
            "че": "ce",
            "чи": "ci",
            "ь": "",
        },
        {},
        {},
    ),
    # Ukrainian national system (2010): Юлія -> Yuliia, Олексій -> Oleksii, Григорій -> Hryhorii.
    "ukrainian": (
        {
            "г": "h",
            "ґ": "g",
            "и": "y",
            "і": "i",
            "ї": "i",
            "й": "i",
            "є": "ie",
            "ю": "iu",
            "я": "ia",
            "х": "kh",
            "ц": "ts",
            "щ": "shch",
            "ь": "",
            "зг": "zgh",
        },
        {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"},
        {},
    ),
    # Bulgarian streamlined system: Христо -> Hristo, Щерев -> Shterev, София -> Sofia.
    "bulgarian": (
        {"х": "h", "щ": "sht", "ъ": "a", "ь": "y", "й": "y", "ю": "yu", "я": "ya", "ц": "ts", "ия": "ia"},
        {},
        {},
    ),
    # Macedonian official Latin: Ѓорѓи -> Gjorgji, Кочовски -> Kochovski.
    "macedonian": ({"х": "h", "ц": "c", "ѓ": "gj", "ќ": "kj", "џ": "dzh", "ј": "j", "ѕ": "dz"}, {}, {}),
    # Serbian Latin (latinica): Ђорђевић -> Đorđević.
    "serbian": (
        {"ђ": "đ", "ж": "ž", "ћ": "ć", "ц": "c", "ч": "č", "џ": "dž", "ш": "š", "х": "h", "ј": "j"},
        {},
        {},
    ),
}

SCHEMES: tuple[str, ...] = tuple(_SCHEMES)

_ASCII = str.maketrans(
    {
        "ž": "z", "č": "c", "š": "s", "ć": "c", "đ": "dj", "ë": "e", "è": "e", "ï": "i", "ț": "t",
        "ș": "s", "ă": "a", "â": "a", "î": "i", "ç": "c", "é": "e", "ê": "e", "á": "a", "à": "a",
        "ã": "a", "õ": "o", "ó": "o", "ô": "o", "í": "i", "ú": "u", "ü": "u", "Ž": "Z", "Č": "C",
        "Š": "S", "Ć": "C", "Đ": "Dj", "Ț": "T", "Ș": "S", "Ă": "A", "Â": "A", "Î": "I", "Ç": "C",
        "É": "E", "Á": "A", "Ó": "O", "Í": "I", "Ú": "U", "Ê": "E", "Ô": "O",
    }
)  # fmt: skip


def is_cyrillic(text: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in text)


def strip_diacritics(text: str) -> str:
    """What a foreign clerk's keyboard makes of "Ștefan Căpățînă" or "Bytyçi"."""
    return text.translate(_ASCII)


def _word(word: str, table: dict[str, str], initial: dict[str, str], after_vowel: dict[str, str]) -> str:
    lower = word.lower()
    out: list[str] = []
    i = 0
    while i < len(lower):
        pair = lower[i : i + 2]
        if len(pair) == 2 and pair in table:
            out.append(table[pair])
            i += 2
            continue
        ch = lower[i]
        if i == 0 and ch in initial:
            out.append(initial[ch])
        elif i > 0 and lower[i - 1] in VOWELS and ch in after_vowel:
            out.append(after_vowel[ch])
        else:
            out.append(table.get(ch, _BASE.get(ch, ch)))
        i += 1
    latin = "".join(out)
    return latin[:1].upper() + latin[1:] if latin else latin


@lru_cache(maxsize=65536)
def transliterate(text: str, scheme: str) -> str:
    """``text`` in Latin letters by ``scheme`` (one of ``SCHEMES``); Latin text is returned as is."""
    table, initial, after_vowel = _SCHEMES[scheme]
    parts = []
    for chunk in text.split(" "):
        parts.append("-".join(_word(w, table, initial, after_vowel) for w in chunk.split("-")))
    return " ".join(parts)
