"""Pick lists, packing and deliveries (DESIGN §5).

A pick list takes a warehouse's referrals that wait for packing or for a new delivery attempt,
most urgent first, and schedules them. Packing consumes each kit's reservation: its goods leave
the stock ledger as issue movements. A kit that came back after a failed delivery is already
packed; it goes on a new list to be delivered again and leaves the ledger only once.

A volunteer records that a packed kit was handed over, or that it could not be; a failed
delivery goes back to the warehouse's queue for a new list, still packed. How it is handed over
is the kit's delivery method's: delivered at the door, collected at a pick-up point (or not
collected in time), or shipped by post.
"""

import datetime
import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from logistics.distribution.selectors import (
    current_entries,
    delivered_out_of_sight,
    next_window_opening,
    packed_before,
    waiting,
)
from logistics.models import (
    DeliveryMethod,
    PickList,
    PickListEntry,
    Referral,
    ReferralStatus,
    ReservationState,
    Warehouse,
)
from logistics.referrals import follow_ups, notifications
from logistics.referrals.input import visible
from logistics.referrals.rules import goods_packed
from logistics.referrals.services import leave_pick_list, require_reason
from logistics.referrals.workflow import (
    TARGETS,
    Action,
    change_status,
    change_statuses,
    lock_referral,
    require,
)
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


def already_recorded(code: str, status: str) -> str:
    if status == ReferralStatus.DELIVERED:
        return _("%(code)s was already recorded as delivered.") % {"code": code}
    return _("%(code)s was already recorded as %(status)s.") % {
        "code": code, "status": ReferralStatus(status).label}


