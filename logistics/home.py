"""What waits for each role, on the home page (issue 15): the nurse's questions to answer, the
coordinator's decisions, kits at risk and stock, the volunteer's kits to list, pack and deliver.

Registered with ``startpakket.registry.add_home_panels`` by ``LogisticsConfig.ready``: the
project's home page shows the panels without importing this app. Every number comes from the
selector of the slice that owns it; each panel costs the same queries however many referrals,
lists or items there are, and links to the page where the work is done.
"""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from logistics.distribution import selectors as distribution
from logistics.models import ReferralStatus
from logistics.referrals import selectors as referrals
from logistics.referrals.rules import urgency
from logistics.stock import selectors as stock
from startpakket.registry import Panel
from startpakket.roles import Role

# Rows a panel lists; the link under it leads to all of them.
LIST_LENGTH = 5
# A list panel's referrals never need what the family earns.
NOT_SHOWN = ("household", "incomes", "eligibility")


def panels(request) -> list[Panel]:
    user = request.user
    today = timezone.localdate()
    if user.has_role(Role.REFERRER):
        return [_answers(user, today)]
    if user.has_role(Role.COORDINATOR):
        return [_decisions(user, today), _at_risk(user, today), *_stock(user)]
    if user.has_role(Role.WAREHOUSE):
        return _warehouse(user)
    return []


def waiting_time(days: int) -> str:
    """How long something has waited, in whole calendar days: "waiting since today", "waiting
    1 day", "waiting 3 days"."""
    if days <= 0:
        return _("waiting since today")
    return ngettext("waiting %(count)d day", "waiting %(count)d days", days) % {"count": days}


def _days_since(moment: datetime.datetime, today: datetime.date) -> int:
    return (today - timezone.localdate(moment)).days


def _list_url(name: str, **query) -> str:
    return f"{reverse(name)}?{urlencode(query)}" if query else reverse(name)


def _answers(user, today) -> Panel:
    waiting = referrals.waiting_for_answer(user).defer(*NOT_SHOWN)
    rows = [(referral, waiting_time(_days_since(referral.asked_at, today)))
            for referral in waiting[:LIST_LENGTH]]
    return Panel("logistics/home/answers.html", {
        "count": waiting.count(),
        "rows": rows,
        "all_url": _list_url("referrals:list", status=ReferralStatus.NEEDS_INFO),
    })


def _decisions(user, today) -> Panel:
    waiting = referrals.waiting_for_decision(user).defer(*NOT_SHOWN)
    rows = [(referral, waiting_time(_days_since(referral.waiting_since, today)),
             urgency(referral.deliver_by, today))
            for referral in referrals.first(waiting, LIST_LENGTH)]
    return Panel("logistics/home/decisions.html", {
        "count": waiting.count(),
        "rows": rows,
    })


def _at_risk(user, today) -> Panel:
    counts = referrals.at_risk_counts(user, today)
    rows = [(referral, urgency(referral.deliver_by, today))
            for referral in referrals.at_risk(user, today).defer(*NOT_SHOWN)[:LIST_LENGTH]]
    return Panel("logistics/home/at_risk.html", {
        "count": counts["at_risk"] + counts["overdue"],
        "overdue": counts["overdue"],
        "rows": rows,
    })


def _stock(user) -> list[Panel]:
    rows = stock.stock_rows_for(user)
    low = [row for row in rows if row.low]
    capacity = stock.kit_capacity(user, rows)
    return [
        Panel("logistics/home/low_stock.html", {
            "count": len(low), "rows": low[:LIST_LENGTH * 2],
        }),
        Panel("logistics/home/kit_capacity.html", {
            "rows": capacity,
            "several_warehouses": len({row.warehouse.pk for row in capacity}) > 1,
        }),
    ]


def _warehouse(user) -> list[Panel]:
    warehouses = stock.warehouses_for(user)
    to_pack = distribution.lists_to_pack(user)
    lists = list(to_pack[:LIST_LENGTH])
    waiting = distribution.waiting_counts(warehouses).values()
    return [Panel("logistics/home/warehouse.html", {
        "waiting": sum(counts.ready for counts in waiting),
        "before_window": sum(counts.later for counts in waiting),
        "lists": lists,
        "lists_count": to_pack.count(),
        "to_deliver": distribution.to_deliver(user).count(),
        "to_deliver_url": _list_url("referrals:list", status=ReferralStatus.PACKED),
    })]
