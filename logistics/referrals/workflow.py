"""The referral workflow of DESIGN §4: one transition table, one guard, and who may take which
action when.

    submitted ─approve→ approved ─schedule→ scheduled ─pack→ packed ─deliver→ delivered
        │ └─reject→ rejected                                              └─fail→ delivery_failed
        └─ask→ needs_info ─resubmit→ submitted              delivery_failed ─reschedule→ scheduled
    a pick-up kit: packed ─collected→ collected, packed ─not collected→ not_collected ─→ collected
    a kit by post: packed ─shipped→ shipped
    taken off a list: scheduled → approved, or → delivery_failed for a kit packed earlier
    cancel: from every open state → cancelled
    a follow-up kit (``follow_ups``): planned, until its window opens; then by the policy
        planned → approved (the first decision carried over), → needs_info (the referrer checks
        the household and income first), or → submitted (a decision is needed: stock was short);
        the referrer stops it: planned ─stop→ cancelled

``available_actions(user, referral)`` is the one answer to "may this user do that to this
referral now": the pages show the buttons it names, the API lists them and the services refuse
what it refuses (``require``), with the reason it gives.
"""

import copy
from collections.abc import Callable
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from logistics.models import DeliveryMethod as M
from logistics.models import Referral, ReferralStatus, ReferralStatusChange
from logistics.models import ReferralStatus as S
from logistics.referrals import changes
from startpakket import audit
from startpakket.errors import ConflictError

ALLOWED_TRANSITIONS: dict[S, frozenset[S]] = {
    S.PLANNED: frozenset({S.SUBMITTED, S.APPROVED, S.NEEDS_INFO, S.CANCELLED}),
    S.SUBMITTED: frozenset({S.APPROVED, S.REJECTED, S.NEEDS_INFO, S.CANCELLED}),
    S.NEEDS_INFO: frozenset({S.SUBMITTED, S.CANCELLED}),
    S.APPROVED: frozenset({S.SCHEDULED, S.CANCELLED}),
    S.SCHEDULED: frozenset({S.PACKED, S.APPROVED, S.DELIVERY_FAILED, S.CANCELLED}),
    S.PACKED: frozenset({S.DELIVERED, S.DELIVERY_FAILED, S.COLLECTED, S.NOT_COLLECTED,
                         S.SHIPPED, S.CANCELLED}),
    S.DELIVERY_FAILED: frozenset({S.SCHEDULED, S.CANCELLED}),
    # Still at the pick-up point: the family may come late, or a coordinator cancels (and the
    # box may come back to the shelf).
    S.NOT_COLLECTED: frozenset({S.COLLECTED, S.CANCELLED}),
    S.DELIVERED: frozenset(),
    S.COLLECTED: frozenset(),
    S.SHIPPED: frozenset(),
    S.REJECTED: frozenset(),
    S.CANCELLED: frozenset(),
}

OPEN_STATUSES = frozenset(s for s, targets in ALLOWED_TRANSITIONS.items() if S.CANCELLED in targets)

# How a packed kit leaves the warehouse is its delivery method's: each of these statuses belongs
# to one method, and the guard refuses it for a kit of another.
METHOD_OF_STATUS: dict[S, M] = {
    S.DELIVERED: M.DELIVERY,
    S.DELIVERY_FAILED: M.DELIVERY,
    S.COLLECTED: M.PICKUP,
    S.NOT_COLLECTED: M.PICKUP,
    S.SHIPPED: M.POST,
}

# The kit reached the family, or the parcel service on its way to them: the end of its
# journey, which the statistics count as delivered (on ``delivered_on``) and retention as
# closed.
HANDED_OVER = frozenset({S.DELIVERED, S.COLLECTED, S.SHIPPED})

# Before a decision: the referring organisation may still withdraw the referral (DESIGN §7.2,
# "while submitted"; a referral waiting for the referrer's answer is undecided too).
UNDECIDED = frozenset({S.SUBMITTED, S.NEEDS_INFO})

# A slip goes with a kit that is about to be delivered, or whose delivery is being arranged
# again.
SLIP_STATUSES = frozenset({S.SCHEDULED, S.PACKED, S.DELIVERY_FAILED})
# A pick-up note or an address label likewise; a pick-up note also while the kit waits at the
# pick-up point after its time.
DOCUMENT_STATUSES = SLIP_STATUSES | {S.NOT_COLLECTED}


# A refusal's message is written when someone reads it, not when the refusal is made: the actions
# of a page of 50 referrals make hundreds of refusals and read none (writing their texts was
# half of ``available_actions``). Constant texts are ``gettext_lazy``; a text with values is
# ``_written_when_read(lambda: _("...") % {...})``, as ``%`` on a lazy text writes it at once.
_written_when_read = lazy(lambda write: write(), str)


class TransitionNotAllowed(ConflictError):
    code = "transition_not_allowed"

    def __init__(self, current: S, target: S):
        super().__init__(
            _written_when_read(lambda: _("A referral that is %(current)s cannot become "
                                         "%(target)s.")
                               % {"current": S(current).label, "target": S(target).label}),
            status_now=str(current),
        )


