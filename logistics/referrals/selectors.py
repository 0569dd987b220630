"""What each user may see of the referrals (DESIGN §1): every referral query of the pages and
the API is scoped here, not in the views."""

import bisect
import datetime
from collections.abc import Callable

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from logistics.models import (
    PickList,
    PickupPoint,
    PostcodeRange,
    Referral,
    ReferralStatus,
    ReferralStatusChange,
)
from logistics.referrals.rules import last_deliver_by_at_risk
from logistics.referrals.workflow import OPEN_STATUSES
from startpakket import reference_data
from startpakket.roles import Role

DUPLICATE_WINDOW = datetime.timedelta(days=60)
WAREHOUSE_STATUSES = (ReferralStatus.APPROVED, ReferralStatus.SCHEDULED, ReferralStatus.PACKED,
                      ReferralStatus.DELIVERY_FAILED,
                      # Waiting at the pick-up point, where the family may still come.
                      ReferralStatus.NOT_COLLECTED)


def referrals_for(user) -> QuerySet[Referral]:
    """A coordinator sees every referral, a referrer their organisation's, a volunteer those
    assigned to their warehouse; anyone else none."""
    # The pick-up point's warehouse too: the API names it with the point.
    referrals = Referral.objects.select_related("kit_type", "organisation", "warehouse",
                                                "referred_by", "pickup_point__warehouse")
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


def _other_kits(others: QuerySet[Referral], pk) -> QuerySet[Referral]:
    """``others`` without the referral ``pk`` and the kits of the same referral: a first kit
    and its follow-up kit share the family and the birth date by design."""
    return others.exclude(pk=pk).exclude(follows=pk).exclude(follow_up=pk)


