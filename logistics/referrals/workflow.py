"""The referral workflow of DESIGN §4: one transition table, one guard, and who may take which
action when.

    submitted ─approve→ approved ─schedule→ scheduled ─pack→ packed ─deliver→ delivered
        │ └─reject→ rejected                                              └─fail→ delivery_failed
        └─ask→ needs_info ─resubmit→ submitted              delivery_failed ─reschedule→ scheduled
    taken off a list: scheduled → approved, or → delivery_failed for a kit packed earlier
    cancel: from every open state → cancelled

``available_actions(user, referral)`` is the one answer to "may this user do that to this
referral now": the pages show the buttons it names, the API lists them and the services refuse
what it refuses (``require``), with the reason it gives.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from logistics.models import Referral, ReferralStatus, ReferralStatusChange
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

# Before a decision: the referring organisation may still withdraw the referral (DESIGN §7.2,
# "while submitted"; a referral waiting for the referrer's answer is undecided too).
UNDECIDED = frozenset({S.SUBMITTED, S.NEEDS_INFO})

# A slip goes with a kit that is about to be delivered, or whose delivery is being arranged
# again.
SLIP_STATUSES = frozenset({S.SCHEDULED, S.PACKED, S.DELIVERY_FAILED})


class TransitionNotAllowed(ConflictError):
    code = "transition_not_allowed"

    def __init__(self, current: S, target: S):
        super().__init__(
            _("A referral that is %(current)s cannot become %(target)s.")
            % {"current": S(current).label, "target": S(target).label},
            status_now=str(current),
        )


class NotNow(ConflictError):
    """An action that changes no status, refused in the referral's current status."""

    def __init__(self, code: str, detail: str, current: S):
        self.code = code
        super().__init__(detail, status_now=str(current))


def guard(current: str, target: S) -> None:
    if target not in ALLOWED_TRANSITIONS[S(current)]:
        raise TransitionNotAllowed(S(current), target)


class Action(StrEnum):
    """What a user can do to one referral. The values are the API's and the pages' names."""

    APPROVE = "approve"
    REJECT = "reject"
    ASK = "ask"
    OVERRIDE = "override"
    RESUBMIT = "resubmit"  # answer the question, with or without correcting the referral
    CANCEL = "cancel"
    DELIVER = "deliver"
    DELIVERY_FAILED = "delivery_failed"
    PRINT_SLIP = "print_slip"


# The status each action leads to; the others change none.
TARGETS = {
    Action.APPROVE: S.APPROVED,
    Action.REJECT: S.REJECTED,
    Action.ASK: S.NEEDS_INFO,
    Action.RESUBMIT: S.SUBMITTED,
    Action.CANCEL: S.CANCELLED,
    Action.DELIVER: S.DELIVERED,
    Action.DELIVERY_FAILED: S.DELIVERY_FAILED,
}

# The permission (of the role's group, ``fixtures/groups.json``) each action needs.
PERMISSIONS = {
    Action.APPROVE: "logistics.decide_referral",
    Action.REJECT: "logistics.decide_referral",
    Action.ASK: "logistics.decide_referral",
    Action.OVERRIDE: "logistics.decide_referral",
    Action.RESUBMIT: "logistics.add_referral",
    Action.DELIVER: "logistics.record_delivery",
    Action.DELIVERY_FAILED: "logistics.record_delivery",
    Action.PRINT_SLIP: "logistics.view_picklist",
}

# The only statuses an action is taken in, where that is narrower than the table: a decision is
# taken once (the table lets a kit taken off a pick list be approved again, by the list, not by
# a coordinator), and only a packed kit goes to the door.
ONLY_IN = {
    Action.APPROVE: frozenset({S.SUBMITTED}),
    Action.OVERRIDE: frozenset({S.SUBMITTED}),
    Action.DELIVERY_FAILED: frozenset({S.PACKED}),
    Action.PRINT_SLIP: SLIP_STATUSES,
}


def _coordinator(user) -> bool:
    return user.has_perm("logistics.decide_referral")


