"""Delivery (DESIGN §5): a volunteer records that a packed kit was handed over, or that it could
not be. A failed delivery goes back to the warehouse's queue for a new list, still packed."""

import datetime

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from logistics.models import Referral, ReferralStatus
from logistics.services.referrals import (
    change_status,
    leave_pick_list,
    lock_referral,
    require_reason,
)
from logistics.workflow import guard
from startpakket.errors import FieldError


def _packed_on(referral: Referral) -> datetime.date | None:
    change = referral.history.filter(to_status=ReferralStatus.PACKED).order_by("-at").first()
    return timezone.localdate(change.at) if change else None


@transaction.atomic
def record_delivery(*, referral: Referral, user,
                    delivered_on: datetime.date | None = None) -> Referral:
    """The kit was handed over on ``delivered_on`` (today if not given): not in the future and
    not before it was packed."""
    referral = lock_referral(referral)
    guard(referral.status, ReferralStatus.DELIVERED)
    today = timezone.localdate()
    delivered_on = delivered_on or today
    if delivered_on > today:
        raise FieldError("delivered_on", _("A delivery cannot be in the future."))
    packed_on = _packed_on(referral)
    if packed_on and delivered_on < packed_on:
        raise FieldError("delivered_on", _(
            "The kit was packed on %(date)s; it cannot have been delivered before that."
        ) % {"date": formats.date_format(packed_on, "SHORT_DATE_FORMAT")})
    referral.delivered_on = delivered_on
    return change_status(referral, ReferralStatus.DELIVERED, user, fields=("delivered_on",))


@transaction.atomic
def record_failed_delivery(*, referral: Referral, user, reason: str) -> Referral:
    """Nobody was home, the address was wrong, …: the packed kit is back at the warehouse and
    waits for a new list."""
    reason = require_reason(reason)
    referral = lock_referral(referral)
    change_status(referral, ReferralStatus.DELIVERY_FAILED, user, reason)
    leave_pick_list(referral)
    return referral
