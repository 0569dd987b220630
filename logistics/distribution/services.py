"""Pick lists, packing and deliveries (DESIGN §5).

A pick list takes a warehouse's referrals that wait for packing or for a new delivery attempt,
most urgent first, and schedules them. Packing consumes each kit's reservation: its goods leave
the stock ledger as issue movements. A kit that came back after a failed delivery is already
packed; it goes on a new list to be delivered again and leaves the ledger only once.

A volunteer records that a packed kit was handed over, or that it could not be; a failed
delivery goes back to the warehouse's queue for a new list, still packed.
"""

import datetime
import uuid

from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from logistics.distribution.selectors import current_entries, delivered_out_of_sight, waiting
from logistics.models import (
    PickList,
    PickListEntry,
    Referral,
    ReferralStatus,
    ReservationState,
    Warehouse,
)
from logistics.referrals import notifications
from logistics.referrals.rules import goods_packed
from logistics.referrals.services import leave_pick_list, require_reason
from logistics.referrals.workflow import Action, change_status, lock_referral, require
from logistics.stock import services as stock
from startpakket import audit
from startpakket.errors import ConflictError, FieldError
from startpakket.models import Organisation

DEFAULT_PACKAGES = 20
MAX_PACKAGES = 500


class NothingToSchedule(ConflictError):
    code = "nothing_to_schedule"


class AlreadyDelivered(ConflictError):
    code = "already_delivered"


def refuse_if_delivered_out_of_sight(user, code: str) -> None:
    """A repeated "delivered" (a retry, a second tap) for a kit the first one recorded as
    delivered, which took it out of the volunteer's sight: say so, as the page does, rather
    than "not found"."""
    if delivered_out_of_sight(user, code):
        raise AlreadyDelivered(
            _("%(code)s was already recorded as delivered.") % {"code": code})


def _max_packages(value) -> int:
    if value is None:
        return DEFAULT_PACKAGES
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_PACKAGES:
        raise FieldError("max_packages", _("Enter a number from 1 to %(max)d.")
                         % {"max": MAX_PACKAGES})
    return value


@transaction.atomic
def create_pick_list(*, warehouse: Warehouse, user, max_packages: int | None = None,
                     token: uuid.UUID | None = None) -> PickList:
    """Schedule up to ``max_packages`` waiting referrals of ``warehouse`` on a new list.
    409 when none is waiting. A ``token`` seen before answers the list it made."""
    max_packages = _max_packages(max_packages)
    if not warehouse.is_active:
        raise FieldError("warehouse", _("This warehouse is not active."))
    # One list at a time per warehouse, so two volunteers never take the same referrals and
    # numbers follow each other. ``no_key``: approvals for this warehouse still only need its
    # row to exist, and do not wait.
    Organisation.objects.select_for_update(no_key=True).get(pk=warehouse.pk)
    if token is not None:
        # Whatever warehouse was chosen the second time: the form made its list already.
        made = PickList.objects.filter(token=token).first()
        if made is not None:
            return made
    referrals = list(waiting(warehouse).select_for_update(of=("self",))[:max_packages])
    if not referrals:
        raise NothingToSchedule(_("No approved kits are waiting for a pick list at %(warehouse)s.")
                                % {"warehouse": warehouse.name})
    last = PickList.objects.filter(warehouse=warehouse).aggregate(last=Max("number"))["last"]
    pick_list = PickList.objects.create(warehouse=warehouse, number=(last or 0) + 1,
                                        created_by=user, token=token)
    entries = PickListEntry.objects.bulk_create(
        PickListEntry(pick_list=pick_list, referral=referral, position=position)
        for position, referral in enumerate(referrals, start=1)
    )
    audit.record_created(entries, user=user)
    # No reason in the history: the list is known from the entry (``last_pick_list``), shown in
    # the reader's language.
    for referral in referrals:
        change_status(referral, ReferralStatus.SCHEDULED, user)
    return pick_list


