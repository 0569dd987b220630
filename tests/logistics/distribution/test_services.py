"""Pick lists, packing and delivery through the services (DESIGN §5)."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from logistics.distribution import services as deliveries
from logistics.distribution import services as pick_lists
from logistics.models import (
    MovementKind,
    PickList,
    PickListEntry,
    ReferralStatus,
    ReservationState,
    StockLevel,
    StockMovement,
)
from logistics.referrals import services
from logistics.referrals.workflow import TransitionNotAllowed
from logistics.stock import services as stock
from logistics.stock.ledger import find_drift
from startpakket.errors import FieldError
from tests.factories import WarehouseFactory, make_referral
from tests.helpers import approved_kits, kit_requirements, move_due_date

pytestmark = pytest.mark.django_db
S = ReferralStatus


def _levels(warehouse):
    return {level.item.sku: (level.on_hand, level.reserved)
            for level in StockLevel.objects.filter(warehouse=warehouse).select_related("item")}


def test_a_list_takes_the_most_urgent_waiting_kits_up_to_the_maximum(
        warehouse, warehouse_user, coordinator, referrer):
    referrals = approved_kits(warehouse, coordinator, referrer, 4)
    # The last one made is due first.
    move_due_date([referrals[3]], datetime.date.today() + datetime.timedelta(days=60))

    pick_list = pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user,
                                            max_packages=2)

    entries = list(pick_list.entries.order_by("position"))
    assert [entry.referral.code for entry in entries] == [referrals[3].code, referrals[0].code]
    assert pick_list.number == 1
    for entry in entries:
        entry.referral.refresh_from_db()
        assert entry.referral.status == S.SCHEDULED
        change = entry.referral.history.last()
        assert (change.from_status, change.to_status, change.by) == (
            S.APPROVED, S.SCHEDULED, warehouse_user)
    # The next list takes the rest, and is number 2.
    second = pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)
    assert second.number == 2
    assert {e.referral_id for e in second.entries.all()} == {referrals[1].pk, referrals[2].pk}
    with pytest.raises(pick_lists.NothingToSchedule):
        pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)


def test_a_list_takes_only_its_own_warehouses_kits(warehouse, warehouse_user, coordinator,
                                                  referrer):
    other = WarehouseFactory()
    approved_kits(other, coordinator, referrer, 1)
    with pytest.raises(pick_lists.NothingToSchedule):
        pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)
    assert not PickList.objects.exists()


@pytest.mark.parametrize("value", [0, -1, 501, "5", 2.5, True])
def test_the_maximum_is_a_whole_number_from_1_to_500(warehouse, warehouse_user, value):
    with pytest.raises(FieldError) as refused:
        pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user,
                                    max_packages=value)
    assert refused.value.field == "max_packages"


def test_a_token_seen_before_answers_the_same_list(warehouse, warehouse_user, coordinator,
                                                  referrer):
    import uuid

    approved_kits(warehouse, coordinator, referrer, 3)
    token = uuid.uuid4()
    first = pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user,
                                        max_packages=1, token=token)
    again = pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user,
                                        max_packages=1, token=token)
    assert again.pk == first.pk
    assert PickList.objects.count() == 1


def test_a_referral_is_on_one_list_at_a_time(warehouse, warehouse_user, coordinator, referrer):
    (referral,) = approved_kits(warehouse, coordinator, referrer, 1)
    pick_list = pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)
    other = PickList.objects.create(warehouse=warehouse, number=99, created_by=warehouse_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        PickListEntry.objects.create(pick_list=other, referral=referral, position=1)
    assert pick_list.entries.get().referral == referral


def test_packing_takes_exactly_the_kits_components_off_the_stock(
        warehouse, warehouse_user, coordinator, referrer):
    referrals = approved_kits(warehouse, coordinator, referrer, 2)
    before = _levels(warehouse)
    pick_list = pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)

    packed = pick_lists.pack(pick_list=pick_list, user=warehouse_user,
                             codes=[referrals[0].code])

    assert [referral.code for referral in packed] == [referrals[0].code]
    needed = {item.sku: quantity for item, quantity in kit_requirements().items()}
    issues = StockMovement.objects.filter(kind=MovementKind.ISSUE,
                                          reservation=referrals[0].reservation)
    assert {m.item.sku: -m.quantity for m in issues} == needed
    after = _levels(warehouse)
    for sku, quantity in needed.items():
        assert after[sku] == (before[sku][0] - quantity, before[sku][1] - quantity)
    referrals[0].reservation.refresh_from_db()
    assert referrals[0].reservation.state == ReservationState.CONSUMED
    assert find_drift() == []

    # All: only the one still scheduled is packed now; a second click packs nothing.
    assert [r.code for r in pick_lists.pack(pick_list=pick_list, user=warehouse_user)] == [
        referrals[1].code]
    assert pick_lists.pack(pick_list=pick_list, user=warehouse_user) == []
    assert StockMovement.objects.filter(kind=MovementKind.ISSUE).count() == 2 * len(needed)
    assert all(level == (0, 0) for level in _levels(warehouse).values())


def test_packing_refuses_codes_not_on_the_list(warehouse, warehouse_user, coordinator, referrer):
    approved_kits(warehouse, coordinator, referrer, 1)
    pick_list = pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)
    elsewhere = make_referral(referrer)
    with pytest.raises(FieldError) as refused:
        pick_lists.pack(pick_list=pick_list, user=warehouse_user, codes=[elsewhere.code])
    assert refused.value.field == "referrals" and elsewhere.code in refused.value.detail
    with pytest.raises(FieldError):
        pick_lists.pack(pick_list=pick_list, user=warehouse_user, codes=[])
    assert not StockMovement.objects.filter(kind=MovementKind.ISSUE).exists()


def _packed(warehouse, warehouse_user, coordinator, referrer, count=1):
    referrals = approved_kits(warehouse, coordinator, referrer, count)
    pick_list = pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)
    pick_lists.pack(pick_list=pick_list, user=warehouse_user)
    return pick_list, [referral.__class__.objects.get(pk=referral.pk) for referral in referrals]


def test_delivery_records_the_day_and_who(warehouse, warehouse_user, coordinator, referrer):
    _, (referral,) = _packed(warehouse, warehouse_user, coordinator, referrer)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    # Packed today: a delivery yesterday cannot be.
    with pytest.raises(FieldError) as refused:
        deliveries.record_delivery(referral=referral, user=warehouse_user, delivered_on=yesterday)
    assert refused.value.field == "delivered_on"
    with pytest.raises(FieldError):
        deliveries.record_delivery(referral=referral, user=warehouse_user,
                                   delivered_on=timezone.localdate() + datetime.timedelta(days=1))

    deliveries.record_delivery(referral=referral, user=warehouse_user)

    referral.refresh_from_db()
    assert referral.status == S.DELIVERED
    assert referral.delivered_on == timezone.localdate()
    assert referral.history.last().by == warehouse_user
    with pytest.raises(TransitionNotAllowed):
        deliveries.record_delivery(referral=referral, user=warehouse_user)


def test_a_failed_delivery_goes_on_a_next_list_without_packing_twice(
        warehouse, warehouse_user, coordinator, referrer):
    first_list, (referral,) = _packed(warehouse, warehouse_user, coordinator, referrer)
    with pytest.raises(FieldError):
        deliveries.record_failed_delivery(referral=referral, user=warehouse_user, reason="  ")

    deliveries.record_failed_delivery(referral=referral, user=warehouse_user,
                                      reason="Niemand thuis")

    referral.refresh_from_db()
    assert referral.status == S.DELIVERY_FAILED
    assert referral.history.last().reason == "Niemand thuis"
    assert first_list.entries.get().removed_at is not None
    issued = StockMovement.objects.filter(kind=MovementKind.ISSUE).count()

    second_list = pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)
    assert second_list.entries.get().referral == referral
    packed = pick_lists.pack(pick_list=second_list, user=warehouse_user)
    assert [r.code for r in packed] == [referral.code]
    assert StockMovement.objects.filter(kind=MovementKind.ISSUE).count() == issued
    deliveries.record_delivery(referral=referral, user=warehouse_user)
    referral.refresh_from_db()
    assert referral.status == S.DELIVERED


def test_cancelling_a_packed_kit_may_put_its_goods_back(warehouse, warehouse_user, coordinator,
                                                       referrer):
    _, (kept, returned) = _packed(warehouse, warehouse_user, coordinator, referrer, count=2)
    needed = kit_requirements()

    services.cancel_referral(referral=kept, user=coordinator, reason="Verhuisd")
    assert all(on_hand == 0 for on_hand, _ in _levels(warehouse).values())

    services.cancel_referral(referral=returned, user=coordinator, reason="Verhuisd",
                             return_goods=True)
    levels = _levels(warehouse)
    assert {sku: on_hand for sku, (on_hand, _) in levels.items() if on_hand} == {
        item.sku: quantity for item, quantity in needed.items()}
    returns = StockMovement.objects.filter(kind=MovementKind.RETURN)
    assert {m.item.sku: m.quantity for m in returns} == {i.sku: q for i, q in needed.items()}
    assert not PickListEntry.objects.filter(removed_at__isnull=True).exists()
    assert find_drift() == []


def test_returning_goods_of_a_kit_never_packed(warehouse, coordinator, referrer):
    """Reserved goods are simply released; with nothing reserved or packed there is nothing to
    return, and the cancellation is refused as asked."""
    (referral,) = approved_kits(warehouse, coordinator, referrer, 1)
    services.cancel_referral(referral=referral, user=coordinator, reason="x", return_goods=True)
    assert all(reserved == 0 for _, reserved in _levels(warehouse).values())
    assert not StockMovement.objects.filter(kind=MovementKind.RETURN).exists()

    submitted = make_referral(referrer)
    with pytest.raises(FieldError) as refused:
        services.cancel_referral(referral=submitted, user=coordinator, reason="x",
                                 return_goods=True)
    assert refused.value.field == "return_to_stock"
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED  # nothing changed


def test_cancelling_a_scheduled_kit_frees_its_reservation_and_place(
        warehouse, warehouse_user, coordinator, referrer):
    (referral,) = approved_kits(warehouse, coordinator, referrer, 1)
    pick_list = pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)
    services.cancel_referral(referral=referral, user=coordinator, reason="Dubbel")
    assert all(reserved == 0 for _, reserved in _levels(warehouse).values())
    assert pick_list.entries.get().removed_at is not None
    assert pick_lists.pack(pick_list=pick_list, user=warehouse_user) == []


def test_the_stock_service_is_untouched_when_packing_fails_halfway(
        warehouse, warehouse_user, coordinator, referrer, monkeypatch):
    referrals = approved_kits(warehouse, coordinator, referrer, 2)
    pick_list = pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)
    real_consume = stock.consume
    calls = []

    def consume_then_fail(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_consume(**kwargs)

    monkeypatch.setattr(stock, "consume", consume_then_fail)
    with pytest.raises(RuntimeError):
        pick_lists.pack(pick_list=pick_list, user=warehouse_user)
    assert not StockMovement.objects.filter(kind=MovementKind.ISSUE).exists()
    assert {r.status for r in referrals[0].__class__.objects.all()} == {S.SCHEDULED}


def test_a_scheduled_referral_cannot_be_approved_again(warehouse, warehouse_user, coordinator,
                                                       referrer):
    """A stale approval queue must not reserve the kit a second time."""
    (referral,) = approved_kits(warehouse, coordinator, referrer, 1)
    pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)
    with pytest.raises(TransitionNotAllowed):
        services.approve_referral(referral=referral, user=coordinator, warehouse=warehouse)
    assert referral.__class__.objects.get(pk=referral.pk).status == S.SCHEDULED
    assert find_drift() == []


def test_a_token_used_for_another_warehouse_answers_its_first_list(
        warehouse, warehouse_user, coordinator, referrer):
    import uuid

    approved_kits(warehouse, coordinator, referrer, 1)
    other = WarehouseFactory()
    approved_kits(other, coordinator, referrer, 1)
    token = uuid.uuid4()
    first = pick_lists.create_pick_list(warehouse=warehouse, user=coordinator, token=token)
    again = pick_lists.create_pick_list(warehouse=other, user=coordinator, token=token)
    assert again.pk == first.pk and PickList.objects.count() == 1


def test_kits_taken_off_a_list_wait_for_the_next_one_as_before(
        warehouse, warehouse_user, coordinator, referrer):
    referrals = approved_kits(warehouse, coordinator, referrer, 3)
    first = pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)
    pick_lists.pack(pick_list=first, user=warehouse_user, codes=[referrals[0].code])
    before = _levels(warehouse)

    taken = pick_lists.take_off(pick_list=first, user=warehouse_user,
                                codes=[referrals[0].code, referrals[1].code])

    # The packed one stays on the list; the other is approved again, its goods still reserved.
    assert [r.code for r in taken] == [referrals[1].code]
    statuses = {r.code: r.status for r in referrals[0].__class__.objects.all()}
    assert statuses == {referrals[0].code: S.PACKED, referrals[1].code: S.APPROVED,
                        referrals[2].code: S.SCHEDULED}
    assert _levels(warehouse) == before
    referrals[1].reservation.refresh_from_db()
    assert referrals[1].reservation.state == ReservationState.ACTIVE
    with pytest.raises(TransitionNotAllowed):  # approved once is enough
        services.approve_referral(referral=referrals[1], user=coordinator, warehouse=warehouse)
    with pytest.raises(FieldError):
        pick_lists.take_off(pick_list=first, user=warehouse_user, codes=[referrals[1].code])

    second = pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)
    assert [e.referral_id for e in second.entries.all()] == [referrals[1].pk]
    assert find_drift() == []


def test_a_kit_packed_earlier_taken_off_waits_still_packed(warehouse, warehouse_user,
                                                          coordinator, referrer):
    (referral,) = approved_kits(warehouse, coordinator, referrer, 1)
    first = pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)
    pick_lists.pack(pick_list=first, user=warehouse_user)
    deliveries.record_failed_delivery(referral=referral, user=warehouse_user, reason="Weg")
    second = pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)

    pick_lists.take_off(pick_list=second, user=warehouse_user, codes=[referral.code])

    referral.refresh_from_db()
    assert referral.status == S.DELIVERY_FAILED
    third = pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)
    assert third.entries.get().referral == referral
