"""The kept counts (logistics/statistics/tally.py): every service that changes a referral keeps
them exactly as counting everything afresh would make them, and a kit taken off a pick list is
not approved a second time."""

import datetime
import statistics
import threading
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from logistics.distribution import services as distribution
from logistics.models import (
    CountedReferral,
    FigureCount,
    FigureTally,
    Municipality,
    PostcodeRange,
    Referral,
    ReferralStatusChange,
    Warehouse,
)
from logistics.referrals import follow_ups, retention, services
from logistics.statistics import figures, tally
from logistics.statistics.figures import Period
from startpakket.roles import Role
from tests.factories import PickupPointFactory, UserFactory, make_referral, referral_input
from tests.helpers import approved_kits, run_each_at_once, stock_for_kits

pytestmark = pytest.mark.django_db


def kept() -> tuple[dict, dict, dict]:
    """Every count, tally and referral's contribution that is not nothing."""
    counts = {row[:6]: row[6:] for row in FigureCount.objects.values_list(
        "grouping", "month", "municipality", "organisation", "kit_type", "method",
        *figures.MEASURES) if any(row[6:])}
    tallies = {row[:4]: row[4] for row in FigureTally.objects.values_list(
        "month", "municipality", "measure", "value", "count") if row[4]}
    counted = {pk: value for pk, value in CountedReferral.objects.values_list(
        "referral_id", "counted") if value["counts"] or value["tallies"]}
    return counts, tallies, counted


def assert_kept_as_counted_afresh() -> None:
    before = kept()
    assert before[0], "nothing counted at all"
    tally.rebuild()
    assert kept() == before


def test_every_service_keeps_the_counts_as_a_recount_makes_them(
        warehouse, coordinator, referrer, warehouse_user):
    utrecht = Municipality.objects.create(code="GM0344", name="Utrecht")
    PostcodeRange.objects.create(municipality=utrecht, first=3500, last=3585)
    point = PickupPointFactory(warehouse=warehouse)
    door = approved_kits(warehouse, coordinator, referrer, 3)
    pickup = approved_kits(warehouse, coordinator, referrer, 1, delivery_method="pickup",
                           pickup_point=point)
    post = approved_kits(warehouse, coordinator, referrer, 1, delivery_method="post")
    rejected = make_referral(referrer, postcode="9999 ZZ")
    services.reject_referral(referral=rejected, user=coordinator, reason="Te hoog inkomen")
    asked = make_referral(referrer)
    services.ask_for_information(referral=asked, user=coordinator, reason="Welke maat?")
    assert_kept_as_counted_afresh()

    # A correction moves the referral to another municipality.
    services.update_referral(referral=asked, user=referrer,
                             data=referral_input(postcode="9998 AA"), answer="Verhuisd")
    assert Referral.objects.get(pk=asked.pk).municipality is None
    assert_kept_as_counted_afresh()

    pick_list = distribution.create_pick_list(warehouse=warehouse, user=warehouse_user)
    assert_kept_as_counted_afresh()
    distribution.take_off(pick_list=pick_list, user=warehouse_user, codes=[door[2].code])
    distribution.pack(pick_list=pick_list, user=warehouse_user)
    assert_kept_as_counted_afresh()

    distribution.record_delivery(referral=door[0], user=warehouse_user)  # plans a follow-up
    distribution.record_failed_delivery(referral=door[1], user=warehouse_user,
                                        reason="Niet thuis")
    distribution.record_collected(referral=pickup[0], user=warehouse_user)
    distribution.record_shipped(referral=post[0], user=warehouse_user, tracking_number="3S1")
    services.cancel_referral(referral=Referral.objects.get(pk=door[1].pk), user=coordinator,
                             reason="Verhuisd")
    assert_kept_as_counted_afresh()

    # The three kits handed over each planned a follow-up kit; their windows open.
    planned = list(Referral.objects.filter(status="planned").order_by("window_opens"))
    assert len(planned) == 3
    stock_for_kits(warehouse, 3, kit_code=planned[0].kit_type.code, user=coordinator)
    assert follow_ups.open_follow_ups(today=planned[-1].window_opens) == planned
    assert_kept_as_counted_afresh()

    # New postcode ranges: the referrals' counts follow them to their municipality.
    PostcodeRange.objects.create(municipality=utrecht, first=9990, last=9999)
    assert services.derive_municipalities() == 2
    assert_kept_as_counted_afresh()

    retention.anonymise_due(today=timezone.localdate() + datetime.timedelta(days=3 * 365))
    assert Referral.objects.filter(anonymised_at__isnull=False).exists()
    assert_kept_as_counted_afresh()


