"""Every change to stock goes through these functions (DESIGN §5).

Each runs in one transaction: it writes the ledger rows and changes the stored levels with
conditional ``F()`` updates, so two people booking at once can never take the same goods twice.
A decrease is one ``UPDATE … WHERE on_hand >= reserved + n``: the database checks and changes in one
step under the row lock, so nothing is read before the lock is held. Level rows are always touched
in the order (warehouse id, item id), so two transactions never wait on each other in a circle.
Anything short makes the whole action fail; the error names each short item.
"""

import datetime
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from logistics.models import (
    BookingKind,
    Item,
    KitType,
    MovementKind,
    Reservation,
    ReservationLine,
    ReservationState,
    StockBooking,
    StockLevel,
    StockMovement,
    Warehouse,
)
from startpakket import audit
from startpakket.errors import ConflictError, DomainError

# A typo guard: no warehouse books more of one item at once (an extra 0, a barcode in the field).
MAX_QUANTITY = 100_000

# The same booking by the same person this soon after the first is most likely the browser's
# Back button: the form comes back with a fresh token and, in some browsers, the old figures.
REPEAT_WINDOW = datetime.timedelta(minutes=10)


@dataclass(frozen=True)
class Shortage:
    item: Item
    needed: int
    available: int

    def as_dict(self) -> dict:
        return {"item": self.item.sku, "needed": self.needed, "available": self.available}


class InsufficientStock(ConflictError):
    code = "insufficient_stock"

    def __init__(self, shortages: list[Shortage]):
        self.shortages = shortages
        names = ", ".join(
            _("%(item)s (needed %(needed)d, available %(available)d)")
            % {"item": s.item.name, "needed": s.needed, "available": s.available}
            for s in shortages
        )
        super().__init__(
            _("Not enough stock: %(items)s.") % {"items": names},
            short=[s.as_dict() for s in shortages],
        )


class AlreadyBooked(ConflictError):
    """The same form or request was submitted twice; the first one was booked."""

    code = "already_booked"

    def __init__(self):
        super().__init__(_("This was already booked; it has not been booked a second time."))


class RepeatedBooking(ConflictError):
    """The same booking was made by the same person minutes ago; nothing was booked. The pages
    ask whether it is to be booked again (see ``repeated_booking``)."""

    code = "repeated_booking"

    def __init__(self, earlier: StockBooking):
        self.earlier = earlier
        questions = {
            BookingKind.RECEIPT: _("This receipt was already booked at %(time)s. Book it again?"),
            BookingKind.COUNT: _("This count was already saved at %(time)s. Save it again?"),
            BookingKind.ADJUSTMENT: _("This adjustment was already booked at %(time)s. Book it "
                                      "again?"),
            BookingKind.TRANSFER: _("This move was already booked at %(time)s. Book it again?"),
        }
        at = timezone.localtime(earlier.created_at)
        super().__init__(questions[earlier.kind] % {"time": at.strftime("%H:%M")},
                         booked_at=at.isoformat())


class CountBelowReserved(ConflictError):
    code = "count_below_reserved"

    def __init__(self, items: list[tuple[Item, int, int]]):
        self.items = items
        names = ", ".join(
            _("%(item)s (counted %(counted)d, reserved %(reserved)d)")
            % {"item": item.name, "counted": counted, "reserved": reserved}
            for item, counted, reserved in items
        )
        super().__init__(
            _("Fewer counted than reserved for approved kits: %(items)s. Count again, or ask a "
              "coordinator to look at the reservations.") % {"items": names},
            short=[{"item": item.sku, "counted": counted, "reserved": reserved}
                   for item, counted, reserved in items],
        )


class CountedWhileMoving(ConflictError):
    code = "counted_while_moving"

    def __init__(self, items: list[Item]):
        self.items = items
        super().__init__(
            _("Booked while you were counting: %(items)s. Count these again; nothing was "
              "saved.") % {"items": ", ".join(item.name for item in items)},
            items=[item.sku for item in items],
        )


class ReservationClosed(ConflictError):
    code = "reservation_closed"

    def __init__(self, reservation):
        super().__init__(
            _("This reservation is already %(state)s.")
            % {"state": reservation.get_state_display()}
        )


