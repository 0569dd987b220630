"""The documents' content, taken from the database in a fixed number of queries.

What is in a box is what its reservation set aside (and packing took from the shelf), not what
the kit type holds today: a kit type may change after approval.
"""

from django.conf import settings
from django.db.models import F, OuterRef, Prefetch, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from logistics.distribution import selectors
from logistics.distribution.documents.content import (
    Label,
    LabelsContent,
    Line,
    Package,
    PickListContent,
    PickupNote,
    PickupNotesContent,
    RouteSheetContent,
    Slip,
    SlipsContent,
    Stop,
)
from logistics.models import (
    DeliveryMethod,
    KitComponent,
    PickList,
    Referral,
    ReservationLine,
    Unit,
    settings_of,
)
from logistics.referrals.codes import PREFIX
from logistics.referrals.notifications import page_url
from logistics.referrals.rules import goods_packed
from startpakket.models import Organisation
from startpakket.roles import OrganisationKind

# A box is packed in the order its kit type lists its components (as the coordinator entered
# them: clothes, then sleeping, care, nappies), not by name. An item the kit type no longer
# holds comes last.
_COMPONENT = KitComponent.objects.filter(
    kit_type=OuterRef("reservation__kit_type"), item=OuterRef("item")).values("pk")[:1]
_LINES = Prefetch("reservation__lines", queryset=ReservationLine.objects.select_related("item")
                  .annotate(component=Subquery(_COMPONENT))
                  .order_by(F("component").asc(nulls_last=True), "item__name"))


def _line(item, quantity: int) -> Line:
    return Line(sku=item.sku, name=item.name, unit=Unit(item.unit).counted(quantity),
                quantity=quantity)


def _reserved(referral: Referral):
    return () if referral.reservation is None else referral.reservation.lines.all()


def _lines(referral: Referral) -> tuple[Line, ...]:
    return tuple(_line(line.item, line.quantity) for line in _reserved(referral))


def _notes(referral: Referral) -> tuple[str, ...]:
    notes = []
    if referral.babies >= 2:
        notes.append(ngettext(
            "For %(babies)d babies: the baby clothes are counted for each of them.",
            "For %(babies)d babies: the baby clothes are counted for each of them.",
            referral.babies) % {"babies": referral.babies})
    if referral.delivery_method == DeliveryMethod.PICKUP and referral.pickup_point:
        notes.append(_("For pick-up point %(point)s, with its pick-up note.")
                     % {"point": referral.pickup_point.name})
    elif referral.delivery_method == DeliveryMethod.POST:
        notes.append(_("By post: a plain box, nothing on it but the address label."))
    return tuple(notes)


def pick_list_content(pick_list: PickList) -> PickListContent:
    """The list as it is now: the referrals still on it, in its order. No names or addresses:
    a ``Package`` has no field for them."""
    entries = selectors.by_method(
        selectors.current_entries(pick_list).select_related("referral__pickup_point")
        .prefetch_related(Prefetch("referral__reservation__lines", queryset=_LINES.queryset)),
        lambda entry: entry.referral.delivery_method)
    packages = []
    # In the order the items first come in the packages, so a walk follows the kits' order.
    totals: dict[str, list] = {}  # SKU → [item, quantity]
    for entry in entries:
        referral = entry.referral
        package = Package(code=referral.code, kit_type=referral.kit_type.display_name,
                          babies=referral.babies, lines=_lines(referral),
                          notes=_notes(referral), already_packed=goods_packed(referral),
                          method=referral.get_delivery_method_display())
        packages.append(package)
        if package.already_packed:
            continue
        for line in _reserved(referral):
            totals.setdefault(line.item.sku, [line.item, 0])[1] += line.quantity
    return PickListContent(
        warehouse=pick_list.warehouse.name,
        number=pick_list.number,
        created_on=timezone.localdate(pick_list.created_at),
        packages=tuple(packages),
        totals=tuple(_line(item, quantity) for item, quantity in totals.values()),
    )


def delivery_page_url(code: str) -> str:
    """The kit's delivery page as a phone's camera opens it from the slip's QR code."""
    return page_url("deliveries:kit", code=code)


def _slip(referral: Referral) -> Slip:
    postcode_city = f"{referral.postcode}  {referral.city}"
    attempt, failed_reason = selectors.delivery_attempt(referral)
    return Slip(
        code=referral.code,
        recipient=f"{referral.parent_first_name} {referral.parent_last_name}",
        address_lines=(referral.address_line, postcode_city),
        phone=referral.phone.as_national if referral.phone else "",
        language=referral.get_language_display(),
        delivery_notes=referral.delivery_notes,
        kit_type=referral.kit_type.display_name,
        babies=referral.babies,
        lines=_lines(referral),
        deliver_by=referral.deliver_by,
        attempt=attempt,
        failed_reason=failed_reason,
        delivery_url=delivery_page_url(referral.code),
    )


def with_slip_data(referrals):
    """What ``slips_content`` reads of each referral, in three queries."""
    return selectors.with_failed_deliveries(
        referrals.select_related("kit_type", "reservation", "warehouse").prefetch_related(
            _LINES))


