"""The documents as the pages and the API hand them out: gathered, drawn, and, for slips, route
sheets, pick-up notes and address labels, recorded in the audit trail (they carry a family's
name and address). Each kit's document is its delivery method's: a slip (and a place on the
route sheet) for delivery at the door, a pick-up note for a pick-up point, an address label for
the post."""

from django.utils.translation import gettext as _

from logistics.distribution import selectors
from logistics.distribution.documents import gather
from logistics.distribution.documents.delivery_slips import render_delivery_slips
from logistics.distribution.documents.labels import (
    A4_SHEET,
    SHEETS,
    SINGLE,
    render_labels,
)
from logistics.distribution.documents.pick_list import render_pick_list
from logistics.distribution.documents.pickup_notes import render_pickup_notes
from logistics.distribution.documents.route_sheet import render_route_sheet
from logistics.models import DeliveryMethod, PickList, Referral
from logistics.referrals.workflow import Action, require
from startpakket import audit
from startpakket.errors import ConflictError, FieldError


class NoSlips(ConflictError):
    code = "no_slips"


class NoReturnAddress(ConflictError):
    code = "no_return_address"


def _to_print(referrals: list[Referral], pick_list: PickList, method_message: str
              ) -> list[Referral]:
    """``referrals``, the kits of one method left to print; if there are none, the refusal
    says so, or plainly that nothing at all is left on the list."""
    if referrals:
        return referrals
    if not selectors.still_to_deliver(pick_list).exists():
        raise NoSlips(_("Every kit on this list was delivered or has left the list."))
    raise NoSlips(method_message)


def _handed_out(pdf: bytes, referrals: list[Referral], *, user, what: str,
                pick_list=None) -> bytes:
    """``pdf``, recorded once it exists: a failure while making it handed nothing out."""
    audit.record_reads(user=user, objects=referrals, what=what,
                       details={"pick_list": pick_list.pk} if pick_list else None)
    return pdf


def pick_list_pdf(pick_list: PickList) -> bytes:
    return render_pick_list(gather.pick_list_content(pick_list))


def pick_list_filename(pick_list: PickList) -> str:
    return f"pick-list-{pick_list.warehouse.code}-{pick_list.number}.pdf"


def _print_slips(referrals: list[Referral], *, user, warehouse, pick_list=None) -> bytes:
    pdf = render_delivery_slips(gather.slips_content(referrals, warehouse=warehouse,
                                                     pick_list=pick_list))
    return _handed_out(pdf, referrals, user=user, what=audit.SLIP_PRINTED, pick_list=pick_list)


def pick_list_slips_pdf(pick_list: PickList, *, user) -> bytes:
    """A slip for each kit on the list that still has to be delivered, in the list's order."""
    referrals = _to_print(gather.slip_referrals_of(pick_list), pick_list,
                          _("No kit on this list is still to be delivered at the door."))
    return _print_slips(referrals, user=user, warehouse=pick_list.warehouse, pick_list=pick_list)


def pick_list_slips_filename(pick_list: PickList) -> str:
    return f"delivery-slips-{pick_list.warehouse.code}-{pick_list.number}.pdf"


def route_sheet_pdf(pick_list: PickList, *, user) -> bytes:
    """The driver's sheet: the list's kits still to deliver, in postcode order."""
    referrals = _to_print(gather.route_referrals_of(pick_list), pick_list,
                          _("No kit on this list is still to be delivered at the door."))
    pdf = render_route_sheet(gather.route_sheet_content(referrals, pick_list=pick_list))
    return _handed_out(pdf, referrals, user=user, what=audit.ROUTE_SHEET_PRINTED,
                       pick_list=pick_list)


def route_sheet_filename(pick_list: PickList) -> str:
    return f"route-sheet-{pick_list.warehouse.code}-{pick_list.number}.pdf"


def _print_one(referral: Referral, *, user, action: Action, print_kits) -> bytes:
    """One kit's slip or pick-up note (``print_kits``), numbered within its pick list."""
    require(user, referral, action)
    referral, pick_list = gather.slip_referral(referral)
    return print_kits([referral], user=user, warehouse=referral.warehouse, pick_list=pick_list)