Lines = Mapping[Item, int] | Iterable[tuple[Item, int]]


def _merged(lines: Lines, *, allow_zero: bool = False) -> dict[Item, int]:
    """Sum the lines per item, in the order of the item's id."""
    pairs = lines.items() if isinstance(lines, Mapping) else lines
    totals: dict[Item, int] = {}
    for item, quantity in pairs:
        if not isinstance(quantity, int) or quantity < 0 or (quantity == 0 and not allow_zero):
            raise DomainError(_("Quantities must be whole numbers above zero."))
        totals[item] = totals.get(item, 0) + quantity
    if any(total > MAX_QUANTITY for total in totals.values()):
        raise DomainError(_("At most %(max)d of one item at once.") % {"max": MAX_QUANTITY})
    if not totals:
        raise DomainError(_("Enter at least one item."))
    return dict(sorted(totals.items(), key=lambda pair: pair[0].pk))


def _as_lines(lines: dict[Item, int]) -> list[list[int]]:
    """Lines as a booking stores them: ``[[item id, quantity], …]`` in item order."""
    return [[item.pk, quantity] for item, quantity in sorted(lines.items(),
                                                             key=lambda pair: pair[0].pk)]


def repeated_booking(*, kind: BookingKind, user, warehouse: Warehouse, lines: dict[Item, int],
                     destination: Warehouse | None = None) -> StockBooking | None:
    """The newest booking of this kind by ``user`` in the last ``REPEAT_WINDOW`` with the same
    warehouse (and destination), the same items and the same quantities; None if there is none.
    A note or a reason does not make a booking different: the Back button keeps those too."""
    stored = _as_lines(lines)
    candidates = StockBooking.objects.filter(
        kind=kind, created_by=user, warehouse=warehouse, destination=destination,
        created_at__gte=timezone.now() - REPEAT_WINDOW,
    ).order_by("-created_at", "-id")
    return next((booking for booking in candidates if booking.lines == stored), None)


def _record_booking(*, kind: BookingKind, batch: uuid.UUID, warehouse: Warehouse,
                    lines: dict[Item, int], user, destination: Warehouse | None = None,
                    check_repeat: bool) -> None:
    """Note what is being booked, after refusing the same form sent twice (``AlreadyBooked``)
    and, with ``check_repeat``, the same booking made minutes ago (``RepeatedBooking``)."""
    if StockBooking.objects.filter(batch=batch).exists():
        raise AlreadyBooked
    if check_repeat:
        earlier = repeated_booking(kind=kind, user=user, warehouse=warehouse, lines=lines,
                                   destination=destination)
        if earlier:
            raise RepeatedBooking(earlier)
    try:
        with transaction.atomic():
            StockBooking.objects.create(kind=kind, batch=batch, warehouse=warehouse,
                                        destination=destination, lines=_as_lines(lines),
                                        created_by=user)
    except IntegrityError:
        # The same batch was committed meanwhile by a concurrent double submit.
        raise AlreadyBooked from None


def _ensure_levels(warehouse: Warehouse, items: Iterable[Item]) -> None:
    StockLevel.objects.bulk_create(
        [StockLevel(item=item, warehouse=warehouse) for item in items], ignore_conflicts=True
    )


def _write_movements(movements: list[StockMovement]) -> list[StockMovement]:
    batches = {movement.batch for movement in movements}
    if StockMovement.objects.filter(batch__in=batches).exists():
        raise AlreadyBooked
    try:
        with transaction.atomic():
            created = StockMovement.objects.bulk_create(movements)
    except IntegrityError:
        # The same batch was committed meanwhile by a concurrent double submit.
        raise AlreadyBooked from None
    # bulk_create sends no signals: the audit entries are written here. One call, one user.
    audit.record_created(created, user=created[0].created_by)
    return created


def _levels(warehouse, items) -> dict[int, StockLevel]:
    return {
        level.item_id: level
        for level in StockLevel.objects.filter(warehouse=warehouse, item__in=list(items))
    }


def _shortages(warehouse, needed: dict[Item, int]) -> list[Shortage]:
    levels = _levels(warehouse, needed)
    return [
        Shortage(item, quantity, levels[item.pk].available if item.pk in levels else 0)
        for item, quantity in needed.items()
    ]


