"""The figures and the research export do not change when old referrals are anonymised
(DESIGN §6; logistics/referrals/retention.py keeps what they need)."""

import datetime

import pytest

from logistics.models import Referral
from logistics.referrals import retention
from logistics.statistics import exports, figures
from logistics.statistics.figures import Period

pytestmark = pytest.mark.django_db
PERIODS = [Period.parse("2025-01", "2025-03"), Period.parse("2024-12", "2025-02")]


def everything():
    found = []
    for period in PERIODS:
        for group_by in ([], ["month"], ["organisation"], ["kit_type"], ["municipality"],
                         list(figures.GROUPINGS)):
            found.append(figures.distribution(period, group_by))
        found.append(figures.key_figures(period))
    found.append(list(exports.research_rows()))
    return found


def test_anonymising_changes_no_figure(world):
    before = everything()
    done = retention.anonymise_due(today=datetime.date(2030, 1, 1))
    # The closed ones: r1, r2, r11 delivered, r3 rejected, r5 cancelled.
    assert len(done) == 5
    r2 = Referral.objects.get(pk=world.referrals["r2"].pk)
    # Late by its exact dates (20 Feb, due 2 April: deliver by 19 Feb); in time by the first
    # days of their months, which are all that is left (1 Feb, due 1 April: by 18 Feb).
    assert r2.anonymised and r2.delivered_on == datetime.date(2025, 2, 1)
    assert r2.due_date == datetime.date(2025, 4, 1) and r2.delivered_in_time is False
    assert everything() == before