def _locked_on_list(pick_list: PickList, codes: list[str] | None) -> list[Referral]:
    """The list's referrals with ``codes`` (all if None), locked, that are still on the list
    once locked. Every referral is locked first, in one order, before any stock row: two
    volunteers working on overlapping parts, or a coordinator cancelling one of the kits, wait,
    never deadlock."""
    on_list = {entry.referral.code: entry.referral for entry in current_entries(pick_list)}
    if codes is None:
        chosen = list(on_list.values())
    else:
        unknown = [code for code in codes if code not in on_list]
        if unknown:
            raise FieldError("referrals", ngettext(
                "Not on this pick list: %(codes)s.", "Not on this pick list: %(codes)s.",
                len(unknown)) % {"codes": ", ".join(unknown)})
        if not codes:
            raise FieldError("referrals", _("Choose at least one package."))
        chosen = [on_list[code] for code in dict.fromkeys(codes)]
    locked = list(Referral.objects.select_for_update(of=("self",))
                  .select_related("reservation")
                  .filter(pk__in=[referral.pk for referral in chosen]).order_by("pk"))
    # Read again now that they are locked: a kit may have left the list meanwhile.
    still_on = set(pick_list.entries.filter(removed_at__isnull=True, referral__in=locked)
                   .values_list("referral_id", flat=True))
    return [referral for referral in locked if referral.pk in still_on]


@transaction.atomic
def pack(*, pick_list: PickList, user, codes: list[str] | None = None) -> list[Referral]:
    """Mark the list's scheduled kits packed: all of them, or those with ``codes``. Each kit's
    reservation is consumed. Kits already packed are left as they are, so a second click packs
    nothing twice. Answers the referrals packed now."""
    packed = []
    for referral in _locked_on_list(pick_list, codes):
        if referral.status != ReferralStatus.SCHEDULED:
            continue
        reservation = referral.reservation
        if reservation is not None and reservation.state == ReservationState.ACTIVE:
            stock.consume(reservation=reservation, user=user, note=referral.code)
        change_status(referral, ReferralStatus.PACKED, user)
        packed.append(referral)
    return packed


@transaction.atomic
def take_off(*, pick_list: PickList, user, codes: list[str]) -> list[Referral]:
    """Take kits not packed yet off the list (the van is full, the family cannot be reached
    this week): they wait for a next list as before, their goods still set aside; a kit packed
    earlier waits, still packed, as after its failed delivery. Kits already packed from this
    list stay on it. Answers the referrals taken off."""
    taken = []
    for referral in _locked_on_list(pick_list, codes):
        if referral.status != ReferralStatus.SCHEDULED:
            continue
        back_to = (ReferralStatus.DELIVERY_FAILED if goods_packed(referral)
                   else ReferralStatus.APPROVED)
        change_status(referral, back_to, user)
        leave_pick_list(referral)
        taken.append(referral)
    return taken


# Deliveries: a volunteer records that a packed kit was handed over, or that it could not be.


def _packed_on(referral: Referral) -> datetime.date | None:
    change = referral.history.filter(to_status=ReferralStatus.PACKED).order_by("-at").first()
    return timezone.localdate(change.at) if change else None


@transaction.atomic
def record_delivery(*, referral: Referral, user,
                    delivered_on: datetime.date | None = None) -> Referral:
    """The kit was handed over on ``delivered_on`` (today if not given): not in the future and
    not before it was packed."""
    referral = lock_referral(referral)
    require(user, referral, Action.DELIVER)
    today = timezone.localdate()
    delivered_on = delivered_on or today
    if delivered_on > today:
        raise FieldError("delivered_on", _("A delivery cannot be in the future."))
    packed_on = _packed_on(referral)
    if packed_on and delivered_on < packed_on:
        raise FieldError("delivered_on", _(
            "The kit was packed on %(date)s; it cannot have been delivered before that."
        ) % {"date": formats.date_format(packed_on, "SHORT_DATE_FORMAT")})
    referral.delivered_on = delivered_on
    change_status(referral, ReferralStatus.DELIVERED, user, fields=("delivered_on",))
    notifications.status_changed(referral)  # the referrer hears it, after the commit
    return referral


@transaction.atomic
def record_failed_delivery(*, referral: Referral, user, reason: str) -> Referral:
    """Nobody was home, the address was wrong, …: the packed kit is back at the warehouse and
    waits for a new list."""
    reason = require_reason(reason)
    referral = lock_referral(referral)
    require(user, referral, Action.DELIVERY_FAILED)
    change_status(referral, ReferralStatus.DELIVERY_FAILED, user, reason)
    leave_pick_list(referral)
    notifications.status_changed(referral)  # the referrer hears it, after the commit
    return referral