def _take(warehouse, lines: dict[Item, int]) -> None:
    """Lower ``on_hand`` for every line, never below what is reserved; all or nothing."""
    short = {}
    for item, quantity in lines.items():
        taken = StockLevel.objects.filter(
            item=item, warehouse=warehouse, on_hand__gte=F("reserved") + quantity
        ).update(on_hand=F("on_hand") - quantity)
        if not taken:
            short[item] = quantity
    if short:
        raise InsufficientStock(_shortages(warehouse, short))


def _add(warehouse, lines: dict[Item, int]) -> None:
    _ensure_levels(warehouse, lines)
    for item, quantity in lines.items():
        StockLevel.objects.filter(item=item, warehouse=warehouse).update(
            on_hand=F("on_hand") + quantity
        )


@transaction.atomic
def receive(*, warehouse: Warehouse, lines: Lines, user, note: str = "",
            batch: uuid.UUID | None = None, check_repeat: bool = False) -> list[StockMovement]:
    """Book a delivery of goods (bought or donated). ``batch`` is the form's one-time token:
    a second call with the same one raises ``AlreadyBooked`` and changes nothing. With
    ``check_repeat`` the same receipt by the same person minutes ago raises ``RepeatedBooking``
    (the pages ask first; the same holds for ``count``, ``adjust`` and ``transfer``)."""
    lines = _merged(lines)
    batch = batch or uuid.uuid4()
    _record_booking(kind=BookingKind.RECEIPT, batch=batch, warehouse=warehouse, lines=lines,
                    user=user, check_repeat=check_repeat)
    movements = _write_movements([
        StockMovement(item=item, warehouse=warehouse, quantity=quantity,
                      kind=MovementKind.RECEIPT, batch=batch, note=note, created_by=user)
        for item, quantity in lines.items()
    ])
    _add(warehouse, lines)
    return movements


@transaction.atomic
def adjust(*, warehouse: Warehouse, item: Item, quantity: int, reason: str, user,
           batch: uuid.UUID | None = None, check_repeat: bool = False) -> StockMovement:
    """Correct one item by a signed amount, e.g. damaged goods (−) or a found box (+)."""
    if not reason.strip():
        raise DomainError(_("Give a reason for the adjustment."))
    if not isinstance(quantity, int) or quantity == 0 or abs(quantity) > MAX_QUANTITY:
        raise DomainError(_("The adjustment must be a whole number other than zero."))
    batch = batch or uuid.uuid4()
    _record_booking(kind=BookingKind.ADJUSTMENT, batch=batch, warehouse=warehouse,
                    lines={item: quantity}, user=user, check_repeat=check_repeat)
    (movement,) = _write_movements([
        StockMovement(item=item, warehouse=warehouse, quantity=quantity,
                      kind=MovementKind.ADJUSTMENT, batch=batch,
                      note=reason.strip(), created_by=user)
    ])
    if quantity > 0:
        _add(warehouse, {item: quantity})
    else:
        _take(warehouse, {item: -quantity})
    return movement


def last_movement_id() -> int:
    """Where the ledger stands now; a count form remembers it (see ``count``)."""
    return StockMovement.objects.order_by("-id").values_list("id", flat=True).first() or 0


