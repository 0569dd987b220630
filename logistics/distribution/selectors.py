"""What each user may see of pick lists, and which kits wait for one (DESIGN §5). Every read of
the distribution pages, the API and the documents goes through here."""

import dataclasses
import datetime
from typing import NamedTuple

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from logistics.models import (
    DeliveryMethod,
    PickList,
    PickListEntry,
    Referral,
    ReferralStatus,
    ReferralStatusChange,
    Warehouse,
)
from logistics.referrals import selectors as referral_selectors
from logistics.referrals.workflow import HANDED_OVER
from startpakket.roles import Role

# What goes on a new list: approved kits, and packed kits whose delivery failed.
SCHEDULABLE = (ReferralStatus.APPROVED, ReferralStatus.DELIVERY_FAILED)


def pick_lists_for(user) -> QuerySet[PickList]:
    """A coordinator sees every warehouse's lists (also of closed warehouses), a volunteer
    their own warehouse's."""
    pick_lists = PickList.objects.select_related("warehouse", "created_by")
    if user.has_role(Role.COORDINATOR):
        return pick_lists
    if user.has_role(Role.WAREHOUSE):
        return pick_lists.filter(warehouse_id=user.organisation_id)
    return pick_lists.none()


# What no page or answer about a pick list shows of its referrals, and costs most to read (JSON
# decoded, a phone number parsed, per kit): not fetched with the entries.
NOT_ON_LISTS = tuple(f"referral__{name}" for name in (
    "household", "incomes", "eligibility", "phone"))


def with_entries(pick_lists: QuerySet[PickList]) -> QuerySet[PickList]:
    """Each list's entries with their referrals, for list pages and the API: one query more,
    however many lists and packages."""
    # The reservation says whether a kit was packed before (``goods_packed``).
    return pick_lists.prefetch_related(Prefetch(
        "entries", queryset=PickListEntry.objects.select_related(
            "referral__kit_type", "referral__reservation", "referral__pickup_point")
        .defer(*NOT_ON_LISTS).order_by("position")))


class Package(NamedTuple):
    """A kit on a list as the API tells it: no family details."""

    code: str
    status: str
    kit_type: str  # its code
    babies: int


def attach_packages(pick_lists: list[PickList]) -> list[PickList]:
    """Sets ``packages`` on each list: the kits on it now, in the list's order (``Package``).
    One query however many lists and kits, and plain tuples: a page of 50 lists of a hundred
    kits made 15,000 model instances, and most of the answer's time went to them and to
    collecting them again."""
    packages: dict[int, list[Package]] = {pick_list.pk: [] for pick_list in pick_lists}
    rows = (PickListEntry.objects.filter(pick_list__in=list(packages), removed_at__isnull=True)
            .order_by("pick_list", "position")
            .values_list("pick_list", "referral__code", "referral__status",
                         "referral__kit_type__code", "referral__babies"))
    for pick_list, *package in rows:
        packages[pick_list].append(Package(*package))
    for pick_list in pick_lists:
        pick_list.packages = packages[pick_list.pk]
    return pick_lists


@dataclasses.dataclass(frozen=True)
class Progress:
    """How far a list is: packages on it now, and how many of them are still to pack, to
    deliver, and delivered."""

    packages: int = 0
    to_pack: int = 0
    to_deliver: int = 0
    delivered: int = 0

    @classmethod
    def of(cls, statuses: dict[str, int]) -> "Progress":
        """From the number of packages on the list now in each status."""
        return cls(packages=sum(statuses.values()),
                   to_pack=statuses.get(ReferralStatus.SCHEDULED, 0),
                   to_deliver=statuses.get(ReferralStatus.PACKED, 0),
                   delivered=statuses.get(ReferralStatus.DELIVERED, 0))


def progress(pick_list: PickList) -> Progress:
    """A list's progress, from its entries fetched ``with_entries``, without a query."""
    statuses: dict[str, int] = {}
    for entry in on_list_now(pick_list):
        statuses[entry.referral.status] = statuses.get(entry.referral.status, 0) + 1
    return Progress.of(statuses)