def slip_referrals_of(pick_list: PickList, method: str = DeliveryMethod.DELIVERY
                      ) -> list[Referral]:
    """The kits on the list of a delivery ``method`` that still have to go out, in the list's
    order, fetched ``with_slip_data``: for slips those delivered at the door, for pick-up notes
    and address labels the others."""
    return list(with_slip_data(selectors.still_to_deliver(pick_list, method))
                .select_related("pickup_point").order_by("pick_list_entries__position"))


def slip_referral(referral: Referral) -> tuple[Referral, PickList | None]:
    """One referral fetched ``with_slip_data``, and the list it is on now (if any)."""
    referral = with_slip_data(Referral.objects.filter(pk=referral.pk)
                              .select_related("pickup_point")).get()
    entry = referral.pick_list_entries.filter(removed_at__isnull=True).select_related(
        "pick_list").first()
    return referral, entry.pick_list if entry else None


def slips_content(referrals: list[Referral], *, warehouse, pick_list: PickList | None = None
                  ) -> SlipsContent:
    """Slips for ``referrals`` (fetched ``with_slip_data``). Only name, address, phone, language
    and notes of the family: nothing of the household or the income."""
    foundation = _foundation()
    return SlipsContent(
        foundation=foundation.name if foundation else _("Startpakket"),
        contact_line=settings_of(foundation).contact_line if foundation else "",
        warehouse=warehouse.name,
        slips=tuple(_slip(referral) for referral in referrals),
        pick_list_number=pick_list.number if pick_list else None,
        printed_on=timezone.localdate(),
    )


def route_referrals_of(pick_list: PickList) -> list[Referral]:
    """The list's kits still to deliver in postcode order, then by street and number: the
    driver's route."""
    return list(selectors.still_to_deliver(pick_list, DeliveryMethod.DELIVERY)
                .order_by("postcode", "street", "house_number", "house_number_suffix", "code")
                .only("code", "postcode", "city", "street", "house_number",
                      "house_number_suffix", "phone", "delivery_notes"))


def route_sheet_content(referrals: list[Referral], *, pick_list: PickList) -> RouteSheetContent:
    """For the driver: where, which code, phone and notes. No name (the slips carry it),
    nothing of the household or the income: a ``Stop`` has no field for them."""
    return RouteSheetContent(
        warehouse=pick_list.warehouse.name,
        number=pick_list.number,
        printed_on=timezone.localdate(),
        stops=tuple(Stop(code=referral.code, postcode=referral.postcode, city=referral.city,
                         address_line=referral.address_line,
                         phone=referral.phone.as_national if referral.phone else "",
                         delivery_notes=referral.delivery_notes)
                    for referral in referrals),
    )


def _foundation() -> Organisation | None:
    return (Organisation.objects.active().of_kind(OrganisationKind.FOUNDATION)
            .select_related("logistics_settings").first())


def pickup_notes_content(referrals: list[Referral], *, warehouse,
                         pick_list: PickList | None = None) -> PickupNotesContent:
    """Pick-up notes for ``referrals`` (fetched ``with_slip_data`` and their pick-up point):
    the family's name, the point's address and hours, the contents. Nothing of the household
    or the income: a ``PickupNote`` has no field for them."""
    foundation = _foundation()
    return PickupNotesContent(
        foundation=foundation.name if foundation else _("Startpakket"),
        contact_line=settings_of(foundation).contact_line if foundation else "",
        warehouse=warehouse.name,
        notes=tuple(PickupNote(
            code=referral.code,
            recipient=f"{referral.parent_first_name} {referral.parent_last_name}",
            point_name=referral.pickup_point.name,
            point_address_lines=referral.pickup_point.address_lines,
            opening_hours=referral.pickup_point.opening_hours,
            kit_type=referral.kit_type.display_name,
            babies=referral.babies,
            lines=_lines(referral),
            collect_weeks=settings.PICKUP_COLLECT_WEEKS,
            delivery_url=delivery_page_url(referral.code),
        ) for referral in referrals),
        pick_list_number=pick_list.number if pick_list else None,
        printed_on=timezone.localdate(),
    )


def return_address() -> tuple[str, ...]:
    """The foundation's return address (its ``OrganisationSettings``), line by line; empty when
    none is set."""
    foundation = _foundation()
    text = settings_of(foundation).return_address if foundation else ""
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def labels_content(referrals: list[Referral], sender: tuple[str, ...]) -> LabelsContent:
    """Address labels for ``referrals``: name and address only, the city in capitals as the
    post office reads it; as reference the code's number without its prefix, which names the
    product. No kit type, no contents, no foundation name unless the return address holds it."""
    return LabelsContent(
        sender_lines=sender,
        labels=tuple(Label(
            recipient=f"{referral.parent_first_name} {referral.parent_last_name}",
            address_lines=(referral.address_line,
                           f"{referral.postcode}  {referral.city.upper()}"),
            reference=referral.code.removeprefix(f"{PREFIX}-"),
        ) for referral in referrals),
    )