def _own_organisation(user, referral: Referral) -> bool:
    return user.organisation_id is not None and user.organisation_id == referral.organisation_id


def _own_warehouse(user, referral: Referral) -> bool:
    return _coordinator(user) or (user.organisation_id is not None
                                  and user.organisation_id == referral.warehouse_id)


def _who_refusal(user, referral: Referral, action: Action) -> str | None:
    """Why ``user`` may never take ``action`` on this referral, whatever its status."""
    if action == Action.CANCEL:
        if _coordinator(user) or (user.has_perm("logistics.add_referral")
                                  and _own_organisation(user, referral)):
            return None
        return _("Only a coordinator, or the referring organisation, cancels a referral.")
    if not user.has_perm(PERMISSIONS[action]):
        return _("You may not do this.")
    if action == Action.RESUBMIT and not _own_organisation(user, referral):
        return _("Only the referring organisation answers its questions.")
    if action in {Action.DELIVER, Action.DELIVERY_FAILED, Action.PRINT_SLIP} and not (
            _own_warehouse(user, referral)):
        return _("This kit is packed by another warehouse.")
    return None


def _when_refusal(user, referral: Referral, action: Action) -> ConflictError | None:
    """Why ``action`` cannot be taken in the referral's current status."""
    status = S(referral.status)
    if action == Action.CANCEL and not _coordinator(user) and status not in UNDECIDED:
        return TransitionNotAllowed(status, S.CANCELLED)
    if action in ONLY_IN and status not in ONLY_IN[action]:
        if action == Action.OVERRIDE:
            return NotNow("not_undecided", _("The outcome can only be set while the referral "
                                             "waits for a decision."), status)
        if action == Action.PRINT_SLIP:
            return NotNow("no_slips", _("A delivery slip is printed for a kit on its way; this "
                                        "referral is %(status)s.") % {"status": status.label},
                          status)
        return TransitionNotAllowed(status, TARGETS[action])
    if action == Action.PRINT_SLIP and referral.warehouse_id is None:
        return NotNow("no_slips", _("This kit has no warehouse yet."), status)
    if action in TARGETS and TARGETS[action] not in ALLOWED_TRANSITIONS[status]:
        return TransitionNotAllowed(status, TARGETS[action])
    return None


def refusal(user, referral: Referral, action: Action) -> Exception | None:
    """Why ``user`` may not take ``action`` on ``referral`` now: ``PermissionDenied`` for who
    they are, a ``ConflictError`` for the referral's status; None when they may."""
    if not user.is_active:
        return PermissionDenied()
    if (reason := _who_refusal(user, referral, action)) is not None:
        return PermissionDenied(reason)
    return _when_refusal(user, referral, action)


def available_actions(user, referral: Referral) -> frozenset[Action]:
    """The actions ``user`` may take on ``referral`` now. No query: permissions are cached on
    the user."""
    return frozenset(action for action in Action if refusal(user, referral, action) is None)


def require(user, referral: Referral, action: Action) -> None:
    """Raise the refusal, if any. Services call it with the referral locked."""
    if (error := refusal(user, referral, action)) is not None:
        raise error


def lock_referral(referral: Referral) -> Referral:
    # Lock the referral's row only: locking the joined organisation too would make every new
    # referral of that organisation wait (its foreign-key check needs the organisation row).
    # Its settings come along: approving reads the default warehouse.
    return (Referral.objects.select_for_update(of=("self",))
            .select_related("organisation__logistics_settings").get(pk=referral.pk))


def change_status(referral: Referral, target: ReferralStatus, user, reason: str = "",
                  fields: tuple[str, ...] = ()) -> Referral:
    """Guard, change the status (and ``fields``) and write the history row. The caller holds
    the lock and its transaction."""
    source = referral.status
    guard(source, target)
    referral.status = target
    referral.save(update_fields=["status", "updated_at", *fields])
    ReferralStatusChange.objects.create(referral=referral, from_status=source, to_status=target,
                                        by=user, reason=reason)
    return referral