class NotNow(ConflictError):
    """An action that changes no status, refused in the referral's current status."""

    def __init__(self, code: str, detail: str, current: S):
        self.code = code
        super().__init__(detail, status_now=str(current))


class WrongDeliveryMethod(ConflictError):
    code = "wrong_delivery_method"

    def __init__(self, method: str, current: S):
        super().__init__(
            _written_when_read(lambda: _("Not for this kit: its delivery method is “%(method)s”.")
                               % {"method": M(method).label}),
            status_now=str(current))


def guard(current: str, target: S, method: str | None = None) -> None:
    """Refuse a transition the table does not allow, or (given the referral's delivery
    ``method``) one into another method's status."""
    if target not in ALLOWED_TRANSITIONS[S(current)]:
        raise TransitionNotAllowed(S(current), target)
    if method is not None and METHOD_OF_STATUS.get(target, method) != method:
        raise WrongDeliveryMethod(method, S(current))


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
    COLLECTED = "collected"
    NOT_COLLECTED = "not_collected"
    SHIPPED = "shipped"
    PRINT_PICKUP_NOTE = "print_pickup_note"
    PRINT_LABEL = "print_label"
    STOP = "stop"  # the referrer stops a planned follow-up kit (moved, not wanted)


# The status each action leads to; the others change none.
TARGETS = {
    Action.APPROVE: S.APPROVED,
    Action.REJECT: S.REJECTED,
    Action.ASK: S.NEEDS_INFO,
    Action.RESUBMIT: S.SUBMITTED,
    Action.CANCEL: S.CANCELLED,
    Action.DELIVER: S.DELIVERED,
    Action.DELIVERY_FAILED: S.DELIVERY_FAILED,
    Action.COLLECTED: S.COLLECTED,
    Action.NOT_COLLECTED: S.NOT_COLLECTED,
    Action.SHIPPED: S.SHIPPED,
    Action.STOP: S.CANCELLED,
}

# The actions of one delivery method only: how its kit is handed over, and its document.
METHOD_OF_ACTION = {
    Action.DELIVER: M.DELIVERY,
    Action.DELIVERY_FAILED: M.DELIVERY,
    Action.PRINT_SLIP: M.DELIVERY,
    Action.COLLECTED: M.PICKUP,
    Action.NOT_COLLECTED: M.PICKUP,
    Action.PRINT_PICKUP_NOTE: M.PICKUP,
    Action.SHIPPED: M.POST,
    Action.PRINT_LABEL: M.POST,
}
HANDING_OVER = frozenset({Action.DELIVER, Action.DELIVERY_FAILED, Action.COLLECTED,
                          Action.NOT_COLLECTED, Action.SHIPPED})
PRINTING = frozenset({Action.PRINT_SLIP, Action.PRINT_PICKUP_NOTE, Action.PRINT_LABEL})

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
    Action.COLLECTED: "logistics.record_delivery",
    Action.NOT_COLLECTED: "logistics.record_delivery",
    Action.SHIPPED: "logistics.record_delivery",
    Action.PRINT_PICKUP_NOTE: "logistics.view_picklist",
    Action.PRINT_LABEL: "logistics.view_picklist",
}

# The only statuses an action is taken in, where that is narrower than the table: a decision is
# taken once (the table lets a kit taken off a pick list be approved again, by the list, not by
# a coordinator), and only a packed kit goes to the door. A planned follow-up leaves its status
# by the policy when its window opens (``follow_ups``), not by a coordinator's approval or
# question, nor by an answer; the referrer only stops it.
ONLY_IN = {
    Action.APPROVE: frozenset({S.SUBMITTED}),
    Action.ASK: frozenset({S.SUBMITTED}),
    Action.RESUBMIT: frozenset({S.NEEDS_INFO}),
    Action.STOP: frozenset({S.PLANNED}),
    Action.OVERRIDE: frozenset({S.SUBMITTED}),
    Action.DELIVERY_FAILED: frozenset({S.PACKED}),
    Action.PRINT_SLIP: SLIP_STATUSES,
    Action.NOT_COLLECTED: frozenset({S.PACKED}),
    Action.PRINT_PICKUP_NOTE: DOCUMENT_STATUSES,
    Action.PRINT_LABEL: DOCUMENT_STATUSES,
}


def _coordinator(user) -> bool:
    return user.has_perm("logistics.decide_referral")


def _own_organisation(user, referral: Referral) -> bool:
    return user.organisation_id is not None and user.organisation_id == referral.organisation_id


def _own_warehouse(user, referral: Referral) -> bool:
    return _coordinator(user) or (user.organisation_id is not None
                                  and user.organisation_id == referral.warehouse_id)


