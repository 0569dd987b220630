"""The logistics models, one module per part of DESIGN §5."""

from logistics.models.municipalities import Municipality, PostcodeRange
from logistics.models.notifications import ReferralMail, ReferralMailSettings
from logistics.models.organisations import OrganisationSettings, settings_of
from logistics.models.pick_lists import PickList, PickListEntry
from logistics.models.pickup_points import DeliveryMethod, PickupPoint
from logistics.models.referrals import (
    EligibilityOverride,
    Language,
    Referral,
    ReferralNumber,
    ReferralStatus,
    ReferralStatusChange,
)
from logistics.models.statistics import CountedReferral, FigureCount, FigureTally
from logistics.models.stock import (
    BookingKind,
    Item,
    KitComponent,
    KitType,
    MovementKind,
    Reservation,
    ReservationLine,
    ReservationState,
    StockBooking,
    StockLevel,
    StockMovement,
    Unit,
    Warehouse,
)

__all__ = [
    "BookingKind",
    "CountedReferral",
    "DeliveryMethod",
    "EligibilityOverride",
    "FigureCount",
    "FigureTally",
    "Item",
    "KitComponent",
    "KitType",
    "Language",
    "MovementKind",
    "Municipality",
    "OrganisationSettings",
    "PickList",
    "PickListEntry",
    "PickupPoint",
    "PostcodeRange",
    "Referral",
    "ReferralMail",
    "ReferralMailSettings",
    "ReferralNumber",
    "ReferralStatus",
    "ReferralStatusChange",
    "Reservation",
    "ReservationLine",
    "ReservationState",
    "StockBooking",
    "StockLevel",
    "StockMovement",
    "Unit",
    "Warehouse",
    "settings_of",
]
