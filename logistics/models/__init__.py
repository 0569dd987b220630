"""The logistics models, one module per part of DESIGN §5."""

from logistics.models.stock import (
    Item,
    KitComponent,
    KitType,
    MovementKind,
    Reservation,
    ReservationLine,
    ReservationState,
    StockLevel,
    StockMovement,
    Unit,
    Warehouse,
)

__all__ = [
    "Item",
    "KitComponent",
    "KitType",
    "MovementKind",
    "Reservation",
    "ReservationLine",
    "ReservationState",
    "StockLevel",
    "StockMovement",
    "Unit",
    "Warehouse",
]
