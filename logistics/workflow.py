"""The referral workflow of DESIGN §4 as one table and one guard.

    submitted ─approve→ approved ─schedule→ scheduled ─pack→ packed ─deliver→ delivered
        │ └─reject→ rejected                                              └─fail→ delivery_failed
        └─ask→ needs_info ─resubmit→ submitted              delivery_failed ─reschedule→ scheduled
    taken off a list: scheduled → approved, or → delivery_failed for a kit packed earlier
    cancel: from every open state → cancelled
"""

from django.utils.translation import gettext as _

from logistics.models import ReferralStatus as S
from startpakket.errors import ConflictError

ALLOWED_TRANSITIONS: dict[S, frozenset[S]] = {
    S.SUBMITTED: frozenset({S.APPROVED, S.REJECTED, S.NEEDS_INFO, S.CANCELLED}),
    S.NEEDS_INFO: frozenset({S.SUBMITTED, S.CANCELLED}),
    S.APPROVED: frozenset({S.SCHEDULED, S.CANCELLED}),
    S.SCHEDULED: frozenset({S.PACKED, S.APPROVED, S.DELIVERY_FAILED, S.CANCELLED}),
    S.PACKED: frozenset({S.DELIVERED, S.DELIVERY_FAILED, S.CANCELLED}),
    S.DELIVERY_FAILED: frozenset({S.SCHEDULED, S.CANCELLED}),
    S.DELIVERED: frozenset(),
    S.REJECTED: frozenset(),
    S.CANCELLED: frozenset(),
}

OPEN_STATUSES = frozenset(s for s, targets in ALLOWED_TRANSITIONS.items() if S.CANCELLED in targets)


class TransitionNotAllowed(ConflictError):
    code = "transition_not_allowed"

    def __init__(self, current: S, target: S):
        super().__init__(
            _("A referral that is %(current)s cannot become %(target)s.")
            % {"current": S(current).label, "target": S(target).label},
            status_now=str(current),
        )


def guard(current: str, target: S) -> None:
    if target not in ALLOWED_TRANSITIONS[S(current)]:
        raise TransitionNotAllowed(S(current), target)
