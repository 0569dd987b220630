"""Every change to a referral goes through these functions (DESIGN §4, STYLE).

Each one: in a transaction, lock the referral → check the transition → change it → stock → a
history row; e-mail after the commit. The transition table and its guard are in
``logistics.referrals.workflow``.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eligibility import rules, snapshot
from eligibility import services as eligibility
from eligibility.explain import error_text
from logistics.models import (
    EligibilityOverride,
    KitType,
    Referral,
    ReferralNumber,
    ReferralStatus,
    ReferralStatusChange,
    ReservationState,
    Warehouse,
)
from logistics.models.organisations import settings_of
from logistics.referrals import changes, codes, notifications, selectors
from logistics.referrals.input import ReferralInput, validated
from logistics.referrals.rules import kit_window
from logistics.referrals.workflow import (
    OPEN_STATUSES,
    TARGETS,
    Action,
    change_status,
    lock_referral,
    require,
)
from logistics.stock import selectors as stock_selectors
from logistics.stock import services as stock
from startpakket.errors import ConflictError, FieldError, UnprocessableError
from startpakket.roles import Role


def assess(household: rules.Household, incomes, on: date | None = None) -> rules.Decision:
    """The eligibility check for a referral; a rule's refusal becomes a field error."""
    try:
        return eligibility.check_eligibility(household=household, incomes=incomes,
                                             reference_date=on)
    except rules.EligibilityError as error:
        if error.field == "reference_date":  # no norms in force today: not the nurse's doing
            raise UnprocessableError(error_text(error)) from None
        # The rules name fields by the check's paths (``household.partner_age``,
        # ``incomes.1.amount``), which the referral form and API share.
        raise FieldError(error.field, error_text(error)) from None


def next_code(year: int) -> str:
    """The next code of ``year`` (``codes.format_code``), counted per year. The counter row is
    locked by the update until the referral is stored, so two referrals never get the same
    number. One query (``UPDATE … RETURNING``, SQLite 3.35+ and PostgreSQL) but the first
    of a year, which makes the year's row."""
    table = connection.ops.quote_name(ReferralNumber._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f'UPDATE {table} SET "last" = "last" + 1 WHERE "year" = %s '  # noqa: S608
                       'RETURNING "last"', [year])
        row = cursor.fetchone()
    if row is None:
        ReferralNumber.objects.get_or_create(year=year)
        return next_code(year)
    return codes.format_code(year, row[0])


class NotEligible(ConflictError):
    code = "not_eligible"


class AlreadySubmitted(ConflictError):
    """The same form was sent twice; the first one made this referral."""

    code = "already_submitted"

    def __init__(self, referral: Referral):
        self.referral = referral
        super().__init__(_("This referral was already sent as %(code)s.")
                         % {"code": referral.code}, referral=referral.code)


# The referral's fields that take the input's value as it is.
INPUT_FIELDS = (
    "parent_first_name", "parent_last_name", "phone", "email", "language", "street",
    "house_number", "house_number_suffix", "postcode", "city", "due_date", "babies", "kit_type",
    "delivery_notes", "delivery_method", "pickup_point",
)


def window_fields(kit_type: KitType, due_date: date) -> dict:
    """The referral's stored window (``Referral.window_opens``, ``deliver_by``) for this kit
    type and due date: set wherever either is set."""
    window = kit_window(kit_type, due_date)
    return {"window_opens": window.opens, "deliver_by": window.deliver_by}


def _stored(data: ReferralInput, decision: rules.Decision) -> dict:
    """The referral's fields for ``data`` and the check's decision on it: every field a new
    referral and a corrected one take from their input."""
    return {
        **{name: getattr(data, name) for name in INPUT_FIELDS},
        **window_fields(data.kit_type, data.due_date),
        "municipality_id": selectors.municipality_of(data.postcode),
        "household": snapshot.household_to_json(data.household),
        "incomes": snapshot.incomes_to_json(data.incomes),
        # When the check ran: a correction runs it again (the referral's date stays).
        "eligibility": {**snapshot.to_snapshot(decision),
                        "checked_on": timezone.localdate().isoformat()},
    }


