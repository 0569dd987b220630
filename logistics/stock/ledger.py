"""Recompute the stored stock levels from their sources and find where they drifted.

``on_hand`` must equal the sum of the ledger, ``reserved`` the sum of the active reservations.
Drift can only come from outside the services (a hand edit in the database, a restored backup);
``verify_stock`` reports it and, after review, repairs it.
"""

from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Sum

from logistics.models import (
    Item,
    ReservationLine,
    ReservationState,
    StockLevel,
    StockMovement,
)
from startpakket.models import Organisation


@dataclass(frozen=True)
class Drift:
    item_id: int
    warehouse_id: int
    stored_on_hand: int | None  # None: no level row at all
    ledger_on_hand: int
    stored_reserved: int | None
    reserved_by_reservations: int

    @property
    def repairable(self) -> bool:
        return 0 <= self.reserved_by_reservations <= self.ledger_on_hand


def _hold_bookings(mode: str) -> None:
    """Make bookings wait until this transaction ends, so that the ledger, the reservations and
    the levels are read as one consistent whole. Every booking changes a level row, so locking
    the levels table is enough: ``SHARE`` to read, ``EXCLUSIVE`` to repair (PostgreSQL).
    SQLite needs nothing: its transactions start with the write lock (``IMMEDIATE``)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {StockLevel._meta.db_table} IN {mode} MODE")


@transaction.atomic
def find_drift() -> list[Drift]:
    """Three grouped queries, whatever the size of the ledger. Bookings wait meanwhile (about
    1.5 s for a million movements)."""
    _hold_bookings("SHARE")
    ledger = {
        (row["item_id"], row["warehouse_id"]): row["total"]
        for row in StockMovement.objects.order_by().values("item_id", "warehouse_id")
        .annotate(total=Sum("quantity"))
    }
    reserved = {
        (row["item_id"], row["reservation__warehouse_id"]): row["total"]
        for row in ReservationLine.objects.filter(reservation__state=ReservationState.ACTIVE)
        .order_by().values("item_id", "reservation__warehouse_id")
        .annotate(total=Sum("quantity"))
    }
    stored = {
        (row["item_id"], row["warehouse_id"]): (row["on_hand"], row["reserved"])
        for row in StockLevel.objects.values("item_id", "warehouse_id", "on_hand", "reserved")
    }
    drifts = []
    for key in sorted(ledger.keys() | reserved.keys() | stored.keys()):
        on_hand, reserved_now = stored.get(key, (None, None))
        expected_on_hand, expected_reserved = ledger.get(key, 0), reserved.get(key, 0)
        if key not in stored and not expected_on_hand and not expected_reserved:
            continue
        if (on_hand, reserved_now) != (expected_on_hand, expected_reserved):
            drifts.append(Drift(key[0], key[1], on_hand, expected_on_hand, reserved_now,
                                expected_reserved))
    return drifts


def describe(drifts: list[Drift]) -> list[str]:
    items = Item.objects.in_bulk({d.item_id for d in drifts})
    warehouses = Organisation.objects.in_bulk({d.warehouse_id for d in drifts})
    return [
        f"{items[d.item_id].sku} @ {warehouses[d.warehouse_id].code}: "
        f"on_hand {d.stored_on_hand} (ledger {d.ledger_on_hand}), "
        f"reserved {d.stored_reserved} (reservations {d.reserved_by_reservations})"
        + ("" if d.repairable else " — cannot be repaired: the ledger itself is inconsistent")
        for d in drifts
    ]


@transaction.atomic
def repair() -> list[Drift]:
    """Set every drifted level to its recomputed values. Bookings wait until the repair is
    committed and then apply their change on top of it."""
    _hold_bookings("EXCLUSIVE")
    drifts = [d for d in find_drift() if d.repairable]
    for d in drifts:
        StockLevel.objects.update_or_create(
            item_id=d.item_id, warehouse_id=d.warehouse_id,
            defaults={"on_hand": d.ledger_on_hand, "reserved": d.reserved_by_reservations},
        )
    return drifts
