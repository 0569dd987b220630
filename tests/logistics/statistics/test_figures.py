"""The figures (logistics/statistics/figures.py) against counts made by hand from the data set
in conftest.PLAN."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from logistics.models import KitType, Referral
from logistics.statistics import figures, tally
from logistics.statistics.figures import UNKNOWN, Period
from logistics.stock.services import kit_requirements

pytestmark = pytest.mark.django_db
Q1 = Period.parse("2025-01", "2025-03")
ZERO = dict.fromkeys(figures.MEASURES, 0)


def counts(**values):
    return {**ZERO, **values}


def by_code(table, grouping):
    return {table.group(row, grouping).code: row.counts for row in table.rows}


def test_per_month(world):
    table = figures.distribution(Q1, ["month"])
    assert [row.keys[0].code for row in table.rows] == ["2025-01", "2025-02", "2025-03"]
    assert by_code(table, "month") == {
        # r3 made at 23:30 on 31 January in Amsterdam (22:30 UTC) counts in January.
        "2025-01": counts(referred=5, approved=2, delivered=1, delivered_in_time=1),
        # r3 rejected at 00:15 on 1 February in Amsterdam (still January in UTC).
        "2025-02": counts(referred=3, approved=3, rejected=1, delivered=2, delivered_in_time=1),
        "2025-03": counts(referred=2, approved=2, cancelled=1),
    }
    assert table.totals == counts(referred=10, approved=7, rejected=1, cancelled=1,
                                  delivered=3, delivered_in_time=2)


def test_per_municipality_with_unknown_last(world):
    with translation.override("nl"):
        table = figures.distribution(Q1, ["municipality"])
    assert [(row.keys[0].code, row.keys[0].name) for row in table.rows] == [
        ("GM0307", "Amersfoort"), ("GM0344", "Utrecht"), (None, "onbekend")]
    assert by_code(table, "municipality") == {
        "GM0344": counts(referred=5, approved=4, delivered=3, delivered_in_time=2),
        "GM0307": counts(referred=3, approved=2, rejected=1, cancelled=1),
        None: counts(referred=2, approved=1),
    }


def test_per_organisation_and_kit_type(world):
    table = figures.distribution(Q1, ["organisation"])
    assert [(row.keys[0].code, row.keys[0].name) for row in table.rows] == [
        ("ggd-zuid", "GGD Zuid"), ("jgz-noord", "JGZ Noord")]
    assert by_code(table, "organisation") == {
        "jgz-noord": counts(referred=5, approved=5, cancelled=1, delivered=3,
                            delivered_in_time=2),
        "ggd-zuid": counts(referred=5, approved=2, rejected=1),
    }
    kits = by_code(figures.distribution(Q1, ["kit_type"]), "kit_type")
    assert kits == {
        "start-50-68": counts(referred=8, approved=5, rejected=1, cancelled=1, delivered=3,
                              delivered_in_time=2),
        "vervolg-74-92": counts(referred=2, approved=2),
    }


def test_per_kit_type_named_in_the_language_of_the_page(world):
    KitType.objects.filter(code="vervolg-74-92").update(name_en="")  # no English name
    names = {}
    for language in ("nl", "en"):
        with translation.override(language):
            table = figures.distribution(Q1, ["kit_type"])
        names[language] = {row.keys[0].code: row.keys[0].name for row in table.rows}
    assert names == {
        "nl": {"start-50-68": "Startpakket maat 50/56–62/68",
               "vervolg-74-92": "Vervolgpakket maat 74/80–86/92"},
        "en": {"start-50-68": "Start-kit sizes 50/56–62/68",
               "vervolg-74-92": "Vervolgpakket maat 74/80–86/92"},
    }


def test_groupings_combined(world):
    table = figures.distribution(Q1, ["municipality", "month"])
    assert table.group_by == ("month", "municipality")  # always in the fixed order
    found = {(row.keys[0].code, row.keys[1].code): row.counts for row in table.rows}
    assert found == {
        ("2025-01", "GM0344"): counts(referred=3, approved=2, delivered=1, delivered_in_time=1),
        ("2025-01", "GM0307"): counts(referred=1),
        ("2025-01", None): counts(referred=1),
        ("2025-02", "GM0344"): counts(referred=1, approved=1, delivered=2, delivered_in_time=1),
        ("2025-02", "GM0307"): counts(referred=1, approved=1, rejected=1),
        ("2025-02", None): counts(referred=1, approved=1),
        ("2025-03", "GM0344"): counts(referred=1, approved=1),
        ("2025-03", "GM0307"): counts(referred=1, approved=1, cancelled=1),
    }


def test_filtered_by_municipality(world):
    assert figures.distribution(Q1, [], municipality="GM0344").totals == counts(
        referred=5, approved=4, delivered=3, delivered_in_time=2)
    assert figures.distribution(Q1, [], municipality=world.amersfoort).totals == counts(
        referred=3, approved=2, rejected=1, cancelled=1)
    assert figures.distribution(Q1, [], municipality=UNKNOWN).totals == counts(
        referred=2, approved=1)


def test_one_month_and_empty_months(world):
    assert figures.distribution(Period.parse("2025-03"), []).totals == counts(
        referred=2, approved=2, cancelled=1)
    table = figures.distribution(Period.parse("2024-06", "2024-07"), ["month"])
    assert [(row.keys[0].code, row.counts) for row in table.rows] == [
        ("2024-06", ZERO), ("2024-07", ZERO)]


def test_key_figures(world):
    key = figures.key_figures(Q1)
    assert key.by_status == {
        "submitted": 1, "needs_info": 1, "approved": 1, "rejected": 1, "scheduled": 1,
        "packed": 1, "delivered": 2, "delivery_failed": 1, "cancelled": 1,
        "collected": 0, "not_collected": 0, "shipped": 0}
    assert key.approval_rate == Decimal("87.5")  # 7 of 8 decisions
    assert key.share_in_time == Decimal("66.7")  # 2 of 3
    # Days to approval: 2, 5, 1, 2, 18, 18, 1 → 1 1 2 [2] 5 18 18.
    assert key.median_days_to_approval == 2
    # To the recording of the delivery: r11 19, r1 24, r2 32 (recorded a day after 20 Feb).
    assert key.median_days_to_delivery == 24
    utrecht = figures.key_figures(Q1, municipality=world.utrecht)
    # Utrecht's approvals: r1 2, r2 5, r7 2, r8 18 → between 2 and 5.
    assert utrecht.median_days_to_approval == Decimal("3.5")


def test_items_issued_are_positive_per_item(world):
    issued = {row.sku: row.quantity for row in figures.items_issued(Period.parse(
        datetime.date.today().strftime("%Y-%m")))}
    # Five kits were packed today: r1, r2, r9, r11 of the first kit type, r10 of the other.
    expected = {}
    for code, kits in (("start-50-68", 4), ("vervolg-74-92", 1)):
        for item, quantity in kit_requirements(KitType.objects.get(code=code), kits=kits).items():
            expected[item.sku] = expected.get(item.sku, 0) + quantity
    assert issued == expected
    assert figures.items_issued(Q1) == []


@pytest.mark.parametrize(("first", "last"), [("2025-13", None), ("25-01", None), ("", None),
                                             ("2025-03", "2025-01")])
def test_bad_periods_are_refused(first, last):
    with pytest.raises(ValueError):
        Period.parse(first, last)


def test_unknown_grouping_is_refused():
    with pytest.raises(ValueError, match="weekday"):
        figures.check_group_by(["month", "weekday"])


@pytest.mark.parametrize(("delivered_on", "in_time"), [
    ("2025-02-18", 1),  # exactly six weeks before the due date (1 April)
    ("2025-02-19", 0),  # a day later
])
def test_in_time_at_the_edge(world, delivered_on, in_time):
    Referral.objects.filter(pk=world.referrals["r1"].pk).update(
        delivered_on=datetime.date.fromisoformat(delivered_on))
    tally.recount([world.referrals["r1"].pk])
    totals = figures.distribution(Period.parse("2025-02"), [], municipality="GM0344").totals
    # r2 (late) and r1.
    assert (totals["delivered"], totals["delivered_in_time"]) == (2, in_time)


@pytest.mark.parametrize(("delivered_on", "in_time"), [
    ("2025-09-30", 1),  # 13 weeks after the birth (1 July): the window opens
    ("2025-12-30", 1),  # 26 weeks after: the last day of its window
    ("2025-12-31", 0),  # a day later
])
def test_a_follow_up_kit_is_in_time_by_the_end_of_its_own_window(world, delivered_on, in_time):
    """Not six weeks before the birth, which every follow-up kit is past."""
    follow_up = world.referrals["r10"]  # packed, the baby born on 1 July 2025
    Referral.objects.filter(pk=follow_up.pk).update(
        status="delivered", delivered_on=datetime.date.fromisoformat(delivered_on))
    tally.recount([follow_up.pk])
    month = Period.parse(delivered_on[:7])
    totals = figures.distribution(month, [], municipality="GM0307").totals
    assert (totals["delivered"], totals["delivered_in_time"]) == (1, in_time)