def progress_of(pick_lists) -> dict[int, Progress]:
    """Each list's progress by its id, counted in the database: one query, however many
    packages (a list page need not fetch them)."""
    statuses: dict[int, dict[str, int]] = {pick_list.pk: {} for pick_list in pick_lists}
    rows = (PickListEntry.objects.filter(pick_list__in=list(statuses), removed_at__isnull=True)
            .order_by().values_list("pick_list", "referral__status").annotate(n=Count("pk")))
    for pick_list, status, count in rows:
        statuses[pick_list][status] = count
    return {pk: Progress.of(counts) for pk, counts in statuses.items()}


def _approved_off_lists(warehouses) -> QuerySet[Referral]:
    """Approved (or back after a failed delivery) at these warehouses, and on no list."""
    on_a_list = PickListEntry.objects.filter(referral=OuterRef("pk"), removed_at__isnull=True)
    return Referral.objects.filter(warehouse__in=warehouses, status__in=SCHEDULABLE).exclude(
        Exists(on_a_list))


def waiting_at(warehouses, today: datetime.date | None = None) -> QuerySet[Referral]:
    """The referrals new lists of these warehouses would take: waiting, on no list, and their
    kit's time window has opened (DESIGN §4; a follow-up kit waits until months after the
    birth)."""
    today = today or timezone.localdate()
    return _approved_off_lists(warehouses).filter(window_opens__lte=today)


def waiting(warehouse: Warehouse, today: datetime.date | None = None) -> QuerySet[Referral]:
    """The referrals a new list of this warehouse would take, most urgent first: the earliest
    day to deliver by (DESIGN §4)."""
    return waiting_at([warehouse], today).order_by("deliver_by", "id")


def current_entries(pick_list: PickList) -> QuerySet[PickListEntry]:
    """The referrals on the list now, in the list's order."""
    return (
        # Not ``pick_list.entries``: on a list fetched ``with_entries`` that would inherit its
        # prefetched query's select_related and deferred fields.
        PickListEntry.objects.filter(pick_list=pick_list, removed_at__isnull=True)
        .select_related("referral__kit_type", "referral__reservation")
        .order_by("position")
    )


def on_list_now(pick_list: PickList) -> list[PickListEntry]:
    """The entries still on a list whose entries were fetched (``selectors.with_entries``),
    in the list's order, without another query."""
    return [entry for entry in pick_list.entries.all() if entry.removed_at is None]


def still_to_deliver(pick_list: PickList, method: str | None = None) -> QuerySet[Referral]:
    """The kits on the list that still have to go out (scheduled or packed), of one delivery
    ``method`` if given: those the slips and the route sheet (delivery), the pick-up notes
    (pick-up) and the address labels (post) are for."""
    referrals = Referral.objects.filter(
        pick_list_entries__pick_list=pick_list,
        pick_list_entries__removed_at__isnull=True,
        status__in=(ReferralStatus.SCHEDULED, ReferralStatus.PACKED),
    )
    return referrals if method is None else referrals.filter(delivery_method=method)


def methods_to_deliver(pick_list: PickList) -> set[str]:
    """The delivery methods of the kits on a list (fetched ``with_entries``) still to go out,
    without a query: which documents the list's page offers."""
    return {entry.referral.delivery_method for entry in on_list_now(pick_list)
            if entry.referral.status in (ReferralStatus.SCHEDULED, ReferralStatus.PACKED)}


# A pick list's groups, in this order: the kits for the van, those for pick-up points, those for
# the post office.
METHOD_ORDER = {method: order for order, method in enumerate(DeliveryMethod.values)}


def by_method(items, method_of=lambda referral: referral.delivery_method) -> list:
    """``items`` grouped by delivery method (``METHOD_ORDER``), in their order within a
    group."""
    return sorted(items, key=lambda item: METHOD_ORDER[method_of(item)])


def packed_before(moment) -> QuerySet[Referral]:
    """The kits still packed (not handed over) whose packing was recorded before ``moment``."""
    packed_at = (ReferralStatusChange.objects
                 .filter(referral=OuterRef("pk"), to_status=ReferralStatus.PACKED)
                 .order_by("-at").values("at")[:1])
    return (Referral.objects.filter(status=ReferralStatus.PACKED)
            .annotate(packed_at=Subquery(packed_at)).filter(packed_at__lt=moment))


