"""A unit after a number agrees with it: "1 piece", "2 pieces"; "1 stuk", "2 stuks"."""

import pytest
from django.utils import translation

from logistics.models import Unit


@pytest.mark.parametrize(("unit", "language", "one", "two"), [
    (Unit.PIECE, "en", "piece", "pieces"),
    (Unit.PAIR, "en", "pair", "pairs"),
    (Unit.PACK, "en", "pack", "packs"),
    (Unit.SET, "en", "set", "sets"),
    (Unit.PIECE, "nl", "stuk", "stuks"),
    (Unit.PAIR, "nl", "paar", "paar"),
    (Unit.PACK, "nl", "pak", "pakken"),
    (Unit.SET, "nl", "set", "sets"),
])
def test_a_unit_after_a_number(unit, language, one, two):
    with translation.override(language):
        assert unit.counted(1) == one
        assert unit.counted(2) == two
        assert unit.counted(12) == two


def test_every_unit_is_counted():
    with translation.override("en"):
        assert len({unit.counted(2) for unit in Unit}) == len(Unit)
