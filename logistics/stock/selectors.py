"""What each user may see of the stock (DESIGN §1): warehouses, kit types, levels and the
ledger. Every stock query of the pages and the API is scoped here, not in the views.

A coordinator sees every warehouse; a volunteer only their own; a referrer none.
"""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from logistics.models import (
    Item,
    KitComponent,
    KitType,
    StockLevel,
    StockMovement,
    Warehouse,
)
from startpakket import reference_data
from startpakket.roles import Role


def warehouses_for(user) -> QuerySet[Warehouse]:
    if user.has_role(Role.COORDINATOR):
        return Warehouse.objects.active()
    if user.has_role(Role.WAREHOUSE):
        return Warehouse.objects.active().filter(pk=user.organisation_id)
    return Warehouse.objects.none()


def active_warehouses() -> list[Warehouse]:
    """The warehouses that pack kits now, by name: to choose one for an approval."""
    return list(Warehouse.objects.active().order_by("name"))


def kit_types() -> QuerySet[KitType]:
    return KitType.objects.active().prefetch_related("components__item")


def referable_kit_types() -> QuerySet[KitType]:
    """The kit types a family can be referred for: active, with something in them."""
    return KitType.objects.active().filter(components__isnull=False).distinct().order_by("code")


def referable_kit_type_ids() -> frozenset[int]:
    """The ids of ``referable_kit_types``, kept in each process (``startpakket.reference_data``;
    ``LogisticsConfig.ready`` names the models whose change drops them): every new referral asks."""
    return reference_data.kept("logistics.referable_kit_type_ids", lambda: frozenset(
        referable_kit_types().values_list("pk", flat=True)))


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


@dataclass(frozen=True)
class KitCapacity:
    """How many more kits of a type a warehouse can pack from what it has available, and the
    item that runs out first (None when the kit type holds nothing)."""

    kit_type: KitType
    warehouse: Warehouse
    kits: int
    runs_out_first: Item | None


def kit_capacity(user, rows: list[StockRow] | None = None) -> list[KitCapacity]:
    """For each kit type a family can be referred for, at each warehouse the user sees: how
    many kits its available stock still makes (on hand less reserved: approved kits have theirs
    set aside already), counted as kits for one baby. ``rows`` are ``stock_rows_for(user)``
    when the caller has them already; two queries more, however many kit types and items."""
    rows = stock_rows_for(user) if rows is None else rows
    available = {(row.item.pk, row.warehouse.pk): row.available for row in rows}
    warehouses = list({row.warehouse.pk: row.warehouse for row in rows}.values())
    components = Prefetch("components", queryset=KitComponent.objects.select_related("item"))
    capacities = []
    for kit_type in referable_kit_types().prefetch_related(components):
        lines = list(kit_type.components.all())
        for warehouse in warehouses:
            # Per component: whole kits its stock covers; the smallest number decides.
            limits = [(max(available.get((line.item_id, warehouse.pk), 0), 0) // line.quantity,
                       line.item.name, line.item) for line in lines]
            kits, _, item = min(limits, key=lambda limit: limit[:2], default=(0, "", None))
            capacities.append(KitCapacity(kit_type, warehouse, kits, item))
    return capacities
