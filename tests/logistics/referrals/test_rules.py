import datetime

import pytest

from logistics.referrals.rules import add_months, due_date_window, normalise_postcode


@pytest.mark.parametrize(("text", "expected"), [
    ("1234 AB", "1234 AB"), ("1234ab", "1234 AB"), (" 1234  ab ", "1234 AB"), ("9999zz", "9999 ZZ"),
    ("0123 AB", None), ("123 AB", None), ("12345 AB", None), ("1234 A", None), ("1234 ABC", None),
    ("1234 SA", None), ("1234 sd", None), ("1234 SS", None), ("", None), ("ABCD 12", None),
    ("1234-AB", None), ("١٢٣٤ AB", None),
])
def test_postcodes_are_normalised_or_refused(text, expected):
    assert normalise_postcode(text) == expected


def test_months_are_added_calendar_wise():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 11, 26), 10) == datetime.date(2027, 9, 26)
    assert add_months(datetime.date(2026, 3, 31), -13) == datetime.date(2025, 2, 28)


def test_the_due_date_window_is_twelve_months_back_and_ten_ahead():
    assert due_date_window(datetime.date(2026, 11, 26)) == (
        datetime.date(2025, 11, 26), datetime.date(2027, 9, 26))
