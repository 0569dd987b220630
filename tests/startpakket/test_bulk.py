"""Writing many rows at once (startpakket/bulk.py): what ``create`` writes reads back as
``bulk_create`` would have written it, keys included, on both databases."""

import datetime

import pytest
from django.utils import timezone

from logistics.models import CountedReferral, ReferralStatusChange
from startpakket import bulk
from tests.factories import make_referral

pytestmark = pytest.mark.django_db


def test_create_gives_every_row_its_own_key_and_later_rows_keys_after_them(referrer):
    referral = make_referral(referrer)
    rows = [ReferralStatusChange(referral=referral, from_status="submitted",
                                 to_status=status, reason=f"Reden {n} “é”")
            for n, status in enumerate(["approved", "scheduled", "packed"])]

    made = bulk.create(rows)

    assert made == rows and all(row.pk and not row._state.adding for row in rows)
    assert len({row.pk for row in rows}) == 3
    stored = ReferralStatusChange.objects.filter(pk__in=[row.pk for row in rows])
    assert sorted(stored.values_list("to_status", "reason", "by", "referral")) == [
        ("approved", "Reden 0 “é”", None, referral.pk),
        ("packed", "Reden 2 “é”", None, referral.pk),
        ("scheduled", "Reden 1 “é”", None, referral.pk)]
    # Its time set on adding (``auto_now_add``), as bulk_create sets it.
    assert all(abs(row.at - timezone.now()) < datetime.timedelta(minutes=1) for row in stored)
    # A row made the ordinary way afterwards takes the next key, not one of theirs.
    later = ReferralStatusChange.objects.create(referral=referral, to_status="delivered")
    assert later.pk > max(row.pk for row in rows)


def test_create_stores_json_as_json_and_keeps_a_key_it_is_given(referrer):
    referral = make_referral(referrer)
    CountedReferral.objects.filter(referral=referral).delete()
    counted = {"counts": [["2026-11", "referred", 1]], "tallies": [], "dims": [0, 1, 2, "post"]}

    bulk.create([CountedReferral(referral=referral, counted=counted)])

    assert CountedReferral.objects.get(referral=referral).counted == counted
    assert CountedReferral.objects.filter(counted__dims__3="post").count() == 1


def test_create_of_nothing_writes_nothing():
    assert bulk.create([]) == []
