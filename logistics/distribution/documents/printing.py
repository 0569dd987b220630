"""The documents as the pages and the API hand them out: gathered, drawn, and, for slips and
route sheets, recorded in the audit trail (they carry a family's address and phone)."""

from django.utils.translation import gettext as _

from logistics.distribution.documents import gather
from logistics.distribution.documents.delivery_slips import render_delivery_slips
from logistics.distribution.documents.pick_list import render_pick_list
from logistics.distribution.documents.route_sheet import render_route_sheet
from logistics.models import PickList, Referral
from logistics.referrals.workflow import Action, require
from startpakket import audit
from startpakket.errors import ConflictError


class NoSlips(ConflictError):
    code = "no_slips"


def pick_list_pdf(pick_list: PickList) -> bytes:
    return render_pick_list(gather.pick_list_content(pick_list))


def pick_list_filename(pick_list: PickList) -> str:
    return f"pick-list-{pick_list.warehouse.code}-{pick_list.number}.pdf"


def _print_slips(referrals: list[Referral], *, user, warehouse, pick_list=None) -> bytes:
    pdf = render_delivery_slips(gather.slips_content(referrals, warehouse=warehouse,
                                                     pick_list=pick_list))
    # Recorded once the document exists: a failure above handed nothing out.
    audit.record_reads(user=user, objects=referrals, what=audit.SLIP_PRINTED,
                       details={"pick_list": pick_list.pk} if pick_list else None)
    return pdf


def pick_list_slips_pdf(pick_list: PickList, *, user) -> bytes:
    """A slip for each kit on the list that still has to be delivered, in the list's order."""
    referrals = gather.slip_referrals_of(pick_list)
    if not referrals:
        raise NoSlips(_("Every kit on this list was delivered or has left the list."))
    return _print_slips(referrals, user=user, warehouse=pick_list.warehouse, pick_list=pick_list)


def pick_list_slips_filename(pick_list: PickList) -> str:
    return f"delivery-slips-{pick_list.warehouse.code}-{pick_list.number}.pdf"


def route_sheet_pdf(pick_list: PickList, *, user) -> bytes:
    """The driver's sheet: the list's kits still to deliver, in postcode order."""
    referrals = gather.route_referrals_of(pick_list)
    if not referrals:
        raise NoSlips(_("Every kit on this list was delivered or has left the list."))
    pdf = render_route_sheet(gather.route_sheet_content(referrals, pick_list=pick_list))
    audit.record_reads(user=user, objects=referrals, what=audit.ROUTE_SHEET_PRINTED,
                       details={"pick_list": pick_list.pk})
    return pdf


def route_sheet_filename(pick_list: PickList) -> str:
    return f"route-sheet-{pick_list.warehouse.code}-{pick_list.number}.pdf"


def referral_slip_pdf(referral: Referral, *, user) -> bytes:
    require(user, referral, Action.PRINT_SLIP)
    referral, pick_list = gather.slip_referral(referral)
    return _print_slips([referral], user=user, warehouse=referral.warehouse,
                        pick_list=pick_list)


def referral_slip_filename(referral: Referral) -> str:
    return f"delivery-slip-{referral.code}.pdf"
