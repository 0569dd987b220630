"""What each user may see of the referrals (DESIGN §1): every referral query of the pages and
the API is scoped here, not in the views."""

import bisect
import datetime
from collections.abc import Callable

from django.db.models import Exists, OuterRef, QuerySet

from logistics.models import (
    PickList,
    PostcodeRange,
    Referral,
    ReferralStatus,
    ReferralStatusChange,
)
from startpakket.roles import Role

DUPLICATE_WINDOW = datetime.timedelta(days=60)
WAREHOUSE_STATUSES = (ReferralStatus.APPROVED, ReferralStatus.SCHEDULED, ReferralStatus.PACKED,
                      ReferralStatus.DELIVERY_FAILED)


def referrals_for(user) -> QuerySet[Referral]:
    """A coordinator sees every referral, a referrer their organisation's, a volunteer those
    assigned to their warehouse; anyone else none."""
    referrals = Referral.objects.select_related("kit_type", "organisation", "warehouse",
                                                "referred_by")
    if user.has_role(Role.COORDINATOR):
        return referrals
    if user.has_role(Role.REFERRER):
        return referrals.filter(organisation_id=user.organisation_id)
    if user.has_role(Role.WAREHOUSE):
        # Only while there is work for the warehouse: a cancelled or finished referral's name
        # and address are no longer the volunteers' business.
        return referrals.filter(warehouse_id=user.organisation_id,
                                status__in=WAREHOUSE_STATUSES)
    return referrals.none()


def _same_family(postcode, house_number, due_date):
    return Referral.objects.filter(
        postcode=postcode, house_number=house_number,
        due_date__gte=due_date - DUPLICATE_WINDOW, due_date__lte=due_date + DUPLICATE_WINDOW,
    )


def with_duplicate_flag(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """Adds ``possible_duplicate``: another referral, of any organisation, for the same postcode
    and house number with a due date within 60 days (DESIGN §4). Only for coordinators."""
    others = _same_family(OuterRef("postcode"), OuterRef("house_number"), OuterRef("due_date"))
    return referrals.annotate(possible_duplicate=Exists(others.exclude(pk=OuterRef("pk"))))


def possible_duplicates(referral: Referral) -> QuerySet[Referral]:
    if referral.house_number is None:  # anonymised: no address left to compare
        return Referral.objects.none()
    return (
        _same_family(referral.postcode, referral.house_number, referral.due_date)
        .exclude(pk=referral.pk).select_related("organisation").order_by("due_date")
    )


def last_pick_list(referral: Referral) -> PickList | None:
    """The list the referral is on, or was on last."""
    entry = (referral.pick_list_entries.select_related("pick_list").order_by("-pick_list_id")
             .first())
    return entry.pick_list if entry else None


def history_of(referral: Referral) -> list[ReferralStatusChange]:
    """The referral's status changes, oldest first, with who made them."""
    return list(referral.history.select_related("by"))


def find_referral(user, code: str) -> Referral | None:
    """The referral with ``code`` if the user may see it (``referrals_for``), else None."""
    return referrals_for(user).filter(code=code).first()


def may_see(user, referral: Referral) -> bool:
    return referrals_for(user).filter(pk=referral.pk).exists()


def postcode_area(postcode: str) -> int | None:
    """The four digits of a postcode (``1234 AB``, or ``1234`` once anonymised) as a number."""
    digits = (postcode or "")[:4]
    return int(digits) if digits.isdigit() and len(digits) == 4 else None


def municipality_finder() -> Callable[[str], int | None]:
    """A function from a postcode to the id of the municipality whose ranges cover it (None:
    "unknown", never an error), reading the ranges once: for one referral or for all of them."""
    ranges = sorted(PostcodeRange.objects.values_list("first", "last", "municipality_id"))
    firsts = [first for first, _, _ in ranges]

    def find(postcode: str) -> int | None:
        area = postcode_area(postcode)
        at = bisect.bisect_right(firsts, area) - 1 if area is not None else -1
        return ranges[at][2] if at >= 0 and area <= ranges[at][1] else None

    return find
