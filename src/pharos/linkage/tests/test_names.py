"""Names from different scripts and transliteration schemes meet in one key."""

from __future__ import annotations

import pytest

from pharos.linkage.engine.names import fold, forms, key


@pytest.mark.parametrize(
    "spellings",
    [
        ("Юлия", "Iuliia", "Yuliya", "Julija", "Ioulia"),
        ("Шевченко", "Shevchenko", "Chevtchenko", "Schewtschenko", "Ševčenko", "Șevcenco"),
        ("Кузнецов", "Kuznetsov", "Kusnezow", "Kouznetsov", "Kuznecov"),
        ("محمد", "Mohammed", "Muhammad", "Mohamad"),
        ("حسين", "Hussein", "Hussain", "Houssein"),
        ("الحسن", "Al-Hassan", "El Hassan", "Alhassan"),
    ],
)
def test_spellings_of_one_name_share_a_key(spellings: tuple[str, ...]) -> None:
    keys = {forms(s)[1] for s in spellings}
    assert len(keys) == 1, {s: forms(s) for s in spellings}


def test_different_names_keep_different_keys() -> None:
    assert len({forms(n)[1] for n in ("Maria", "Elena", "Olga", "Ivanov", "Petrov", "Fatima")}) == 6


def test_folding_drops_case_diacritics_separators_and_the_detached_article() -> None:
    assert fold("  Ștefan-Iulian ") == "stefaniulian"
    assert fold("Đorđević") == "djordjevic"
    assert fold("Al-Khatib") == "khatib"
    assert fold("Alina") == "alina"  # not an article
    assert fold("") == ""
    assert fold(None) == ""
    assert key("") == ""