def with_duplicate_flag(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """Adds ``possible_duplicate``: another referral, of any organisation, for the same postcode
    and house number with a due date within 60 days (DESIGN §4), not a kit of the same referral
    (``follow_ups``). Only for coordinators."""
    others = _same_family(OuterRef("postcode"), OuterRef("house_number"), OuterRef("due_date"))
    return referrals.annotate(possible_duplicate=Exists(_other_kits(others, OuterRef("pk"))))


def possible_duplicates(referral: Referral) -> QuerySet[Referral]:
    if referral.house_number is None:  # anonymised: no address left to compare
        return Referral.objects.none()
    return (
        _other_kits(_same_family(referral.postcode, referral.house_number, referral.due_date),
                    referral.pk)
        .select_related("organisation").order_by("due_date")
    )


def last_pick_list(referral: Referral) -> PickList | None:
    """The list the referral is on, or was on last."""
    entry = (referral.pick_list_entries.select_related("pick_list").order_by("-pick_list_id")
             .first())
    return entry.pick_list if entry else None


def with_follow_up_codes(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """Adds ``follows_code`` and ``follow_up_code``: the codes of the referral this one's kit
    follows, and of its follow-up kit (None if none), in the same query."""
    # Subqueries, not joins: counting the list (the API's pager) leaves unused subqueries out,
    # where the joins stayed in and took 100,000 referrals' COUNT from 3 to 45 ms.
    codes = Referral.objects.order_by().values("code")
    return referrals.annotate(follows_code=Subquery(codes.filter(pk=OuterRef("follows_id"))),
                              follow_up_code=Subquery(codes.filter(follows=OuterRef("pk"))))


def follow_up_of(referral: Referral) -> Referral | None:
    """The follow-up kit planned from this referral, if any (the same organisation's, so
    whoever sees the one sees the other)."""
    return Referral.objects.select_related("kit_type").filter(follows=referral).first()


def history_of(referral: Referral) -> list[ReferralStatusChange]:
    """The referral's status changes, oldest first, with who made them."""
    return list(referral.history.select_related("by"))


def pickup_points() -> QuerySet[PickupPoint]:
    """The pick-up points a new referral may name: the active ones, by name."""
    return PickupPoint.objects.active().select_related("warehouse").order_by("name", "code")


def may_see(user, referral: Referral) -> bool:
    return referrals_for(user).filter(pk=referral.pk).exists()


def postcode_area(postcode: str) -> int | None:
    """The four digits of a postcode (``1234 AB``, or ``1234`` once anonymised) as a number."""
    digits = (postcode or "")[:4]
    return int(digits) if digits.isdigit() and len(digits) == 4 else None


def municipality_of(postcode: str) -> int | None:
    """The id of the municipality whose ranges cover ``postcode`` (None: "unknown", never an
    error), from the ranges each process keeps (``startpakket.reference_data``; they change a
    few times a year, ``logistics.apps`` names them): no query on a referral's way."""
    return reference_data.kept("logistics.municipality_finder", municipality_finder)(postcode)


def municipality_finder() -> Callable[[str], int | None]:
    """A function from a postcode to the id of the municipality whose ranges cover it (None:
    "unknown", never an error), reading the ranges once."""
    ranges = sorted(PostcodeRange.objects.values_list("first", "last", "municipality_id"))
    firsts = [first for first, _, _ in ranges]

    def find(postcode: str) -> int | None:
        area = postcode_area(postcode)
        at = bisect.bisect_right(firsts, area) - 1 if area is not None else -1
        return ranges[at][2] if at >= 0 and area <= ranges[at][1] else None

    return find


# ---------------------------------------------------------------------------------------------
# What waits for whom (the home pages, the menu's badge)


def _last_change_into(status: ReferralStatus) -> QuerySet[ReferralStatusChange]:
    return (ReferralStatusChange.objects.filter(referral=OuterRef("pk"), to_status=status)
            .order_by("-at", "-id"))


def first(referrals: QuerySet[Referral], count: int) -> QuerySet[Referral]:
    """The first ``count`` of ``referrals`` in their order: found on the referrals alone (a
    query), then only those joined to what a page shows with them. For an order that costs per
    row (``waiting_for_decision``'s): at 100,000 referrals the 1,532 waiting, joined to six
    tables and then ordered, took 33 ms for the first five on SQLite and 46 on PostgreSQL;
    ordered alone 9 and 14 (with ``status_change_into``). In one query (``pk IN (…)``)
    PostgreSQL still joined all 1,532 first: ``join_collapse_limit`` (``startpakket.database``)
    keeps the joins in the order written."""
    return referrals.filter(pk__in=list(referrals.values_list("pk", flat=True)[:count]))


def waiting_for_answer(user) -> QuerySet[Referral]:
    """The referrals whose coordinator's question waits for the user's answer: a referrer's
    organisation's referrals that need information (any referrer of the organisation may answer,
    ``workflow``'s resubmit), the longest waiting first, with ``asked_at`` and ``question``. None
    for the other roles: they ask, or have nothing to answer."""
    if not user.has_role(Role.REFERRER):
        return Referral.objects.none()
    asked = _last_change_into(ReferralStatus.NEEDS_INFO)
    return (
        referrals_for(user).filter(status=ReferralStatus.NEEDS_INFO)
        .annotate(asked_at=Subquery(asked.values("at")[:1]),
                  question=Subquery(asked.values("reason")[:1]))
        .order_by("asked_at", "id")
    )


def waiting_for_decision(user) -> QuerySet[Referral]:
    """The submitted referrals the user may see, the longest waiting first, with
    ``waiting_since``: when it was last submitted (an answered question puts it back at the end
    of the line as a new question would, since it waited for the referrer meanwhile)."""
    submitted = _last_change_into(ReferralStatus.SUBMITTED)
    return (
        referrals_for(user).filter(status=ReferralStatus.SUBMITTED)
        .annotate(waiting_since=Coalesce(Subquery(submitted.values("at")[:1]), "created_at"))
        .order_by("waiting_since", "id")
    )


def at_risk(user, today: datetime.date) -> QuerySet[Referral]:
    """The kits still under way that are at risk of arriving late, or late already
    (``rules.urgency``), the most urgent first."""
    return referrals_for(user).filter(
        status__in=OPEN_STATUSES,
        deliver_by__lte=last_deliver_by_at_risk(today),
    ).order_by("deliver_by", "id")


def at_risk_counts(user, today: datetime.date) -> dict[str, int]:
    """How many kits ``at_risk`` finds, as ``{"at_risk": …, "overdue": …}`` (``urgency``'s
    words); one query."""
    counts = at_risk(user, today).order_by().aggregate(
        all=Count("pk"), overdue=Count("pk", filter=Q(deliver_by__lt=today)))
    return {"at_risk": counts["all"] - counts["overdue"], "overdue": counts["overdue"]}