def referral_slip_pdf(referral: Referral, *, user) -> bytes:
    return _print_one(referral, user=user, action=Action.PRINT_SLIP, print_kits=_print_slips)


def referral_slip_filename(referral: Referral) -> str:
    return f"delivery-slip-{referral.code}.pdf"


# Pick-up notes: one per kit for a pick-up point, instead of a slip.


def _print_pickup_notes(referrals: list[Referral], *, user, warehouse, pick_list=None) -> bytes:
    pdf = render_pickup_notes(gather.pickup_notes_content(referrals, warehouse=warehouse,
                                                          pick_list=pick_list))
    return _handed_out(pdf, referrals, user=user, what=audit.PICKUP_NOTE_PRINTED,
                       pick_list=pick_list)


def pick_list_pickup_notes_pdf(pick_list: PickList, *, user) -> bytes:
    referrals = _to_print(gather.slip_referrals_of(pick_list, DeliveryMethod.PICKUP), pick_list,
                          _("No kit on this list is still to go to a pick-up point."))
    return _print_pickup_notes(referrals, user=user, warehouse=pick_list.warehouse,
                               pick_list=pick_list)


def pick_list_pickup_notes_filename(pick_list: PickList) -> str:
    return f"pickup-notes-{pick_list.warehouse.code}-{pick_list.number}.pdf"


def referral_pickup_note_pdf(referral: Referral, *, user) -> bytes:
    return _print_one(referral, user=user, action=Action.PRINT_PICKUP_NOTE,
                      print_kits=_print_pickup_notes)


def referral_pickup_note_filename(referral: Referral) -> str:
    return f"pickup-note-{referral.code}.pdf"


# Address labels for kits by post: an A4 sheet of eight, or one 10 x 15 cm label a page.

LABEL_SIZES = tuple(SHEETS)  # "a4", "10x15"


def label_sheet(size: str | None, default=A4_SHEET):
    """The sheet for a ``size`` as the pages and the API name it; ``default`` if none given."""
    if not size:
        return default
    if size not in SHEETS:
        raise FieldError("size", _("Choose %(sizes)s.") % {"sizes": " or ".join(LABEL_SIZES)})
    return SHEETS[size]


def _print_labels(referrals: list[Referral], *, user, sheet, pick_list=None) -> bytes:
    sender = gather.return_address()
    if not sender:
        # A parcel that cannot be delivered must find its way back.
        raise NoReturnAddress(_("The foundation has no return address yet: a coordinator sets "
                                "it in the admin, on the foundation's organisation."))
    pdf = render_labels(gather.labels_content(referrals, sender), sheet)
    return _handed_out(pdf, referrals, user=user, what=audit.LABEL_PRINTED, pick_list=pick_list)


def pick_list_labels_pdf(pick_list: PickList, *, user, size: str | None = None) -> bytes:
    sheet = label_sheet(size)
    referrals = _to_print(gather.slip_referrals_of(pick_list, DeliveryMethod.POST), pick_list,
                          _("No kit on this list is still to be sent by post."))
    return _print_labels(referrals, user=user, sheet=sheet, pick_list=pick_list)


def _size_code(size: str | None, default) -> str:
    # A bad size never gets this far (``label_sheet`` refuses it when the labels are drawn).
    return SHEETS.get(size or "", default).code


def pick_list_labels_filename(pick_list: PickList, size: str | None = None) -> str:
    code = _size_code(size, A4_SHEET)
    return f"address-labels-{code}-{pick_list.warehouse.code}-{pick_list.number}.pdf"


def referral_label_pdf(referral: Referral, *, user, size: str | None = None) -> bytes:
    sheet = label_sheet(size, default=SINGLE)
    require(user, referral, Action.PRINT_LABEL)
    return _print_labels([referral], user=user, sheet=sheet)


def referral_label_filename(referral: Referral, size: str | None = None) -> str:
    return f"address-label-{_size_code(size, SINGLE)}-{referral.code}.pdf"
