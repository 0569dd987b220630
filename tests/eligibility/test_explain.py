"""The explanation's lines in the user's language, remembered per language and message."""

import datetime
from decimal import Decimal

from django.utils import translation

from eligibility import explain, rules

NORM = rules.Message("norm", {"norm": Decimal("1580.83"), "valid_from": datetime.date(2026, 1, 1),
                              "includes_holiday_allowance": True})


def test_each_language_gets_its_own_line():
    with translation.override("nl"):
        dutch = explain.text(NORM)
    with translation.override("en"):
        english = explain.text(NORM)
    with translation.override("nl"):
        assert explain.text(NORM) == dutch
    assert "€ 1.580,83" in dutch and "1 januari 2026" in dutch
    assert "€ 1,580.83" in english and "inclusief vakantiegeld" not in english


def test_a_line_is_the_same_remembered_or_not():
    with translation.override("nl"):
        assert explain.text(NORM) == explain.text(NORM) == explain._text(NORM)


def test_a_value_that_cannot_be_remembered_is_still_shown():
    message = rules.Message("gone_code", {"amounts": [1, 2]})
    assert "gone_code" in explain.text(message)
