"""The follow-up kit (DESIGN §4): one referral, two kits.

A kit type may name a follow-up kit type (``KitType.follow_up``). When a referral's kit reaches
the family, the distribution slice calls ``plan_follow_up``: a new referral for the same family,
with its own code and history, linked to the first (``Referral.follows``, and
``first.follow_up`` the other way), waits as *planned* until its kit type's time window opens.
The nurse types nothing again, and may stop it (``stop_follow_up``: the family moved, or does
not want it).

Every day ``manage.py open_follow_ups`` opens the planned kits whose window has opened
(``Referral.window_opens``), as the policy in force says (``Policy.follow_up_decision``):

- *carry over*, and the first kit's check is younger than ``carry_over_months``: approved at
  once on that decision, and reserved at the first kit's warehouse. When that cannot be done
  (too little stock, no active warehouse) it waits in the approval queue instead, the reason
  in its history, like any referral a coordinator must decide on;
- otherwise (*check again*, or a check too old): the referrer is asked, as a coordinator asks,
  to check the household and income with the family (status *needs information*). She corrects
  the referral (the check runs again on the new incomes) or answers that nothing changed, and
  it comes to the approval queue. This is the correction flow every referral has, so the
  question shows on her home page and the referral's page, and her answer reaches the
  coordinators as any answer does. It goes there straight from *planned*: through *submitted*
  it would show in the queue and the coordinators' mail for a moment, with nothing to decide.

The automatic steps are written in the history without a person (``by`` empty), except the
carried-over approval: that is the decision of the coordinator who approved the first kit, and
is written in her name, with the first kit's code as the reason.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from eligibility import services as eligibility
from eligibility.models import FollowUpDecision
from logistics.models import Referral, ReferralStatus, ReferralStatusChange
from logistics.referrals import notifications, selectors, services
from logistics.referrals.rules import add_months
from logistics.referrals.workflow import Action, change_status, lock_referral, require
from startpakket.errors import DomainError

# What the follow-up takes over from the first referral, besides the kit type: the family as
# the nurse entered it (``services.INPUT_FIELDS``), who referred it, the parent's consent (given
# for the kits of this referral) and the check with its outcome.
COPIED_FIELDS = (
    *(name for name in services.INPUT_FIELDS if name != "kit_type"),
    "organisation_id", "referred_by_id", "municipality_id", "consent", "consent_date",
    "household", "incomes", "eligibility", "eligibility_override", "override_reason",
)


def plan_follow_up(*, first: Referral, user) -> Referral | None:
    """Plan the follow-up kit of ``first``, whose kit has just reached the family (recorded by
    ``user``), if its kit type names an active one. Idempotent: a first referral that has its
    follow-up keeps it, and gets no other (the link is one to one in the database too). Runs in
    the caller's transaction, with ``first`` locked."""
    kit_type = first.kit_type.follow_up
    if kit_type is None or not kit_type.is_active:
        return None
    planned = selectors.follow_up_of(first)
    if planned is not None:
        return planned
    follow_up = Referral.objects.create(
        code=services.next_code(timezone.localdate().year),
        status=ReferralStatus.PLANNED,
        follows=first,
        kit_type=kit_type,
        # The birth date (or due date) is the family's: the follow-up's window counts from it.
        **services.window_fields(kit_type, first.due_date),
        **{name: getattr(first, name) for name in COPIED_FIELDS},
    )
    with translation.override(settings.LANGUAGE_CODE):  # the application writes it
        reason = _("Follow-up kit of %(code)s, planned when that kit was delivered.") % {
            "code": first.code}
    ReferralStatusChange.objects.create(referral=follow_up, to_status=ReferralStatus.PLANNED,
                                        by=user, reason=reason)
    notifications.follow_up_planned(follow_up)
    return follow_up


@transaction.atomic
def stop_follow_up(*, referral: Referral, user, reason: str) -> Referral:
    """The referrer (or a coordinator) stops a planned follow-up kit: the family moved, or does
    not want it. Nothing was reserved yet."""
    reason = services.require_reason(reason)
    referral = lock_referral(referral)
    require(user, referral, Action.STOP)
    return change_status(referral, ReferralStatus.CANCELLED, user, reason)


def decision_holds(checked_on: datetime.date, months: int, today: datetime.date) -> bool:
    """Whether a check made on ``checked_on`` still counts today, when the policy carries a
    decision over for ``months``: it does until the same day ``months`` later."""
    return today < add_months(checked_on, months)


def open_follow_ups(today: datetime.date | None = None) -> list[Referral]:
    """Open every planned follow-up whose window has opened by ``today``, each in its own
    transaction, so those opened stay so whatever happens to the next. Answers those opened.
    Run daily (``manage.py open_follow_ups``); a second run the same day finds nothing left."""
    today = today or timezone.localdate()
    due = list(Referral.objects.filter(status=ReferralStatus.PLANNED, window_opens__lte=today)
               .order_by("window_opens", "pk").values_list("pk", flat=True))
    opened = (open_follow_up(Referral(pk=pk), today=today) for pk in due)
    return [referral for referral in opened if referral is not None]


@transaction.atomic
def open_follow_up(referral: Referral, *, today: datetime.date) -> Referral | None:
    """Open one planned follow-up, as the policy in force today says (the module's
    docstring), and answer it. None, and nothing happens, for one no longer planned (stopped
    meanwhile, or opened by a run at the same time) or whose window is still closed."""
    referral = lock_referral(referral)
    if referral.status != ReferralStatus.PLANNED or referral.window_opens > today:
        return None
    policy = eligibility.follow_up_policy_in_force(today)
    # Texts the application writes into the history itself are in the site's language, as
    # those a person types stay as typed.
    with translation.override(settings.LANGUAGE_CODE):
        if (policy.decision == FollowUpDecision.CARRY_OVER
                and decision_holds(services.checked_on(referral), policy.carry_over_months,
                                   today)):
            _carry_over(referral)
        else:
            change_status(referral, ReferralStatus.NEEDS_INFO, None, _(
                "The time window of this follow-up kit has opened. Please check the household "
                "and income with the family: correct the referral if they changed, or answer "
                "that they did not."))
    notifications.follow_up_opened(referral)
    return referral


def _carry_over(referral: Referral) -> None:
    """Approve on the first kit's decision, at its warehouse; when that cannot be done, the
    follow-up waits for a coordinator's decision with the reason."""
    first = referral.follows
    approval = (first.history.filter(to_status=ReferralStatus.APPROVED).select_related("by")
                .order_by("-at", "-id").first())
    reason = _("Approved on the decision about %(code)s.") % {"code": first.code}
    try:
        if approval is None or approval.by is None:
            raise DomainError(_("Nobody's approval of %(code)s was found.")
                              % {"code": first.code})
        services.reserve_and_approve(referral, approval.by, _same_warehouse(referral, first),
                                     reason)
    except DomainError as refusal:
        change_status(referral, ReferralStatus.SUBMITTED, None, _(
            "The decision about %(code)s still counts, but this kit could not be approved at "
            "once: %(why)s") % {"code": first.code, "why": refusal.detail})
        notifications.waiting_for_decision(referral, new=True)


def _same_warehouse(referral: Referral, first: Referral):
    """The first kit's warehouse, if it still works; else the usual choice
    (``services.choose_warehouse``: a pick-up point's own warehouse, or the default)."""
    warehouse = first.warehouse
    if warehouse is None or not warehouse.is_active or referral.pickup_point_id is not None:
        return None
    return warehouse
