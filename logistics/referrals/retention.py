"""Retention (docs/data-inventory.md): a closed referral keeps the family's details only as long
as they may be needed, then it is anonymised, once.

When
    ``RETENTION_AFTER_DELIVERY_DAYS`` (365) after delivery (or collection at a pick-up point, or
    shipping by post); ``RETENTION_AFTER_CLOSING_DAYS``
    (92) after rejection or cancellation. The moment is the ``at`` of the history row into that
    status (written in the same transaction as the status). Other states are open, and wait.

What goes, everywhere a copy is kept
    The referral: names, phone, e-mail, street, house number and addition, the postcode's letters,
    delivery notes, a parcel's tracking number, the override's reason, the form token; the
    household's ages and every income; the check's amounts and its explanation. The due date
    and the consent date keep only their month. The history's reasons. In the audit trail, the
    entries about the referral and its history lose the request's address and anything beyond
    the fields the trail may hold (they should hold no more; this also cleans entries written
    before that was so). Stored Idempotency-Key answers that returned the referral are deleted
    (they copy all of it).

What stays, for the statistics of DESIGN §6
    Status, organisation, referrer, kit type, babies, language, warehouse, the 4 digits of the
    postcode and the city (a municipality or a 4-digit area is shared by thousands of
    households), the due month, the outcome and who overrode it, whether there was a partner and
    how many children, the check's category and its percentage of the norm as a band of
    ``PERCENT_BAND`` points, and whether the kit arrived by the end of its time window
    (``delivered_in_time``, which the months alone could no longer tell). System timestamps stay
    as they are: when the referral was made and changed, each status change's time and actor, the
    audit trail's times. They record what staff did, not who the family is, and the median days
    from referral to delivery needs them.
"""

import dataclasses
import datetime
from decimal import Decimal

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from eligibility import snapshot
from logistics.models import Referral, ReferralStatus, ReferralStatusChange
from logistics.referrals.workflow import HANDED_OVER
from startpakket import audit
from startpakket.errors import ConflictError
from startpakket.models import IdempotencyKey

# The check's percentage of the norm is kept as the lower end of a band this wide: 87.3 → 80
# (80 to 90). A statistic that bands the exact figure the same way counts both alike.
PERCENT_BAND = Decimal(10)

# What an audit entry may hold in ``additional_data`` (``startpakket.audit.record_read``).
AUDIT_DETAILS = {"what"}


class NotDue(ConflictError):
    code = "not_due_for_anonymising"


def periods() -> dict[str, datetime.timedelta]:
    """How long after closing, per closed status, a referral keeps the family's details."""
    closing = datetime.timedelta(days=settings.RETENTION_AFTER_CLOSING_DAYS)
    delivery = datetime.timedelta(days=settings.RETENTION_AFTER_DELIVERY_DAYS)
    return {
        # Collected at a pick-up point, or shipped by post: handed over, as a delivery.
        **dict.fromkeys(HANDED_OVER, delivery),
        ReferralStatus.REJECTED: closing,
        ReferralStatus.CANCELLED: closing,
    }


def _closed_at() -> Subquery:
    """When the referral went into its current status."""
    return Subquery(
        ReferralStatusChange.objects.filter(referral=OuterRef("pk"), to_status=OuterRef("status"))
        .order_by("-at").values("at")[:1]
    )


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def due_for_anonymising(today: datetime.date) -> QuerySet[Referral]:
    """The referrals not yet anonymised whose period has passed on ``today``, the longest
    closed first, each with ``closed_at``. Closed on day D, a referral is due from day
    D + period on."""
    due = Q()
    for status, period in periods().items():
        due |= Q(status=status,
                 closed_at__lt=_start_of(today - period + datetime.timedelta(days=1)))
    return (
        Referral.objects.filter(anonymised_at__isnull=True, status__in=list(periods()))
        .annotate(closed_at=_closed_at())
        .filter(due)
        .order_by("closed_at", "id")
    )