def with_failed_deliveries(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """Each referral's failed deliveries, oldest first, as ``failed_deliveries``: one query
    more, however many referrals (see ``delivery_attempt``)."""
    return referrals.prefetch_related(Prefetch(
        "history", to_attr="failed_deliveries",
        queryset=ReferralStatusChange.objects.filter(
            to_status=ReferralStatus.DELIVERY_FAILED).order_by("at", "id")))


def delivery_attempt(referral: Referral) -> tuple[int, str]:
    """Which attempt to deliver the kit the next one is (1 the first), and why the last one
    failed ("" for a first). The referral comes ``with_failed_deliveries``."""
    failed = referral.failed_deliveries
    return len(failed) + 1, failed[-1].reason if failed else ""


def find_for_delivery(user, code: str) -> Referral | None:
    """The referral with ``code`` as the delivery page shows it, if the user may see it
    (``referrals_for``), with its failed deliveries and its reservation (packed before?)."""
    return with_failed_deliveries(referral_selectors.referrals_for(user)).select_related(
        "reservation").filter(code=code).first()


def next_window_opening(warehouse: Warehouse,
                        today: datetime.date | None = None) -> datetime.date | None:
    """The first day a kit of this warehouse that waits for its time window may go on a list;
    None when none waits for one."""
    today = today or timezone.localdate()
    return (_approved_off_lists([warehouse]).filter(window_opens__gt=today)
            .order_by("window_opens").values_list("window_opens", flat=True).first())


@dataclasses.dataclass(frozen=True)
class Waiting:
    """A warehouse's approved kits on no list: ``ready`` for a list now, ``later`` waiting for
    their time window to open."""

    ready: int = 0
    later: int = 0


def waiting_counts(warehouses, today: datetime.date | None = None) -> dict[int, Waiting]:
    """Per warehouse, how many kits wait for a list, and how many for their window; one
    query."""
    today = today or timezone.localdate()
    opened = Q(window_opens__lte=today)
    rows = (_approved_off_lists(warehouses).order_by().values("warehouse")
            .annotate(ready=Count("pk", filter=opened), later=Count("pk", filter=~opened)))
    return {row["warehouse"]: Waiting(row["ready"], row["later"]) for row in rows}


def delivered_out_of_sight(user, code: str) -> str | None:
    """The status of the kit with ``code`` if it was handed over (delivered, collected,
    shipped) from the user's warehouse and so left their sight (``referrals_for``): a second
    tap on "Delivered" then says so rather than "not found". None otherwise."""
    if referral_selectors.referrals_for(user).filter(code=code).exists():
        return None
    return Referral.objects.filter(code=code, status__in=HANDED_OVER,
                                   warehouse_id=user.organisation_id
                                   ).values_list("status", flat=True).first()


def lists_to_pack(user) -> QuerySet[PickList]:
    """The user's pick lists with kits still to pack (scheduled, and on the list now), the
    oldest first, each with ``to_pack``: how many."""
    # Only the lists that hold one of the few scheduled kits (an index on the status) are
    # counted, not every list of the warehouse's years: asked for one warehouse's lists, SQLite
    # otherwise starts from all of them (its statistics know the status's average share, not
    # that few kits are scheduled at any time): 54 ms against 11 at 100,000 referrals.
    to_pack = PickListEntry.objects.filter(removed_at__isnull=True,
                                           referral__status=ReferralStatus.SCHEDULED)
    return (
        pick_lists_for(user)
        .filter(pk__in=to_pack.values("pick_list"),
                entries__removed_at__isnull=True,
                entries__referral__status=ReferralStatus.SCHEDULED)
        .annotate(to_pack=Count("entries"))
        .order_by("created_at", "id")
    )


def to_deliver(user) -> QuerySet[Referral]:
    """The packed kits the user may see whose delivery is still to be recorded."""
    return referral_selectors.referrals_for(user).filter(status=ReferralStatus.PACKED)
