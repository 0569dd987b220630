"""What each user may see (DESIGN §1): every query is scoped here, not in the views.

A coordinator sees every warehouse; a volunteer only their own; a referrer none.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from logistics.models import (
    Item,
    KitType,
    PickList,
    PickListEntry,
    Referral,
    ReferralStatus,
    StockLevel,
    StockMovement,
    Warehouse,
)
from startpakket.roles import Role


def warehouses_for(user) -> QuerySet[Warehouse]:
    if user.has_role(Role.COORDINATOR):
        return Warehouse.objects.active()
    if user.has_role(Role.WAREHOUSE):
        return Warehouse.objects.active().filter(pk=user.organisation_id)
    return Warehouse.objects.none()


def kit_types() -> QuerySet[KitType]:
    return KitType.objects.active().prefetch_related("components__item")


def referable_kit_types() -> QuerySet[KitType]:
    """The kit types a family can be referred for: active, with something in them."""
    return KitType.objects.active().filter(components__isnull=False).distinct().order_by("code")


@dataclass(frozen=True)
class StockRow:
    """One item at one warehouse; an item never booked there shows as zero."""

    item: Item
    warehouse: Warehouse
    on_hand: int = 0
    reserved: int = 0

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    @property
    def low(self) -> bool:
        return self.available < self.item.low_stock_level


def stock_rows_for(user, *, warehouses=None, item=None, low=None) -> list[StockRow]:
    """Every active item (and any inactive one still on a shelf) at each visible warehouse,
    ordered by warehouse, then low items first, then name. Three queries in all."""
    visible = warehouses_for(user)
    if warehouses is not None:
        visible = visible.filter(pk__in=[w.pk for w in warehouses])
    visible = list(visible.order_by("name"))
    levels = {
        (level.item_id, level.warehouse_id): level
        for level in StockLevel.objects.filter(warehouse__in=visible)
    }
    on_a_shelf = {item_id for (item_id, _), level in levels.items() if level.on_hand}
    items = Item.objects.filter(Q(is_active=True) | Q(pk__in=on_a_shelf))
    if item is not None:
        items = items.filter(pk=item.pk)
    items = list(items.order_by("name"))
    rows = []
    for warehouse in visible:
        for each in items:
            level = levels.get((each.pk, warehouse.pk))
            rows.append(StockRow(each, warehouse, level.on_hand if level else 0,
                                 level.reserved if level else 0))
    if low is not None:
        rows = [row for row in rows if row.low == low]
    rows.sort(key=lambda row: (row.warehouse.name, not row.low))
    return rows


def movements_for(user, *, item: Item) -> QuerySet[StockMovement]:
    """The ledger of one item, newest first: a coordinator sees it at every warehouse (also
    closed ones), a volunteer at their own."""
    movements = StockMovement.objects.filter(item=item)
    if not user.has_role(Role.COORDINATOR):
        movements = movements.filter(warehouse__in=warehouses_for(user))
    return movements.select_related("warehouse", "created_by").order_by("-created_at", "-id")


DUPLICATE_WINDOW = datetime.timedelta(days=60)
WAREHOUSE_STATUSES = (ReferralStatus.APPROVED, ReferralStatus.SCHEDULED, ReferralStatus.PACKED,
                      ReferralStatus.DELIVERY_FAILED)


def referrals_for(user) -> QuerySet[Referral]:
    """A coordinator sees every referral, a referrer their organisation's, a volunteer those
    assigned to their warehouse; anyone else none."""
    referrals = Referral.objects.select_related("kit_type", "organisation", "warehouse",
                                                "referred_by")
    if user.has_role(Role.COORDINATOR):
        return referrals
    if user.has_role(Role.REFERRER):
        return referrals.filter(organisation_id=user.organisation_id)
    if user.has_role(Role.WAREHOUSE):
        # Only while there is work for the warehouse: a cancelled or finished referral's name
        # and address are no longer the volunteers' business.
        return referrals.filter(warehouse_id=user.organisation_id,
                                status__in=WAREHOUSE_STATUSES)
    return referrals.none()


def _same_family(postcode, house_number, due_date):
    return Referral.objects.filter(
        postcode=postcode, house_number=house_number,
        due_date__gte=due_date - DUPLICATE_WINDOW, due_date__lte=due_date + DUPLICATE_WINDOW,
    )


def with_duplicate_flag(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """Adds ``possible_duplicate``: another referral, of any organisation, for the same postcode
    and house number with a due date within 60 days (DESIGN §4). Only for coordinators."""
    others = _same_family(OuterRef("postcode"), OuterRef("house_number"), OuterRef("due_date"))
    return referrals.annotate(possible_duplicate=Exists(others.exclude(pk=OuterRef("pk"))))


def possible_duplicates(referral: Referral) -> QuerySet[Referral]:
    if referral.house_number is None:  # anonymised: no address left to compare
        return Referral.objects.none()
    return (
        _same_family(referral.postcode, referral.house_number, referral.due_date)
        .exclude(pk=referral.pk).select_related("organisation").order_by("due_date")
    )


def pick_lists_for(user) -> QuerySet[PickList]:
    """A coordinator sees every warehouse's lists (also of closed warehouses), a volunteer
    their own warehouse's."""
    pick_lists = PickList.objects.select_related("warehouse", "created_by")
    if user.has_role(Role.COORDINATOR):
        return pick_lists
    if user.has_role(Role.WAREHOUSE):
        return pick_lists.filter(warehouse_id=user.organisation_id)
    return pick_lists.none()


def with_entries(pick_lists: QuerySet[PickList]) -> QuerySet[PickList]:
    """Each list's entries with their referrals, for list pages and the API: one query more,
    however many lists and packages."""
    return pick_lists.prefetch_related(Prefetch(
        "entries", queryset=PickListEntry.objects.select_related("referral__kit_type")
        .order_by("position")))