def _checked(data: ReferralInput) -> tuple[ReferralInput, rules.Decision]:
    """``data`` validated and normalised (``input.validated``), and the check's decision on it;
    every objection to the fields and to the household or incomes at once, as field errors."""
    data, errors = validated(data)
    try:
        decision = assess(data.household, data.incomes)
    except FieldError as error:
        raise FieldError.of({**errors, **error.errors}) from None
    if errors:
        raise FieldError.of(errors)
    return data, decision


@dataclass(frozen=True)
class CheckedReferral:
    """A new referral's input after every rule and the eligibility check: what
    ``store_referral`` writes."""

    user: object
    fields: dict  # the referral's fields from its input and the check's decision (``_stored``)


def check_referral(*, user, data: ReferralInput) -> CheckedReferral:
    """Everything a new referral must pass before it is stored, without writing anything: so
    it runs outside the transaction that stores it (on SQLite a transaction holds the
    database's one write lock, and every other writer would wait for the check)."""
    if user.organisation_id is None or not user.has_role(Role.REFERRER):
        raise PermissionDenied(_("Only a referrer of an organisation can refer a family."))
    return CheckedReferral(user=user, fields=_stored(*_checked(data)))


@transaction.atomic
def store_referral(checked: CheckedReferral, *, token: uuid.UUID | None = None) -> Referral:
    """Store a referral that passed ``check_referral``. ``token``: the form's one-time token;
    a second submit of the same form raises ``AlreadySubmitted`` naming the first referral,
    and stores nothing."""
    user = checked.user
    if token is not None and (earlier := Referral.objects.filter(
            submission_token=token, referred_by=user).first()):
        raise AlreadySubmitted(earlier)
    today = timezone.localdate()
    referral = Referral.objects.create(
        code=next_code(today.year),
        organisation=user.organisation,
        referred_by=user,
        consent=True,
        consent_date=today,
        submission_token=token,
        **checked.fields,
    )
    submitted = ReferralStatusChange.objects.create(
        referral=referral, to_status=ReferralStatus.SUBMITTED, by=user)
    changes.made([(referral, [submitted])])
    notifications.waiting_for_decision(referral, new=True)
    return referral


def submit_referral(*, user, data: ReferralInput, token: uuid.UUID | None = None) -> Referral:
    """Check and store a new referral (``check_referral``, then ``store_referral``)."""
    return store_referral(check_referral(user=user, data=data), token=token)


def decision_of(referral: Referral) -> rules.Decision:
    return snapshot.from_snapshot(referral.eligibility)


def checked_on(referral: Referral) -> date:
    """The day the stored check ran (the referral's own date for those stored before this was
    recorded)."""
    stored = referral.eligibility.get("checked_on")
    return date.fromisoformat(stored) if stored else timezone.localtime(referral.created_at).date()


def outcome_of(referral: Referral) -> str:
    """What counts: a coordinator's override, else the check's outcome."""
    return referral.eligibility_override or referral.eligibility["outcome"]


def require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise FieldError("reason", _("Give a reason."))
    return reason


def default_warehouse(organisation, active: list[Warehouse]) -> Warehouse | None:
    """Where a referral of this organisation is packed unless someone chooses: its default
    warehouse (``OrganisationSettings``) if that is active, else the only active warehouse, else
    none. Without a query when the organisation was fetched with
    ``select_related("logistics_settings")``, so a page listing many referrals can ask it for
    each."""
    by_id = {warehouse.pk: warehouse for warehouse in active}
    chosen = settings_of(organisation).default_warehouse_id
    if chosen in by_id:
        return by_id[chosen]
    return active[0] if len(active) == 1 else None


def warehouse_for(referral: Referral, active: list[Warehouse]) -> Warehouse | None:
    """Where this referral is packed unless someone chooses: its pick-up point's warehouse
    (if active), else ``default_warehouse``. No query when the referral was fetched with its
    pick-up point and its organisation's settings."""
    if referral.pickup_point_id is not None:
        return next((warehouse for warehouse in active
                     if warehouse.pk == referral.pickup_point.warehouse_id), None)
    return default_warehouse(referral.organisation, active)