@transaction.atomic
def count(*, warehouse: Warehouse, counted: Lines, user, note: str = "",
          batch: uuid.UUID | None = None, ledger_seen: int | None = None,
          check_repeat: bool = False) -> list[StockMovement]:
    """Record what was found on the shelf; the difference with the books becomes a count
    correction. Items that were not counted are left alone.

    ``ledger_seen`` is ``last_movement_id()`` from when the count began. An item booked at this
    warehouse since then (a delivery, a packed kit) may or may not be in the counted figure, so
    the count is refused for it rather than undoing that booking; the error names the items to
    count again."""
    counted = _merged(counted, allow_zero=True)
    batch = batch or uuid.uuid4()
    if StockMovement.objects.filter(batch=batch).exists():
        raise AlreadyBooked
    # A count repeated minutes later would undo whatever was booked in between.
    _record_booking(kind=BookingKind.COUNT, batch=batch, warehouse=warehouse, lines=counted,
                    user=user, check_repeat=check_repeat)
    _ensure_levels(warehouse, counted)
    # A count sets a level to a figure, so it must read the level it corrects under the lock.
    levels = {
        level.item_id: level
        for level in StockLevel.objects.select_for_update()
        .filter(warehouse=warehouse, item__in=list(counted)).order_by("item_id")
    }
    if ledger_seen is not None:
        moved = set(
            StockMovement.objects.filter(warehouse=warehouse, item__in=list(counted),
                                         id__gt=ledger_seen).values_list("item_id", flat=True)
        )
        if moved:
            raise CountedWhileMoving([item for item in counted if item.pk in moved])
    below = [
        (item, quantity, levels[item.pk].reserved)
        for item, quantity in counted.items()
        if quantity < levels[item.pk].reserved
    ]
    if below:
        raise CountBelowReserved(below)
    changes = {
        item: quantity - levels[item.pk].on_hand
        for item, quantity in counted.items()
        if quantity != levels[item.pk].on_hand
    }
    movements = _write_movements([
        StockMovement(item=item, warehouse=warehouse, quantity=difference,
                      kind=MovementKind.COUNT_CORRECTION, batch=batch, note=note,
                      created_by=user)
        for item, difference in changes.items()
    ]) if changes else []
    for item in changes:
        StockLevel.objects.filter(pk=levels[item.pk].pk).update(on_hand=counted[item])
    return movements


@transaction.atomic
def transfer(*, source: Warehouse, destination: Warehouse, lines: Lines, user,
             note: str = "", batch: uuid.UUID | None = None,
             check_repeat: bool = False) -> list[StockMovement]:
    """Move goods from one warehouse to another: an out line there, an in line here."""
    if source.pk == destination.pk:
        raise DomainError(_("Choose two different warehouses."))
    lines = _merged(lines)
    batch = batch or uuid.uuid4()
    _record_booking(kind=BookingKind.TRANSFER, batch=batch, warehouse=source,
                    destination=destination, lines=lines, user=user, check_repeat=check_repeat)
    movements = _write_movements([
        StockMovement(item=item, warehouse=warehouse, quantity=sign * quantity, kind=kind,
                      batch=batch, note=note, created_by=user)
        for item, quantity in lines.items()
        for warehouse, sign, kind in (
            (source, -1, MovementKind.TRANSFER_OUT),
            (destination, 1, MovementKind.TRANSFER_IN),
        )
    ])
    # Both warehouses' rows in warehouse order, whichever way the goods go.
    steps = sorted([(source, _take), (destination, _add)], key=lambda step: step[0].pk)
    for warehouse, change in steps:
        change(warehouse, lines)
    return movements


def kit_requirements(kit_type: KitType, *, kits: int = 1, babies: int = 1) -> dict[Item, int]:
    """What ``kits`` kits of this type hold, each made for ``babies`` babies (twins: 2): the
    ``per_baby`` lines are multiplied by ``babies``, the others are once per kit."""
    if kits < 1 or babies < 1:
        raise DomainError(_("The number of kits and of babies must be at least one."))
    return _merged(
        (component.item, component.quantity * kits * (babies if component.per_baby else 1))
        for component in kit_type.components.select_related("item")
    )


@transaction.atomic
def reserve(*, kit_type: KitType, warehouse: Warehouse, user, kits: int = 1,
            babies: int = 1) -> Reservation:
    """Set aside the components of ``kits`` kits; all or nothing."""
    needed = kit_requirements(kit_type, kits=kits, babies=babies)
    short = {}
    for item, quantity in needed.items():
        reserved = StockLevel.objects.filter(
            item=item, warehouse=warehouse, on_hand__gte=F("reserved") + quantity
        ).update(reserved=F("reserved") + quantity)
        if not reserved:
            short[item] = quantity
    if short:
        raise InsufficientStock(_shortages(warehouse, short))
    reservation = Reservation.objects.create(
        warehouse=warehouse, kit_type=kit_type, kits=kits, babies=babies, created_by=user
    )
    ReservationLine.objects.bulk_create(
        ReservationLine(reservation=reservation, item=item, quantity=quantity)
        for item, quantity in needed.items()
    )
    return reservation


