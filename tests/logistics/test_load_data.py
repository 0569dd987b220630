"""``manage.py generate_load_data`` (issue #18): made-up data at scale, written with bulk INSERTs,
that looks as the services would have left it. At a small size, on whichever database the suite
runs (``scripts/run_tests.py`` runs it on SQLite and PostgreSQL)."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count

from logistics.models import (
    DeliveryMethod,
    KitType,
    PickListEntry,
    Referral,
    ReferralNumber,
    ReferralStatus,
    ReservationState,
    StockLevel,
    StockMovement,
)
from logistics.referrals import codes
from logistics.referrals.rules import kit_window
from logistics.referrals.workflow import ALLOWED_TRANSITIONS, METHOD_OF_STATUS
from logistics.statistics import figures
from logistics.stock import ledger

pytestmark = pytest.mark.django_db

REFERRALS, MOVEMENTS = 300, 2000
ARGS = ["--referrals", str(REFERRALS), "--movements", str(MOVEMENTS), "--seed", "5"]


def generate(*extra) -> str:
    out = StringIO()
    call_command("generate_load_data", *ARGS, *extra, stdout=out)
    return out.getvalue()


@pytest.fixture
def loaded():
    return generate()


def test_counts_statuses_and_methods(loaded):
    assert Referral.objects.count() == REFERRALS
    # The opening stock (29 items at 2 warehouses) besides the movements asked for, and a count
    # correction or two where the made-up ledger took out more than came in.
    assert StockMovement.objects.filter(note="").count() + StockMovement.objects.filter(
        note="Levering").count() == MOVEMENTS
    statuses = dict(Referral.objects.values_list("status").annotate(n=Count("id")))
    assert set(statuses) == set(ReferralStatus.values), statuses
    # Most referrals are done, and most of those reached the family.
    handed_over = sum(statuses[s] for s in ("delivered", "collected", "shipped"))
    assert handed_over > REFERRALS / 2
    methods = dict(Referral.objects.values_list("delivery_method").annotate(n=Count("id")))
    assert set(methods) == set(DeliveryMethod.values)
    assert methods[DeliveryMethod.DELIVERY] > methods[DeliveryMethod.PICKUP] > 0
    for status, method in METHOD_OF_STATUS.items():
        assert not Referral.objects.filter(status=status).exclude(delivery_method=method).exists()
    assert Referral.objects.filter(municipality__isnull=False).count() > REFERRALS / 2
    assert "referrals: 300 in" in loaded
    assert "stock drift: 0" in loaded


def test_over_several_years():
    generate()
    days = {r.created_at.date() for r in Referral.objects.all()}
    assert max(days) - min(days) > datetime.timedelta(days=2 * 365)
    assert ReferralNumber.objects.count() >= 3
    for number in ReferralNumber.objects.all():
        last = Referral.objects.filter(code__startswith=f"{codes.PREFIX}-{number.year}-") \
            .order_by("-code").first()
        assert last.code == codes.format_code(number.year, number.last)


def test_follow_ups_follow_a_handed_over_first_kit(loaded):
    follow_ups = Referral.objects.filter(follows__isnull=False).select_related("follows")
    assert follow_ups.count() > 10
    assert follow_ups.filter(status=ReferralStatus.PLANNED).exists()
    for follow_up in follow_ups:
        first = follow_up.follows
        assert first.status in ("delivered", "collected", "shipped")
        assert follow_up.kit_type_id == first.kit_type.follow_up_id
        assert (follow_up.postcode, follow_up.phone) == (first.postcode, first.phone)
        assert follow_up.history.first().to_status == ReferralStatus.PLANNED


def test_history_and_windows_agree_with_the_status(loaded):
    kit_types = {kit.pk: kit for kit in KitType.objects.all()}
    for referral in Referral.objects.prefetch_related("history"):
        history = list(referral.history.all())
        assert history[-1].to_status == referral.status, referral.code
        for change in history[1:]:
            assert change.to_status in ALLOWED_TRANSITIONS[change.from_status], change
        assert [c.at for c in history] == sorted(c.at for c in history)
        window = kit_window(kit_types[referral.kit_type_id], referral.due_date)
        assert (referral.window_opens, referral.deliver_by) == (window.opens, window.deliver_by)
        assert (referral.delivered_on is not None) == (
            referral.status in ("delivered", "collected", "shipped"))
        assert (referral.pickup_point_id is not None) == (referral.delivery_method == "pickup")


def test_stock_reservations_and_pick_lists(loaded):
    assert ledger.find_drift() == []
    assert StockLevel.objects.filter(reserved__gt=0).exists()
    for status in ("approved", "scheduled"):
        assert not Referral.objects.filter(status=status).exclude(
            reservation__state=ReservationState.ACTIVE).exists()
    assert not Referral.objects.filter(status="packed").exclude(
        reservation__state=ReservationState.CONSUMED).exists()
    on_lists = set(PickListEntry.objects.filter(removed_at__isnull=True)
                   .values_list("referral__status", flat=True))
    assert {"scheduled", "packed", "delivered"} <= on_lists
    assert not PickListEntry.objects.filter(removed_at__isnull=True,
                                            referral__status="delivery_failed").exists()


def test_the_statistics_run_on_it(loaded):
    today = datetime.date.today()
    period = figures.Period.parse(f"{today.year - 2}-01", f"{today.year}-{today.month:02d}")
    table = figures.distribution(period, ("month", "municipality"))
    assert table.rows


def test_the_same_seed_makes_the_same_data():
    def made():
        return list(Referral.objects.order_by("code").values_list(
            "code", "postcode", "status", "delivery_method", "due_date"))

    with transaction.atomic():
        generate()
        first = made()
        transaction.set_rollback(True)
    assert not Referral.objects.exists()
    generate()
    assert made() == first


def test_refuses_a_database_with_referrals_unless_appending(loaded):
    with pytest.raises(CommandError, match="already holds referrals"):
        generate()
    assert Referral.objects.count() == REFERRALS
    generate("--append")
    assert Referral.objects.count() == 2 * REFERRALS
    assert ledger.find_drift() == []