def percent_band(percent: Decimal | None) -> Decimal | None:
    """The lower end of the band of ``PERCENT_BAND`` points that ``percent`` falls in."""
    if percent is None:
        return None
    return (percent // PERCENT_BAND) * PERCENT_BAND


def _anonymous_check(stored: dict) -> dict:
    """The check's snapshot without the family's amounts, the explanation (which repeats them)
    and the warnings (one names an age). It keeps its shape, so it still reads as a decision,
    and what is policy, not family: the outcome, the category, the norm table's date, the
    limit's percentage."""
    decision = snapshot.from_snapshot(stored)
    anonymous = dataclasses.replace(
        decision, norm=None, threshold=None, counted_income=None, excluded_income=None,
        percent_of_norm=percent_band(decision.percent_of_norm), warnings=(), explanation=())
    checked_on = stored.get("checked_on")
    return {
        **snapshot.to_snapshot(anonymous),
        **({"checked_on": datetime.date.fromisoformat(checked_on).replace(day=1).isoformat()}
           if checked_on else {}),
    }


ANONYMISED_FIELDS = [
    "parent_first_name", "parent_last_name", "phone", "email", "street", "house_number",
    "house_number_suffix", "postcode", "due_date", "window_opens", "deliver_by", "delivery_notes",
    "consent_date", "delivered_on", "tracking_number", "override_reason", "household", "incomes",
    "eligibility", "submission_token", "delivered_in_time", "anonymised_at", "updated_at",
]


def _anonymise_referral(referral: Referral, closed_at: datetime.datetime) -> None:
    if referral.status in HANDED_OVER:
        delivered_on = referral.delivered_on or timezone.localdate(closed_at)
        referral.delivered_in_time = delivered_on <= referral.deliver_by
    referral.parent_first_name = referral.parent_last_name = ""
    referral.phone = None
    referral.email = ""
    referral.street = ""
    referral.house_number = None
    referral.house_number_suffix = ""
    referral.postcode = referral.postcode[:4]
    # The city stays: statistics per municipality need it, and a municipality does not point
    # to a family.
    referral.due_date = referral.due_date.replace(day=1)
    # The window's days are the due date's plus whole weeks: they would tell it exactly.
    referral.window_opens = referral.window_opens.replace(day=1)
    referral.deliver_by = referral.deliver_by.replace(day=1)
    referral.consent_date = referral.consent_date.replace(day=1)
    if referral.delivered_on:
        referral.delivered_on = referral.delivered_on.replace(day=1)
    referral.delivery_notes = ""
    # The parcel service finds the name and address by it, for as long as it keeps them.
    referral.tracking_number = ""
    referral.override_reason = ""
    referral.household = snapshot.household_without_ages(referral.household)
    referral.incomes = []
    referral.eligibility = _anonymous_check(referral.eligibility)
    referral.submission_token = None
    referral.anonymised_at = timezone.now()
    # Through save(), so that the audit trail records that (not what) it changed.
    referral.save(update_fields=ANONYMISED_FIELDS)


def _allowed_changes(model) -> set[str] | None:
    """The fields the audit trail may record for ``model``; None: all but the excluded."""
    options = audit.TRACKED.get(model._meta.label, {})
    return set(options["include_fields"]) if "include_fields" in options else None


def _clean_entry(entry: LogEntry, include: set[str] | None, exclude: set[str]) -> None:
    if entry.changes:
        entry.changes = {field: change for field, change in entry.changes.items()
                         if (include is None or field in include) and field not in exclude}
    entry.changes_text = ""
    entry.serialized_data = None
    if isinstance(entry.additional_data, dict):
        entry.additional_data = {key: value for key, value in entry.additional_data.items()
                                 if key in AUDIT_DETAILS} or None
    elif entry.additional_data is not None:
        entry.additional_data = None
    entry.remote_addr = None
    entry.remote_port = None


def _clean_audit_trail(referral: Referral) -> None:
    """The entries about the referral and its history rows, without the request's address and
    without any value beyond what the trail may hold."""
    history = [str(pk) for pk in referral.history.values_list("pk", flat=True)]
    types = ContentType.objects.get_for_models(Referral, ReferralStatusChange)
    entries = list(LogEntry.objects.filter(
        Q(content_type=types[Referral], object_pk=str(referral.pk))
        | Q(content_type=types[ReferralStatusChange], object_pk__in=history)
    ))
    for entry in entries:
        model = Referral if entry.content_type_id == types[Referral].pk else ReferralStatusChange
        exclude = set(audit.TRACKED.get(model._meta.label, {}).get("exclude_fields", []))
        _clean_entry(entry, _allowed_changes(model), exclude)
    LogEntry.objects.bulk_update(entries, ["changes", "changes_text", "serialized_data",
                                           "additional_data", "remote_addr", "remote_port"])


@transaction.atomic
def anonymise(referral: Referral, *, today: datetime.date) -> bool:
    """Remove the family's details from ``referral`` and every copy of them (see the module).
    False if it was anonymised already; ``NotDue`` if its period has not passed on ``today``."""
    referral = Referral.objects.select_for_update(of=("self",)).get(pk=referral.pk)
    if referral.anonymised_at is not None:
        return False
    closed_at = (due_for_anonymising(today).filter(pk=referral.pk)
                 .values_list("closed_at", flat=True).first())
    if closed_at is None:
        raise NotDue(_("Referral %(code)s is not due to be anonymised yet.")
                     % {"code": referral.code})
    _anonymise_referral(referral, closed_at)
    referral.history.exclude(reason="").update(reason="")
    _clean_audit_trail(referral)
    IdempotencyKey.objects.filter(response_body__code=referral.code).delete()
    return True


def anonymise_due(*, today: datetime.date) -> list[Referral]:
    """Anonymise every referral due on ``today``, each in a transaction of its own: no lock is
    held for long, and a failure keeps what was done before it. The referrals done, as
    ``due_for_anonymising`` found them (code, status, ``closed_at``)."""
    done = []
    for referral in list(due_for_anonymising(today).only("pk", "code", "status")):
        if anonymise(referral, today=today):
            done.append(referral)
    return done