def choose_warehouse(referral: Referral, warehouse: Warehouse | None) -> Warehouse:
    """The warehouse given (it must be active), else the default. A pick-up kit is packed by
    its pick-up point's warehouse, which brings it there."""
    active = stock_selectors.active_warehouses()
    if referral.pickup_point_id is not None:
        point = referral.pickup_point
        if warehouse is not None and warehouse.pk != point.warehouse_id:
            raise FieldError("warehouse", _(
                "This kit is collected at %(point)s, which %(warehouse)s supplies: only that "
                "warehouse can pack it.") % {"point": point.name,
                                            "warehouse": point.warehouse.name})
        warehouse = point.warehouse
    if warehouse is not None:
        if warehouse.pk not in {w.pk for w in active}:
            raise FieldError("warehouse", _("This warehouse is not active."))
        return warehouse
    chosen = default_warehouse(referral.organisation, active)
    if chosen is None:
        raise FieldError("warehouse", _("Choose the warehouse that packs this kit."))
    return chosen


@transaction.atomic
def approve_referral(*, referral: Referral, user, warehouse: Warehouse | None = None
                     ) -> Referral:
    """Approve and set the kit's components aside at a warehouse; 409 with the short items
    when there is not enough, and then nothing changes."""
    referral = lock_referral(referral)
    require(user, referral, Action.APPROVE)
    referral = reserve_and_approve(referral, user, warehouse)
    notifications.status_changed(referral)
    return referral


def reserve_and_approve(referral: Referral, user, warehouse: Warehouse | None,
                        reason: str = "") -> Referral:
    """The approval itself, for a coordinator's decision and for a follow-up kit approved on
    the first kit's decision (``follow_ups``). The caller holds the lock and has asked who may;
    a refusal (``NotEligible``, ``InsufficientStock``, no warehouse) changes nothing
    (``stock.reserve`` sets all aside or nothing)."""
    if outcome_of(referral) != rules.Outcome.ELIGIBLE:
        raise NotEligible(_("The family does not qualify according to the check. Set the "
                            "outcome first, with a reason, to approve anyway."))
    warehouse = choose_warehouse(referral, warehouse)
    referral.reservation = stock.reserve(kit_type=referral.kit_type, warehouse=warehouse,
                                         babies=referral.babies, user=user)
    referral.warehouse = warehouse
    return change_status(referral, ReferralStatus.APPROVED, user, reason,
                         fields=("warehouse", "reservation"))


def _answered_step(action: Action, *, referral: Referral, user, reason: str,
                   notify: bool) -> Referral:
    """A step taken with a reason (a rejection, a question, an answer): to the action's status,
    the reason in the history; the referrer is told of a coordinator's decision."""
    reason = require_reason(reason)
    referral = lock_referral(referral)
    require(user, referral, action)
    referral = change_status(referral, TARGETS[action], user, reason)
    if notify:
        notifications.status_changed(referral)
    return referral


@transaction.atomic
def reject_referral(*, referral: Referral, user, reason: str) -> Referral:
    return _answered_step(Action.REJECT, referral=referral, user=user, reason=reason,
                          notify=True)


@transaction.atomic
def ask_for_information(*, referral: Referral, user, reason: str) -> Referral:
    """Send the referral back to the referrer with a question."""
    return _answered_step(Action.ASK, referral=referral, user=user, reason=reason, notify=True)


@transaction.atomic
def resubmit_referral(*, referral: Referral, user, reason: str) -> Referral:
    """The referrer answers the question; the referral is back in the queue."""
    referral = _answered_step(Action.RESUBMIT, referral=referral, user=user, reason=reason,
                              notify=False)
    notifications.waiting_for_decision(referral, new=False)
    return referral


@transaction.atomic
def update_referral(*, referral: Referral, user, data: ReferralInput, answer: str) -> Referral:
    """The referrer corrects the referral in answer to the question, and it is back in the
    queue with the answer as the reason. The check runs again on the new data; a coordinator's
    outcome no longer holds, as it was set on the old data. The consent date stays: the
    consent is for the same purpose."""
    answer = require_reason(answer)
    referral = lock_referral(referral)
    # Refused before the check: a referral that is no longer waiting for its answer says so,
    # whatever the new data are.
    require(user, referral, Action.RESUBMIT)
    fields = _stored(*_checked(data))
    for name, value in fields.items():
        setattr(referral, name, value)
    referral.eligibility_override = ""
    referral.override_reason = ""
    change_status(referral, ReferralStatus.SUBMITTED, user, answer,
                  fields=(*fields, "eligibility_override", "override_reason"))
    notifications.waiting_for_decision(referral, new=False)
    return referral


