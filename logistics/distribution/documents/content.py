"""What the pick list, the delivery slips, the route sheet, the pick-up notes and the address
labels show, as plain data.

The renderers take these objects and nothing else, so what personal data reaches paper is decided
here: a ``Package`` (pick list) has no name, address or phone; a ``Slip`` and a ``PickupNote``
have no income or household; a ``Stop`` (route sheet) has no name either; a ``Label`` has nothing
but the recipient's name and address: no content description, nothing of the kit.
"""

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Line:
    """One item and how many of it: a component of a package, or a total of the list."""

    sku: str
    name: str
    unit: str  # the unit's label in the reader's language, e.g. "stuks"
    quantity: int


@dataclass(frozen=True)
class Package:
    """One kit to pack, as the picker sees it: the referral code, never the family."""

    code: str
    kit_type: str  # the kit type's name
    babies: int
    lines: tuple[Line, ...]
    # Short remarks for the packer, e.g. that a twin kit holds clothes twice.
    notes: tuple[str, ...] = ()
    # Packed earlier and back after a failed delivery: take the packed box, pick nothing.
    already_packed: bool = False
    # How the kit reaches the family, as the list's heading over its group ("delivery at the
    # door", "pick-up point", "by post"); the packages come grouped by it.
    method: str = ""


@dataclass(frozen=True)
class PickListContent:
    warehouse: str  # the warehouse's name
    number: int
    created_on: date
    packages: tuple[Package, ...]
    # Per item, over the packages still to pick (not the ones already packed).
    totals: tuple[Line, ...]


@dataclass(frozen=True)
class Slip:
    """One delivery slip: who gets what where. Nothing about income or household."""

    code: str
    recipient: str  # first and last name
    address_lines: tuple[str, ...]  # street and number; postcode and city
    phone: str  # national notation, e.g. "06 12345678"
    language: str  # the family's preferred language, named in the reader's language
    delivery_notes: str
    kit_type: str
    babies: int
    lines: tuple[Line, ...]
    deliver_by: date | None = None  # the day the kit should be with the family
    attempt: int = 1  # 2 after one failed delivery, …
    failed_reason: str = ""  # why the last attempt failed
    # What the QR code opens: the kit's delivery page; the code alone if empty.
    delivery_url: str = ""


@dataclass(frozen=True)
class SlipsContent:
    foundation: str  # the foundation's name, at the top of every slip
    contact_line: str  # e.g. "Stichting Babystart · 020 123 4567 · info@…"; may be empty
    warehouse: str
    slips: tuple[Slip, ...]
    # The pick list the slips belong to, if printed for a whole list.
    pick_list_number: int | None = None
    printed_on: date = field(default_factory=date.today)


@dataclass(frozen=True)
class Stop:
    """One address on the driver's route: no name, nothing of the household or the income."""

    code: str
    postcode: str
    city: str
    address_line: str  # street, number and suffix
    phone: str  # national notation
    delivery_notes: str


@dataclass(frozen=True)
class RouteSheetContent:
    warehouse: str
    number: int  # the pick list's
    printed_on: date
    stops: tuple[Stop, ...]  # in postcode order


@dataclass(frozen=True)
class PickupNote:
    """Goes with a kit to its pick-up point: whose kit it is, where and when it is collected,
    what the parent brings. Nothing about income or household."""

    code: str
    recipient: str  # first and last name: the point's volunteer hands the kit to this person
    point_name: str
    point_address_lines: tuple[str, ...]  # street and number; postcode and city
    opening_hours: str
    kit_type: str
    babies: int
    lines: tuple[Line, ...]
    collect_weeks: int  # how long the kit waits at the point
    # What the QR code opens: the kit's page to record its collection.
    delivery_url: str = ""


@dataclass(frozen=True)
class PickupNotesContent:
    foundation: str
    contact_line: str
    warehouse: str
    notes: tuple[PickupNote, ...]
    pick_list_number: int | None = None
    printed_on: date = field(default_factory=date.today)


@dataclass(frozen=True)
class Label:
    """An address label for a kit sent by post: the recipient, and a reference the warehouse
    matches the box with. No content description: a plain box stays plain."""

    recipient: str
    address_lines: tuple[str, ...]  # street and number; postcode and city
    reference: str  # the referral code's number, e.g. "2026-00042"


@dataclass(frozen=True)
class LabelsContent:
    sender_lines: tuple[str, ...]  # the foundation's return address; may be empty
    labels: tuple[Label, ...]