def _who_refusal(user, referral: Referral, action: Action) -> Promise | None:
    """Why ``user`` may never take ``action`` on this referral, whatever its status."""
    if action in {Action.CANCEL, Action.STOP}:
        if _coordinator(user) or (user.has_perm("logistics.add_referral")
                                  and _own_organisation(user, referral)):
            return None
        if action == Action.STOP:
            return gettext_lazy("Only a coordinator, or the referring organisation, stops a "
                                "follow-up kit.")
        return gettext_lazy("Only a coordinator, or the referring organisation, cancels a "
                            "referral.")
    if not user.has_perm(PERMISSIONS[action]):
        return gettext_lazy("You may not do this.")
    if action == Action.RESUBMIT and not _own_organisation(user, referral):
        return gettext_lazy("Only the referring organisation answers its questions.")
    if action in HANDING_OVER | PRINTING and not _own_warehouse(user, referral):
        return gettext_lazy("This kit is packed by another warehouse.")
    return None


def _when_refusal(user, referral: Referral, action: Action) -> ConflictError | None:
    """Why ``action`` cannot be taken in the referral's current status."""
    status = S(referral.status)
    if action in METHOD_OF_ACTION and METHOD_OF_ACTION[action] != referral.delivery_method:
        return WrongDeliveryMethod(referral.delivery_method, status)
    if action == Action.CANCEL and status == S.PLANNED:
        # One way to end it, for everyone: the planned kit was never asked for by anyone yet.
        return NotNow("stop_instead",
                      gettext_lazy("A planned follow-up kit is stopped, not cancelled."), status)
    if action == Action.CANCEL and not _coordinator(user) and status not in UNDECIDED:
        return TransitionNotAllowed(status, S.CANCELLED)
    if action in ONLY_IN and status not in ONLY_IN[action]:
        if action == Action.OVERRIDE:
            return NotNow("not_undecided", gettext_lazy("The outcome can only be set while the "
                                                        "referral waits for a decision."), status)
        if action == Action.PRINT_SLIP:
            return NotNow("no_slips", _written_when_read(
                lambda: _("A delivery slip is printed for a kit on its way; this referral is "
                          "%(status)s.") % {"status": status.label}), status)
        if action in PRINTING:
            return NotNow("no_slips", _written_when_read(
                lambda: _("This document is printed for a kit on its way; this referral is "
                          "%(status)s.") % {"status": status.label}), status)
        return TransitionNotAllowed(status, TARGETS[action])
    if action in PRINTING and referral.warehouse_id is None:
        return NotNow("no_slips", gettext_lazy("This kit has no warehouse yet."), status)
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


def actions_for(user) -> Callable[[Referral], frozenset[Action]]:
    """``available_actions`` of ``user`` for many referrals (a page of the API's list): the
    answer depends only on the referral's ``_situation``, of which a page holds a few, so each
    is worked out once (it was a quarter of writing a page of 50 referrals)."""
    known: dict[tuple, frozenset[Action]] = {}

    def actions(referral: Referral) -> frozenset[Action]:
        situation = _situation(user, referral)
        if situation not in known:
            known[situation] = available_actions(user, referral)
        return known[situation]

    return actions


def _situation(user, referral: Referral) -> tuple:
    """All that ``refusal`` reads of a referral, as seen by ``user``: a rule that reads more
    must add it here."""
    return (referral.status, referral.delivery_method, _own_organisation(user, referral),
            referral.warehouse_id is None, referral.warehouse_id == user.organisation_id)


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
    """Guard, change the status (and ``fields``), write the history row and tell who keeps
    something that follows the referrals (``changes``). The caller holds the lock and its
    transaction."""
    source = referral.status
    guard(source, target, referral.delivery_method)
    referral.status = target
    referral.save(update_fields=["status", "updated_at", *fields])
    ReferralStatusChange.objects.create(referral=referral, from_status=source, to_status=target,
                                        by=user, reason=reason)
    changes.changed([referral.pk])
    return referral


def change_statuses(referrals: list[Referral], target: ReferralStatus, user) -> list[Referral]:
    """``change_status`` of many referrals at once (the kits of a new pick list): the same
    guard, history rows and audit entries, in four queries however many there are, where one
    at a time took five queries a kit. The caller holds the locks and its transaction."""
    for referral in referrals:
        guard(referral.status, target, referral.delivery_method)
    if not referrals:
        return referrals
    before = [copy.copy(referral) for referral in referrals]
    now = timezone.now()  # as ``updated_at``'s auto_now would set it on save()
    Referral.objects.filter(pk__in=[referral.pk for referral in referrals]).update(
        status=target, updated_at=now)
    for referral in referrals:
        referral.status, referral.updated_at = target, now
    # update() and bulk_create() send no signals: the entries auditlog would have written. Its
    # diff on save() is taken before auto_now sets ``updated_at``: the status alone.
    audit.record_updated(zip(before, referrals, strict=True), fields=("status",), user=user)
    audit.record_created(ReferralStatusChange.objects.bulk_create(
        ReferralStatusChange(referral=referral, from_status=old.status, to_status=target, by=user)
        for old, referral in zip(before, referrals, strict=True)), user=user)
    changes.changed([referral.pk for referral in referrals])
    return referrals