def _close(reservation: Reservation, state: ReservationState, user) -> dict[Item, int]:
    closed = Reservation.objects.filter(
        pk=reservation.pk, state=ReservationState.ACTIVE
    ).update(state=state, closed_at=timezone.now())
    if not closed:
        reservation.refresh_from_db(fields=["state"])
        raise ReservationClosed(reservation)
    reservation.refresh_from_db(fields=["state", "closed_at"])
    # update() sends no signals: the audit entry is written here.
    audit.record_changed(reservation, user=user, changes={
        "state": (ReservationState.ACTIVE, reservation.state),
        "closed_at": (None, reservation.closed_at),
    })
    return _merged(
        (line.item, line.quantity) for line in reservation.lines.select_related("item")
    )


class StockDrift(RuntimeError):
    """A stored level disagrees with the reservation it must hold: a bug or a hand edit, never
    the user's doing, so it is a server error. ``verify_stock`` finds and repairs it."""


@transaction.atomic
def release(*, reservation: Reservation, user) -> None:
    """Put reserved goods back at everyone's disposal (a referral cancelled before packing)."""
    lines = _close(reservation, ReservationState.RELEASED, user)
    for item, quantity in lines.items():
        released = StockLevel.objects.filter(
            item=item, warehouse=reservation.warehouse_id, reserved__gte=quantity
        ).update(reserved=F("reserved") - quantity)
        if not released:
            raise StockDrift(f"reserved of {item.sku} is below its reservation")


@transaction.atomic
def consume(*, reservation: Reservation, user, note: str = "") -> list[StockMovement]:
    """The kit is packed: the reserved goods leave the stock as issue movements."""
    lines = _close(reservation, ReservationState.CONSUMED, user)
    batch = uuid.uuid4()
    movements = _write_movements([
        StockMovement(item=item, warehouse_id=reservation.warehouse_id, quantity=-quantity,
                      kind=MovementKind.ISSUE, reservation=reservation, batch=batch, note=note,
                      created_by=user)
        for item, quantity in lines.items()
    ])
    for item, quantity in lines.items():
        issued = StockLevel.objects.filter(
            item=item, warehouse=reservation.warehouse_id,
            reserved__gte=quantity, on_hand__gte=quantity,
        ).update(on_hand=F("on_hand") - quantity, reserved=F("reserved") - quantity)
        if not issued:
            raise StockDrift(f"level of {item.sku} is below its reservation")
    return movements


class ReturnRefused(ConflictError):
    code = "return_refused"


@transaction.atomic
def return_to_stock(*, reservation: Reservation, user, note: str, lines: Lines | None = None,
                    batch: uuid.UUID | None = None) -> list[StockMovement]:
    """Goods of a packed kit come back on the shelf, e.g. when the referral is cancelled after
    packing. By default everything that was issued; never more than was issued and not yet
    returned."""
    reservation = Reservation.objects.select_for_update().get(pk=reservation.pk)
    if reservation.state != ReservationState.CONSUMED:
        raise ReturnRefused(_("Only goods of a packed kit can be returned."))
    outstanding: dict[int, int] = {}
    for movement in reservation.movements.filter(
        kind__in=[MovementKind.ISSUE, MovementKind.RETURN]
    ):
        outstanding[movement.item_id] = outstanding.get(movement.item_id, 0) - movement.quantity
    if lines is None:
        items = Item.objects.in_bulk([pk for pk, left in outstanding.items() if left > 0])
        lines = {items[pk]: left for pk, left in outstanding.items() if left > 0}
        if not lines:
            raise ReturnRefused(_("Everything of this kit was already returned."))
    lines = _merged(lines)
    too_many = [item.name for item, quantity in lines.items()
                if quantity > outstanding.get(item.pk, 0)]
    if too_many:
        raise ReturnRefused(
            _("More returned than was packed: %(items)s.") % {"items": ", ".join(too_many)}
        )
    batch = batch or uuid.uuid4()
    warehouse = reservation.warehouse
    movements = _write_movements([
        StockMovement(item=item, warehouse=warehouse, quantity=quantity,
                      kind=MovementKind.RETURN, reservation=reservation, batch=batch,
                      note=note, created_by=user)
        for item, quantity in lines.items()
    ])
    _add(warehouse, lines)
    return movements
