"""Small rules about a referral: the postcode's shape, the due-date window, the kit's time
window and how urgent it is, and whether its goods have left the stock. Pure functions, without
queries."""

import calendar
import dataclasses
import datetime
import re

from logistics.models import KitType, Referral, ReservationState

# Four digits not starting with 0, two letters; SA, SD and SS are not used in the Netherlands.
_POSTCODE = re.compile(r"^([1-9][0-9]{3})\s*([A-Za-z]{2})$")
_UNUSED_LETTERS = {"SA", "SD", "SS"}

MONTHS_AHEAD = 10  # a due date is at most ten months away
MONTHS_PAST = 12  # a baby born up to a year ago can still get a kit


def normalise_postcode(text: str) -> str | None:
    """``"1234ab"``, ``" 1234  AB "`` → ``"1234 AB"``; None when it cannot be a Dutch postcode."""
    match = _POSTCODE.match(text.strip()) if isinstance(text, str) else None
    if not match or match[2].upper() in _UNUSED_LETTERS:
        return None
    return f"{match[1]} {match[2].upper()}"


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month,
                       day=min(day.day, calendar.monthrange(year, month)[1]))


def due_date_window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The earliest and latest due (or birth) date a referral may have."""
    return add_months(today, -MONTHS_PAST), add_months(today, MONTHS_AHEAD)


@dataclasses.dataclass(frozen=True)
class Window:
    """When a kit should arrive: from ``opens`` (the first day it may be delivered; before it
    the kit goes on no pick list) to ``deliver_by`` (the target; after it the kit is late)."""

    opens: datetime.date
    deliver_by: datetime.date

    def has_opened(self, today: datetime.date) -> bool:
        return self.opens <= today


def kit_window(kit_type: KitType, due_date: datetime.date) -> Window:
    """The kit type's time window for a family with this due (or birth) date, e.g. a first kit
    from 16 to 6 weeks before the due date, a follow-up kit from 13 to 26 weeks after the birth
    (DESIGN §4). The one place a deliver-by day is computed: a referral stores the answer."""
    return Window(opens=due_date + datetime.timedelta(weeks=kit_type.window_opens_weeks),
                  deliver_by=due_date + datetime.timedelta(weeks=kit_type.deliver_by_weeks))


AT_RISK = datetime.timedelta(weeks=2)  # this close to the delivery target, a kit must move now


def last_deliver_by_at_risk(today: datetime.date) -> datetime.date:
    """The latest day to deliver by that is at risk today: that day and every earlier one are
    at risk or overdue (``urgency``). Queries select on it (``selectors.at_risk``)."""
    return today + AT_RISK


def urgency(deliver_by: datetime.date, today: datetime.date) -> str:
    """``"overdue"`` once the day to deliver by has passed, ``"at_risk"`` when it is at most two
    weeks away, else ``""``. Only meaningful for a referral still to be delivered."""
    if deliver_by < today:
        return "overdue"
    if deliver_by <= last_deliver_by_at_risk(today):
        return "at_risk"
    return ""


def goods_packed(referral: Referral) -> bool:
    """Whether the kit's goods have left the stock: packed, maybe back after a failed
    delivery (then it is picked no more, and cancelling may put the goods back)."""
    return (referral.reservation is not None
            and referral.reservation.state == ReservationState.CONSUMED)
