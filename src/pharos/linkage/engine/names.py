"""Names made comparable across scripts and transliteration schemes.

The same passport name reaches different agencies as "Юлия", "Iuliia", "Yuliya", "Julija"
or "Ioulia", and "محمد" as "Mohammed" or "Muhammad". Two derived forms make them meet:

- ``fold``: one Latin spelling, lower case, letters only. Cyrillic and Arabic script are
  romanised by one fixed table, diacritics are dropped ("Ševčenko" → "sevcenko"), and the
  Arabic article written apart ("Al-Hassan", "El Hassan") is removed. Used for exact and
  Jaro-Winkler comparison.
- ``key``: a transliteration-blind consonant skeleton in the spirit of Soundex, but full
  length and aware of the digraphs each scheme uses (sh, sch, tsch, zh, kh, ts…): vowels,
  y and j-as-y vanish, consonants fall into six classes (h joins g and k, for Ukrainian
  "Olha" and "Khadija"/"Hadija"), repeats collapse. "Iuliia",
  "Yuliya" and "Julija" all give "4"; "Shevchenko", "Chevtchenko", "Schewtschenko" and
  "Șevcenco" give "21252"; "محمد", "Mohammed" and "Muhammad" give "5253". Used for blocking
  and for a looser comparison level; it is deliberately coarse, the model learns how much
  a key match is worth.

Both are pure functions of the string, so they run once per distinct name (a million
records carry a few tens of thousands of distinct names).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# One fixed romanisation of Cyrillic (ICAO-like); the key below absorbs the other schemes.
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "e", "є": "ie",
    "ж": "zh", "з": "z", "и": "i", "і": "i", "ї": "i", "й": "i", "ј": "j", "к": "k", "л": "l",
    "љ": "lj", "м": "m", "н": "n", "њ": "nj", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ў": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia", "ђ": "dj", "ћ": "c", "ќ": "kj",
    "ѓ": "gj", "ѕ": "dz", "џ": "dzh", "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o",
    "ұ": "u", "ү": "u", "һ": "h", "ҳ": "h", "ӣ": "i", "ӯ": "u", "ҷ": "j",
}  # fmt: skip

# Arabic letters to Latin consonants (short vowels are not written in Arabic script).
_ARABIC = {
    "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ٱ": "a", "ب": "b", "ت": "t", "ث": "th", "ج": "j",
    "ح": "h", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z", "س": "s", "ش": "sh",
    "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "", "غ": "gh", "ف": "f", "ق": "q", "ك": "k",
    "ل": "l", "م": "m", "ن": "n", "ه": "h", "و": "u", "ي": "y", "ى": "a", "ة": "a", "ء": "",
    "ئ": "", "ؤ": "", "ـ": "", "پ": "p", "چ": "ch", "ژ": "zh", "گ": "g", "ک": "k", "ی": "y",
}  # fmt: skip

# Latin letters that NFKD does not decompose.
_LATIN_EXTRA = {"đ": "dj", "ł": "l", "ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th"}

_ARTICLE = re.compile(r"^(?:al|el|ul)[\s\-‐'’]+(?=\S{2})", re.IGNORECASE)
_ARABIC_ARTICLE = re.compile(r"^ال(?=\S{2})")
_NOT_LETTER = re.compile(r"[^a-z]")

# Multi-letter spellings of one sound, longest first (German, French, English, Romanian…).
_DIGRAPHS = (
    ("schtsch", "s"), ("chtch", "s"), ("shch", "s"), ("tsch", "c"), ("dzh", "j"), ("sch", "s"),
    ("tch", "c"), ("sht", "s"), ("ts", "c"), ("tz", "c"), ("zh", "z"), ("sh", "s"),
    ("ch", "c"), ("kh", "k"), ("gh", "g"), ("ph", "f"), ("th", "t"), ("dh", "d"), ("dj", "j"),
    ("gj", "j"), ("kj", "k"), ("dz", "z"), ("ck", "k"), ("ou", "u"),
)  # fmt: skip
_DIGRAPH_RE = re.compile("|".join(d for d, _ in _DIGRAPHS))
_DIGRAPH_MAP = dict(_DIGRAPHS)
# Consonant classes (Soundex's, with w joining v for German "Iwanow").
_CLASS = {
    **dict.fromkeys("bfpvw", "1"),
    **dict.fromkeys("cghjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}


def _romanise(text: str) -> str:
    out = []
    for ch in text:
        lower = ch.lower()
        if lower in _CYRILLIC:
            out.append(_CYRILLIC[lower])
        elif lower in _ARABIC:
            out.append(_ARABIC[lower])
        elif lower in _LATIN_EXTRA:
            out.append(_LATIN_EXTRA[lower])
        else:
            out.append(lower)
    decomposed = unicodedata.normalize("NFKD", "".join(out))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=262_144)
def fold(raw: str | None) -> str:
    """One Latin spelling of a name: lower case a-z only; "" when nothing is left."""
    if not raw:
        return ""
    text = unicodedata.normalize("NFKC", raw).strip()
    text = _ARABIC_ARTICLE.sub("", text)
    text = _ARTICLE.sub("", text)
    return _NOT_LETTER.sub("", _romanise(text))


@lru_cache(maxsize=262_144)
def key(folded: str) -> str:
    """The transliteration-blind consonant skeleton of a folded name ("" for none)."""
    if not folded:
        return ""
    text = folded
    if len(text) >= 5 and text[:2] in ("al", "el") and text[2] not in "aeiouy":
        text = text[2:]  # the Arabic article written together: "Alhassan" as "الحسن"
    text = _DIGRAPH_RE.sub(lambda m: _DIGRAPH_MAP[m.group(0)], text)
    text = re.sub(r"(?<=[aeiouy])h$", "", text)  # "Fatimah", "Sarah": a silent final h
    # "j" next to a vowel is the y-glide of й/ю/я (Julija, Jelena, Marija): a vowel here.
    text = re.sub(r"(?<=[aeiouy])j|j(?=[aeiouy])", "y", text)
    digits: list[str] = []
    previous = ""
    for ch in text:
        cls = _CLASS.get(ch)
        if cls is None:  # vowels and y break nothing: "Mohammed" and "mhmd" agree
            continue
        if cls != previous:
            digits.append(cls)
        previous = cls
    return "".join(digits)


def forms(raw: str | None) -> tuple[str, str]:
    """``(fold(raw), key(fold(raw)))``."""
    folded = fold(raw)
    return folded, key(folded)


__all__ = ["fold", "forms", "key"]