def refuse_if_delivered_out_of_sight(user, code: str) -> None:
    """A repeated "delivered" (a retry, a second tap) for a kit the first one recorded as
    delivered (or collected, or shipped), which took it out of the volunteer's sight: say so,
    as the page does, rather than "not found"."""
    if status := delivered_out_of_sight(user, code):
        raise AlreadyDelivered(already_recorded(code, status))


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
        message = _("No approved kits are waiting for a pick list at %(warehouse)s.") % {
            "warehouse": warehouse.name}
        if opens := next_window_opening(warehouse):
            message += " " + _("The next kit's time window opens on %(date)s.") % {
                "date": formats.date_format(opens, "DATE_FORMAT")}
        raise NothingToSchedule(message)
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
    change_statuses(referrals, ReferralStatus.SCHEDULED, user)
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
    still_on = set(PickListEntry.objects.filter(pick_list=pick_list, removed_at__isnull=True,
                                                referral__in=locked)
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


# What a handing-over date may not be, per field: the date of a delivery, a collection at the
# pick-up point, or a shipment.
FUTURE = {
    "delivered_on": gettext_lazy("A delivery cannot be in the future."),
    "collected_on": gettext_lazy("A kit cannot be collected in the future."),
    "shipped_on": gettext_lazy("A kit cannot be shipped in the future."),
}
BEFORE_PACKING = {
    "delivered_on": gettext_lazy("The kit was packed on %(date)s; it cannot have been "
                                 "delivered before that."),
    "collected_on": gettext_lazy("The kit was packed on %(date)s; it cannot have been "
                                 "collected before that."),
    "shipped_on": gettext_lazy("The kit was packed on %(date)s; it cannot have been shipped "
                               "before that."),
}


def _handed_over_on(referral: Referral, day: datetime.date | None, field: str
                    ) -> datetime.date:
    """``day`` (today if not given), refused in the future and before the kit was packed."""
    today = timezone.localdate()
    day = day or today
    if day > today:
        raise FieldError(field, str(FUTURE[field]))
    packed_on = _packed_on(referral)
    if packed_on and day < packed_on:
        raise FieldError(field, str(BEFORE_PACKING[field]) % {
            "date": formats.date_format(packed_on, "SHORT_DATE_FORMAT")})
    return day


def _hand_over(*, referral: Referral, user, action: Action, day: datetime.date | None,
               field: str, changes: dict | None = None) -> Referral:
    """The kit reached the family (or the parcel service) on ``day``, recorded as
    ``delivered_on`` whatever the method: the statistics count it delivered then."""
    referral = lock_referral(referral)
    require(user, referral, action)
    referral.delivered_on = _handed_over_on(referral, day, field)
    for name, value in (changes or {}).items():
        setattr(referral, name, value)
    change_status(referral, TARGETS[action], user, fields=("delivered_on", *(changes or {})))
    notifications.status_changed(referral)  # the referrer hears it, after the commit
    # The family has this kit: its follow-up kit, if the kit type names one, is planned now.
    follow_ups.plan_follow_up(first=referral, user=user)
    return referral


@transaction.atomic
def record_delivery(*, referral: Referral, user,
                    delivered_on: datetime.date | None = None) -> Referral:
    """The kit was handed over on ``delivered_on`` (today if not given): not in the future and
    not before it was packed."""
    return _hand_over(referral=referral, user=user, action=Action.DELIVER, day=delivered_on,
                      field="delivered_on")


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


# Pick-up kits: the family collects the box at the pick-up point, or has not come within
# ``PICKUP_COLLECT_WEEKS`` of its packing; then the kit waits there, and the nurse is told.


@transaction.atomic
def record_collected(*, referral: Referral, user,
                     collected_on: datetime.date | None = None) -> Referral:
    """The family collected the kit at the pick-up point on ``collected_on`` (today if not
    given); also after it was recorded as not collected."""
    return _hand_over(referral=referral, user=user, action=Action.COLLECTED, day=collected_on,
                      field="collected_on")


@transaction.atomic
def record_not_collected(*, referral: Referral, user, reason: str = "") -> Referral:
    """Nobody came for the kit (or the pick-up point sends it back): it waits at the point, and
    the nurse is told, so she can call the family; a coordinator may cancel it."""
    reason = (reason or "").strip()
    referral = lock_referral(referral)
    require(user, referral, Action.NOT_COLLECTED)
    change_status(referral, ReferralStatus.NOT_COLLECTED, user, reason)
    notifications.status_changed(referral)
    return referral


def not_collected_in_time(now: datetime.datetime | None = None):
    """The pick-up kits packed ``PICKUP_COLLECT_WEEKS`` weeks ago or longer and still not
    collected."""
    since = (now or timezone.now()) - datetime.timedelta(weeks=settings.PICKUP_COLLECT_WEEKS)
    return packed_before(since).filter(delivery_method=DeliveryMethod.PICKUP)


def mark_not_collected(now: datetime.datetime | None = None) -> list[Referral]:
    """``manage.py mark_not_collected``, daily: every pick-up kit not collected in time is
    recorded as not collected, by the application itself, and its nurse is told. One
    transaction per kit, so a kit a volunteer records meanwhile is left as she recorded it.
    Answers the referrals marked."""
    weeks = settings.PICKUP_COLLECT_WEEKS
    with translation.override(settings.LANGUAGE_CODE):  # the history's reason stays as written
        reason = ngettext("Not collected within %(weeks)d week.",
                          "Not collected within %(weeks)d weeks.", weeks) % {"weeks": weeks}
    marked = []
    for referral in not_collected_in_time(now).order_by("pk"):
        with transaction.atomic():
            referral = lock_referral(referral)
            if (referral.status != ReferralStatus.PACKED
                    or referral.delivery_method != DeliveryMethod.PICKUP):
                continue
            change_status(referral, ReferralStatus.NOT_COLLECTED, None, reason)
            notifications.status_changed(referral)
            marked.append(referral)
    return marked


# Kits by post: handed to the parcel service, with its tracking number if there is one.

TRACKING_NUMBER_LENGTH = Referral._meta.get_field("tracking_number").max_length


def _tracking_number(value: str) -> str:
    value = visible(value or "").strip()
    if len(value) > TRACKING_NUMBER_LENGTH:
        raise FieldError("tracking_number", _("At most %(max)d characters.")
                         % {"max": TRACKING_NUMBER_LENGTH})
    return value


@transaction.atomic
def record_shipped(*, referral: Referral, user, shipped_on: datetime.date | None = None,
                   tracking_number: str = "") -> Referral:
    """The kit went to the parcel service on ``shipped_on`` (today if not given), with the
    parcel's tracking number if given; the nurse sees it on the referral's page."""
    return _hand_over(referral=referral, user=user, action=Action.SHIPPED, day=shipped_on,
                      field="shipped_on",
                      changes={"tracking_number": _tracking_number(tracking_number)})
