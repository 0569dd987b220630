"""The documents' content, taken from the database in a fixed number of queries.

What is in a box is what its reservation set aside (and packing took from the shelf), not what
the kit type holds today: a kit type may change after approval.
"""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from logistics.distribution import selectors
from logistics.distribution.documents.content import (
    Line,
    Package,
    PickListContent,
    Slip,
    SlipsContent,
)
from logistics.models import (
    PickList,
    Referral,
    ReferralStatus,
    ReservationLine,
    Unit,
    settings_of,
)
from logistics.referrals.rules import goods_packed
from startpakket.models import Organisation
from startpakket.roles import OrganisationKind

_LINES = Prefetch("reservation__lines",
                  queryset=ReservationLine.objects.select_related("item").order_by("item__name"))


def _lines(referral: Referral) -> tuple[Line, ...]:
    if referral.reservation is None:
        return ()
    return tuple(
        Line(sku=line.item.sku, name=line.item.name, unit=str(Unit(line.item.unit).label),
             quantity=line.quantity)
        for line in referral.reservation.lines.all()
    )


def _notes(referral: Referral) -> tuple[str, ...]:
    if referral.babies < 2:
        return ()
    return (ngettext(
        "For %(babies)d babies: the baby clothes are counted for each of them.",
        "For %(babies)d babies: the baby clothes are counted for each of them.",
        referral.babies) % {"babies": referral.babies},)


def pick_list_content(pick_list: PickList) -> PickListContent:
    """The list as it is now: the referrals still on it, in its order. No names or addresses:
    a ``Package`` has no field for them."""
    entries = list(selectors.current_entries(pick_list).prefetch_related(
        Prefetch("referral__reservation__lines",
                 queryset=_LINES.queryset)))
    packages = []
    totals: dict[str, Line] = {}
    for entry in entries:
        referral = entry.referral
        package = Package(code=referral.code, kit_type=referral.kit_type.name,
                          babies=referral.babies, lines=_lines(referral),
                          notes=_notes(referral), already_packed=goods_packed(referral))
        packages.append(package)
        if package.already_packed:
            continue
        for line in package.lines:
            seen = totals.get(line.sku)
            totals[line.sku] = (line if seen is None else
                                Line(line.sku, line.name, line.unit, seen.quantity + line.quantity))
    return PickListContent(
        warehouse=pick_list.warehouse.name,
        number=pick_list.number,
        created_on=timezone.localdate(pick_list.created_at),
        packages=tuple(packages),
        totals=tuple(sorted(totals.values(), key=lambda line: line.name)),
    )


def _slip(referral: Referral) -> Slip:
    postcode_city = f"{referral.postcode}  {referral.city}"
    return Slip(
        code=referral.code,
        recipient=f"{referral.parent_first_name} {referral.parent_last_name}",
        address_lines=(referral.address_line, postcode_city),
        phone=referral.phone.as_national if referral.phone else "",
        language=referral.get_language_display(),
        delivery_notes=referral.delivery_notes,
        kit_type=referral.kit_type.name,
        babies=referral.babies,
        lines=_lines(referral),
    )


def with_slip_data(referrals):
    """What ``slips_content`` reads of each referral, in two queries."""
    return referrals.select_related("kit_type", "reservation", "warehouse").prefetch_related(
        _LINES)


def slip_referrals_of(pick_list: PickList) -> list[Referral]:
    """The kits on the list that still have to be delivered, in the list's order, fetched
    ``with_slip_data``."""
    return list(with_slip_data(Referral.objects.filter(
        pick_list_entries__pick_list=pick_list,
        pick_list_entries__removed_at__isnull=True,
        status__in=(ReferralStatus.SCHEDULED, ReferralStatus.PACKED),
    )).order_by("pick_list_entries__position"))


def slip_referral(referral: Referral) -> tuple[Referral, PickList | None]:
    """One referral fetched ``with_slip_data``, and the list it is on now (if any)."""
    referral = with_slip_data(Referral.objects.filter(pk=referral.pk)).get()
    entry = referral.pick_list_entries.filter(removed_at__isnull=True).select_related(
        "pick_list").first()
    return referral, entry.pick_list if entry else None


def slips_content(referrals: list[Referral], *, warehouse, pick_list: PickList | None = None
                  ) -> SlipsContent:
    """Slips for ``referrals`` (fetched ``with_slip_data``). Only name, address, phone, language
    and notes of the family: nothing of the household or the income."""
    foundation = (Organisation.objects.active().of_kind(OrganisationKind.FOUNDATION)
                  .select_related("logistics_settings").first())
    return SlipsContent(
        foundation=foundation.name if foundation else _("Startpakket"),
        contact_line=settings_of(foundation).contact_line if foundation else "",
        warehouse=warehouse.name,
        slips=tuple(_slip(referral) for referral in referrals),
        pick_list_number=pick_list.number if pick_list else None,
        printed_on=timezone.localdate(),
    )
