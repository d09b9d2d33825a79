"""The errors real case files have, applied to repeat reports of the same person."""

from __future__ import annotations

import random

_ALPHABETS = {
    "Cyrl": "абвгдеёжзийклмнопрстуфхцчшщыьэюя",
    "Arab": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
    "Latn": "abcdefghijklmnopqrstuvwxyz",
}
TYPO_KINDS = ("insertion", "deletion", "substitution", "transposition")


def script_of(text: str) -> str:
    for ch in text:
        if "\u0400" <= ch <= "\u04ff":
            return "Cyrl"
        if "\u0600" <= ch <= "\u06ff":
            return "Arab"
    return "Latn"


def typo(text: str, rng: random.Random) -> str:
    """One keying error: a letter inserted, deleted, replaced, or two neighbours swapped.

    The result always differs from ``text`` (a name of one letter gets a letter added).
    """
    if not text:
        return text
    alphabet = _ALPHABETS[script_of(text)]
    for _attempt in range(8):
        kind = TYPO_KINDS[int(rng.random() * 4)]
        n = len(text)
        if kind == "deletion" and n >= 3:
            i = 1 + int(rng.random() * (n - 1))
            changed = text[:i] + text[i + 1 :]
        elif kind == "transposition" and n >= 3:
            i = 1 + int(rng.random() * (n - 2))
            changed = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        elif kind == "substitution" and n >= 2:
            i = 1 + int(rng.random() * (n - 1))
            changed = text[:i] + alphabet[int(rng.random() * len(alphabet))] + text[i + 1 :]
        else:
            i = 1 + int(rng.random() * n)
            changed = text[:i] + alphabet[int(rng.random() * len(alphabet))] + text[i:]
        if changed != text:
            return changed
    return text + alphabet[0]


def swap_day_month(iso_date: str) -> str | None:
    """``YYYY-DD-MM`` read as ``YYYY-MM-DD``: only possible when both are 12 or less and differ."""
    if len(iso_date) != 10:
        return None
    year, month, day = iso_date[:4], iso_date[5:7], iso_date[8:10]
    if month == day or int(day) > 12 or int(month) > 12:
        return None
    return f"{year}-{day}-{month}"
