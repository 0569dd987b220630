"""What each user may see of pick lists, and which kits wait for one (DESIGN §5). Every read of
the distribution pages, the API and the documents goes through here."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from logistics.models import (
    PickList,
    PickListEntry,
    Referral,
    ReferralStatus,
    ReferralStatusChange,
    Warehouse,
)
from logistics.referrals import selectors as referral_selectors
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


def with_entries(pick_lists: QuerySet[PickList]) -> QuerySet[PickList]:
    """Each list's entries with their referrals, for list pages and the API: one query more,
    however many lists and packages."""
    # The reservation says whether a kit was packed before (``goods_packed``).
    return pick_lists.prefetch_related(Prefetch(
        "entries", queryset=PickListEntry.objects.select_related(
            "referral__kit_type", "referral__reservation").order_by("position")))


def waiting_at(warehouses) -> QuerySet[Referral]:
    """The referrals new lists of these warehouses would take: waiting, and on no list."""
    on_a_list = PickListEntry.objects.filter(referral=OuterRef("pk"), removed_at__isnull=True)
    return Referral.objects.filter(warehouse__in=warehouses, status__in=SCHEDULABLE).exclude(
        Exists(on_a_list))


def waiting(warehouse: Warehouse) -> QuerySet[Referral]:
    """The referrals a new list of this warehouse would take, most urgent first: the earliest
    due date has the earliest deliver-by date (DESIGN §4)."""
    return waiting_at([warehouse]).order_by("due_date", "id")


def current_entries(pick_list: PickList) -> QuerySet[PickListEntry]:
    """The referrals on the list now, in the list's order."""
    return (
        pick_list.entries.filter(removed_at__isnull=True)
        .select_related("referral__kit_type", "referral__reservation")
        .order_by("position")
    )


def on_list_now(pick_list: PickList) -> list[PickListEntry]:
    """The entries still on a list whose entries were fetched (``selectors.with_entries``),
    in the list's order, without another query."""
    return [entry for entry in pick_list.entries.all() if entry.removed_at is None]


def still_to_deliver(pick_list: PickList) -> QuerySet[Referral]:
    """The kits on the list that still have to go out (scheduled or packed): those the slips
    and the route sheet are for."""
    return Referral.objects.filter(
        pick_list_entries__pick_list=pick_list,
        pick_list_entries__removed_at__isnull=True,
        status__in=(ReferralStatus.SCHEDULED, ReferralStatus.PACKED),
    )


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


def waiting_counts(warehouses) -> dict[int, int]:
    """Per warehouse, how many kits wait for a list; one query."""
    rows = (waiting_at(warehouses).order_by()
            .values("warehouse").annotate(count=Count("pk")))
    return {row["warehouse"]: row["count"] for row in rows}


def delivered_out_of_sight(user, code: str) -> bool:
    """Whether the kit with ``code`` was delivered from the user's warehouse and so left their
    sight (``referrals_for``): a second tap on "Delivered" then says so rather than "not
    found"."""
    return (not referral_selectors.referrals_for(user).filter(code=code).exists()
            and Referral.objects.filter(code=code, status=ReferralStatus.DELIVERED,
                                        warehouse_id=user.organisation_id).exists())


def lists_to_pack(user) -> QuerySet[PickList]:
    """The user's pick lists with kits still to pack (scheduled, and on the list now), the
    oldest first, each with ``to_pack``: how many."""
    return (
        pick_lists_for(user)
        .annotate(to_pack=Count("entries", filter=Q(
            entries__removed_at__isnull=True,
            entries__referral__status=ReferralStatus.SCHEDULED)))
        .filter(to_pack__gt=0)
        .order_by("created_at", "id")
    )


def to_deliver(user) -> QuerySet[Referral]:
    """The packed kits the user may see whose delivery is still to be recorded."""
    return referral_selectors.referrals_for(user).filter(status=ReferralStatus.PACKED)
