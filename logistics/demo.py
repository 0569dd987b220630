"""Demo stock for ``make demo`` (DESIGN §7.1): enough for 30 kits of each kit type, a later
donation and a shelf count, so the stock pages and the ledger have something to show."""

import uuid

from logistics.models import KitType, Warehouse
from logistics.services import stock

KITS_IN_STOCK = 30
# Fixed batches: re-running the demo finds them booked and books nothing twice.
DEMO_BATCH = uuid.UUID("5a1e0000-0000-4000-8000-000000000001")
DONATION_BATCH = uuid.UUID("5a1e0000-0000-4000-8000-000000000002")
COUNT_BATCH = uuid.UUID("5a1e0000-0000-4000-8000-000000000003")


def load_demo_stock(warehouse: Warehouse, user) -> None:
    opening: dict = {}
    for kit_type in KitType.objects.active():
        for item, quantity in stock.kit_requirements(kit_type, kits=KITS_IN_STOCK).items():
            opening[item] = opening.get(item, 0) + quantity
    if not opening:
        return
    steps = [
        (stock.receive, {"lines": opening, "note": "Beginvoorraad", "batch": DEMO_BATCH}),
        # A donation of diapers, and a count that finds two romper packs missing.
        (stock.receive, {"lines": _some(opening, ("LUIERS-1", "LUIERS-4"), 20),
                         "note": "Donatie drogisterij", "batch": DONATION_BATCH}),
        (stock.count, {"counted": _counted(opening, "ROMPER-50-56", -2),
                       "note": "Telling plank A", "batch": COUNT_BATCH}),
    ]
    for action, arguments in steps:
        try:
            action(warehouse=warehouse, user=user, **arguments)
        except stock.AlreadyBooked:
            continue


def _some(opening, skus, quantity):
    return {item: quantity for item in opening if item.sku in skus}


def _counted(opening, sku, difference):
    return {item: quantity + difference for item, quantity in opening.items() if item.sku == sku}