def test_a_kit_taken_off_a_pick_list_is_not_approved_again(
        warehouse, coordinator, referrer, warehouse_user):
    [kit] = approved_kits(warehouse, coordinator, referrer, 1)
    # Approved last month (moved back by hand, and counted again as a fix by hand would be).
    last_month = timezone.now() - datetime.timedelta(days=40)
    ReferralStatusChange.objects.filter(referral=kit).update(at=last_month)
    Referral.objects.filter(pk=kit.pk).update(created_at=last_month)
    tally.recount([kit.pk])
    pick_list = distribution.create_pick_list(warehouse=warehouse, user=warehouse_user)
    distribution.take_off(pick_list=pick_list, user=warehouse_user, codes=[kit.code])
    assert Referral.objects.get(pk=kit.pk).status == "approved"

    then = Period.month(timezone.localtime(last_month).date())
    now = Period.month(timezone.localdate())
    assert figures.distribution(then, []).totals["approved"] == 1
    assert figures.distribution(now, []).totals["approved"] == 0
    assert figures.median_days_to("approved", now) is None


def test_a_referral_changed_behind_the_services_back_is_right_at_its_next_recount(referrer):
    referral = make_referral(referrer)
    month = Period.month(timezone.localdate())
    assert figures.distribution(month, ["method"]).rows[0].keys[0].code == "delivery"
    Referral.objects.filter(pk=referral.pk).update(delivery_method="post")
    tally.recount([referral.pk])
    assert [(row.keys[0].code, row.counts["referred"])
            for row in figures.distribution(month, ["method"]).rows] == [("post", 1)]
    tally.recount([referral.pk])  # once too often: nothing changes
    assert figures.distribution(month, []).totals["referred"] == 1


@given(st.lists(st.integers(min_value=0, max_value=400), max_size=60))
def test_the_median_of_a_tally_is_the_median_of_its_values(days):
    expected = Decimal(str(statistics.median(days))) if days else None
    assert figures.median_of_tally(Counter(days)) == expected


@pytest.fixture
def shipped_groups(transactional_db):
    """A test that commits for real finds the database emptied by the one before it."""
    call_command("install_defaults", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_the_migration_sums_the_tallies_of_all_municipalities_as_keeping_them_does(
        shipped_groups):
    coordinator, referrer = UserFactory(role=Role.COORDINATOR), UserFactory(role=Role.REFERRER)
    warehouse = Warehouse.objects.get(pk=UserFactory(role=Role.WAREHOUSE).organisation_id)
    for code, first in (("GM0344", 3500), ("GM0363", 1000)):
        PostcodeRange.objects.create(municipality=Municipality.objects.create(
            code=code, name=code), first=first, last=first + 99)
    made = [make_referral(referrer, postcode=postcode)
            for postcode in ("3511 AB", "3512 CD", "1011 AB", "9999 ZZ")]
    stock_for_kits(warehouse, 1)
    services.approve_referral(user=coordinator, referral=made[0], warehouse=warehouse)
    kept_now = kept()
    assert any(key[1] == FigureTally.ALL_MUNICIPALITIES for key in kept_now[1])
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([("logistics", "0018_statistics_organisation_index")])
        assert not FigureTally.objects.filter(
            municipality=FigureTally.ALL_MUNICIPALITIES).exists()
        executor = MigrationExecutor(connection)
        executor.migrate([("logistics", "0019_statistics_tallies_for_all_municipalities")])
        assert kept() == kept_now
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_counting_afresh_beside_a_new_referral_fails_nothing_and_counts_it_once(
        shipped_groups, monkeypatch):
    """``recount_statistics`` after a fix by hand (here: every count gone) while a nurse
    refers a family. Forced: the referral is made just after the rebuild read the referrals
    and emptied the tables, before it writes them whole; the rebuild goes on once the referral
    is done (or after two seconds, as when it keeps the referral waiting, as it should). The
    referral, not seen by the rebuild, adds itself to a count the rebuild writes too."""
    referrer = UserFactory(role=Role.REFERRER)
    make_referral(referrer)
    FigureCount.objects.all().delete()
    FigureTally.objects.all().delete()
    read, referred = threading.Event(), threading.Event()
    real_contributions = tally._contributions

    def contributions(ids):
        found = real_contributions(ids)
        read.set()
        referred.wait(timeout=2)
        return found

    def refer():
        read.wait(timeout=10)
        try:
            return make_referral(referrer)
        finally:
            referred.set()

    monkeypatch.setattr(tally, "_contributions", contributions)
    results = run_each_at_once(tally.rebuild, refer)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(type(r).__name__ for r in results) == ["Referral", "int"]
    month = Period.month(timezone.localdate())
    assert figures.distribution(month, []).totals["referred"] == 2
    assert CountedReferral.objects.count() == 2
    monkeypatch.undo()
    assert_kept_as_counted_afresh()