def leave_pick_list(referral: Referral) -> None:
    """The referral leaves its pick list (its delivery failed, or it was cancelled); the list
    keeps the entry, marked removed. The caller holds the referral's lock."""
    entry = referral.pick_list_entries.filter(removed_at__isnull=True).first()
    if entry is not None:
        entry.removed_at = timezone.now()
        entry.save(update_fields=["removed_at"])


@transaction.atomic
def cancel_referral(*, referral: Referral, user, reason: str,
                    return_goods: bool = False) -> Referral:
    """Cancel from any open state. A reservation is released; the goods of a kit already
    packed go back on the shelf if ``return_goods`` (the box is unpacked), else they stay out of
    the stock (given away elsewhere, say). A referrer may cancel only before a decision
    (submitted, or waiting for her answer)."""
    reason = require_reason(reason)
    referral = lock_referral(referral)
    require(user, referral, Action.CANCEL)
    reservation = referral.reservation
    if reservation is not None and reservation.state == ReservationState.ACTIVE:
        stock.release(reservation=reservation, user=user)
    elif return_goods:
        if reservation is None or reservation.state != ReservationState.CONSUMED:
            raise FieldError("return_to_stock", _("Nothing of this kit was packed yet."))
        stock.return_to_stock(reservation=reservation, user=user, note=referral.code)
    leave_pick_list(referral)
    return change_status(referral, ReferralStatus.CANCELLED, user, reason)


@transaction.atomic
def override_eligibility(*, referral: Referral, user, outcome: str, reason: str) -> Referral:
    """A coordinator decides the outcome against (or where there is no) check result."""
    reason = require_reason(reason)
    if outcome not in EligibilityOverride.values:
        raise FieldError("outcome", _("Choose qualifies or does not qualify."))
    referral = lock_referral(referral)
    require(user, referral, Action.OVERRIDE)
    referral.eligibility_override = outcome
    referral.override_reason = reason
    referral.save(update_fields=["eligibility_override", "override_reason", "updated_at"])
    label = EligibilityOverride(outcome).label
    ReferralStatusChange.objects.create(
        referral=referral, from_status=referral.status, to_status=referral.status, by=user,
        reason=_("Outcome set to “%(outcome)s”: %(reason)s") % {"outcome": label,
                                                                 "reason": reason},
    )
    return referral


def derive_municipalities() -> int:
    """Set every referral's municipality from its postcode again, after the municipalities'
    postcode ranges changed; anonymised referrals too (they keep the four digits). Answers how
    many changed. One read of all referrals and one update per municipality (per 500
    referrals), not a query per referral."""
    find = selectors.municipality_finder()
    moves: dict[int | None, list[int]] = defaultdict(list)
    with transaction.atomic():
        for pk, postcode, current in (Referral.objects.order_by()
                                      .values_list("pk", "postcode", "municipality_id")
                                      .iterator(chunk_size=5000)):
            found = find(postcode)
            if found != current:
                moves[found].append(pk)
        for municipality_id, pks in moves.items():
            for start in range(0, len(pks), 500):
                Referral.objects.filter(pk__in=pks[start:start + 500]).update(
                    municipality_id=municipality_id)
        # The statistics' counts move with them.
        changes.changed(pk for pks in moves.values() for pk in pks)
    return sum(len(pks) for pks in moves.values())


@transaction.atomic
def apply_kit_window(kit_type: KitType) -> int:
    """After a coordinator changed ``kit_type``'s window: its referrals still under way get
    their window again from their due date; delivered and closed ones keep the window they were
    judged by, so the statistics' "delivered in time" stays what it was. Answers how many
    referrals changed. Locks them first, so a correction at the same moment is not undone."""
    referrals = list(Referral.objects.select_for_update(of=("self",))
                     .filter(kit_type=kit_type, status__in=OPEN_STATUSES)
                     .only("pk", "due_date", "window_opens", "deliver_by").order_by("pk"))
    changed = []
    for referral in referrals:
        fields = window_fields(kit_type, referral.due_date)
        if any(getattr(referral, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(referral, name, value)
            changed.append(referral)
    Referral.objects.bulk_update(changed, ["window_opens", "deliver_by"], batch_size=500)
    return len(changed)
