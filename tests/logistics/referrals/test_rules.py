import datetime

import pytest

from logistics.models import KitType
from logistics.referrals.rules import (
    Window,
    add_months,
    due_date_window,
    kit_window,
    normalise_postcode,
    urgency,
)


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


# The shipped kit types' windows (fixtures/kit_types.json), the dates counted on a calendar.
@pytest.mark.django_db
def test_the_first_kit_may_come_from_16_weeks_before_the_due_date_and_should_by_6_weeks():
    window = kit_window(KitType.objects.get(code="start-50-68"), datetime.date(2026, 6, 30))
    assert window == Window(opens=datetime.date(2026, 3, 10),
                            deliver_by=datetime.date(2026, 5, 19))
    assert not window.has_opened(datetime.date(2026, 3, 9))
    assert window.has_opened(datetime.date(2026, 3, 10))  # the day it opens
    assert urgency(window.deliver_by, datetime.date(2026, 5, 4)) == ""
    assert urgency(window.deliver_by, datetime.date(2026, 5, 5)) == "at_risk"  # two weeks left
    assert urgency(window.deliver_by, datetime.date(2026, 5, 19)) == "at_risk"  # the last day
    assert urgency(window.deliver_by, datetime.date(2026, 5, 20)) == "overdue"


@pytest.mark.django_db
def test_the_follow_up_kit_may_come_from_13_weeks_after_the_birth_and_should_by_26_weeks():
    born = datetime.date(2026, 1, 15)
    window = kit_window(KitType.objects.get(code="vervolg-74-92"), born)
    assert window == Window(opens=datetime.date(2026, 4, 16),
                            deliver_by=datetime.date(2026, 7, 16))
    assert not window.has_opened(datetime.date(2026, 4, 15))
    assert window.has_opened(datetime.date(2026, 4, 16))
    # Six weeks before the birth, the first kit's target, is long past: not late for this kit.
    assert urgency(window.deliver_by, born) == ""
    assert urgency(window.deliver_by, datetime.date(2026, 7, 1)) == ""
    assert urgency(window.deliver_by, datetime.date(2026, 7, 2)) == "at_risk"
    assert urgency(window.deliver_by, datetime.date(2026, 7, 16)) == "at_risk"
    assert urgency(window.deliver_by, datetime.date(2026, 7, 17)) == "overdue"


def test_a_window_is_counted_in_whole_weeks_either_side_of_the_date():
    kit = KitType(window_opens_weeks=-1, deliver_by_weeks=2)
    assert kit_window(kit, datetime.date(2026, 12, 31)) == Window(
        opens=datetime.date(2026, 12, 24), deliver_by=datetime.date(2027, 1, 14))
