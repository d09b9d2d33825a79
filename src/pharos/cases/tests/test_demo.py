"""The demo's victim cases and proceeding: invented, valid against the code lists, loaded once."""

from __future__ import annotations

import pytest

from pharos.cases.models import PerpetratorAccount, Proceeding, TraffickingEvent, VictimCase
from pharos.core import demo

pytestmark = pytest.mark.django_db


def test_demo_cases_load_once() -> None:
    first = demo.load()
    assert first["victim cases"] == len(demo.CASES)
    assert first["proceedings"] == 1
    again = demo.load()
    assert again["victim cases"] == 0
    assert again["proceedings"] == 0
    assert VictimCase.objects.unscoped("test").count() == len(demo.CASES)
    assert TraffickingEvent.objects.unscoped("test").count() == 3
    assert PerpetratorAccount.objects.unscoped("test").count() == 3
    assert Proceeding.objects.unscoped("test").count() == 1
