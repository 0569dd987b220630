"""E-mail about referrals (DESIGN §4; issue 15 point 4).

- The referrer hears when a coordinator decides (approved, rejected, needs information) and when
  the kit was delivered or a delivery failed, collected at its pick-up point or not collected in
  time, or shipped by post (the distribution slice calls ``status_changed``);
  and when a follow-up kit was planned for her family, and when its window opened (what
  happened then: approved, a question about the income, or waiting for a decision).
- The coordinators hear when a referral waits for a decision: a new one, or one the referrer
  answered or corrected. Each coordinator chooses an e-mail for each, or one a day listing them
  (``send_digests``, run from cron as ``manage.py send_digest``).

Sent after the commit and, in a request, after its answer (``startpakket.after_response``), so a
rolled-back change sends nothing, and a mail server that is down or never answers neither undoes
nor hides a change that was made, nor keeps anyone waiting for the page (the failure is logged;
``EMAIL_TIMEOUT`` bounds the wait). Each mail is written in its
recipient's language (``User.language``) and names referrals by code with a link to the page; the
details, reasons and questions are on the page, behind a login: e-mail is no place for a family's
details. Only a referrer who still works for the referring organisation gets mail about it.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from logistics.models import (
    Referral,
    ReferralMail,
    ReferralMailSettings,
    ReferralStatus,
    ReferralStatusChange,
)
from startpakket import after_response
from startpakket.models import User
from startpakket.roles import Role

logger = logging.getLogger(__name__)

SUBJECTS = {
    ReferralStatus.APPROVED: gettext_noop("Referral %(code)s approved"),
    ReferralStatus.REJECTED: gettext_noop("Referral %(code)s rejected"),
    ReferralStatus.NEEDS_INFO: gettext_noop("Referral %(code)s: information needed"),
    ReferralStatus.DELIVERED: gettext_noop("Referral %(code)s: kit delivered"),
    ReferralStatus.DELIVERY_FAILED: gettext_noop("Referral %(code)s: delivery failed"),
    ReferralStatus.COLLECTED: gettext_noop("Referral %(code)s: kit collected"),
    ReferralStatus.NOT_COLLECTED: gettext_noop("Referral %(code)s: kit not collected"),
    ReferralStatus.SHIPPED: gettext_noop("Referral %(code)s: kit shipped"),
}

# A digest lists the changes made up to this long ago: a submit whose transaction is still open
# has its moment already written but cannot be read yet, and would otherwise fall between two
# digests. It is in the next one.
DIGEST_SETTLE = timedelta(minutes=1)
# A digest coordinator whose first digest this is (no moment stored) gets the last day.
FIRST_DIGEST = timedelta(days=1)


def page_url(name: str, **kwargs) -> str:
    """The full address of a page, for a mail or a printed QR code: people open it from
    outside the application, at ``SITE_URL``."""
    return settings.SITE_URL + reverse(name, kwargs=kwargs or None)


def referral_url(code: str) -> str:
    return page_url("referrals:detail", code=code)


def _send(recipient: User, compose: Callable[[], tuple[str, str]], about: str) -> bool:
    """``compose`` writes subject and body in the recipient's language."""
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        subject, body = compose()
    try:
        send_mail(subject, body, None, [recipient.email])
    except Exception:  # what was done stands; the pages show it
        logger.exception("Could not send the e-mail about %s", about)
        return False
    return True


# The referrer


def status_changed(referral: Referral) -> None:
    referrer = referral.referred_by
    status = referral.status
    if (status not in SUBJECTS or not referrer.email or not referrer.is_active
            or referrer.organisation_id != referral.organisation_id):
        return

    def compose():
        return _(SUBJECTS[status]) % {"code": referral.code}, "\n\n".join([
            _("Referral %(code)s is now: %(status)s.") % {
                "code": referral.code, "status": ReferralStatus(status).label},
            _("See the details, and any question or reason, at %(url)s") % {
                "url": referral_url(referral.code)},
        ])

    after_response.later(lambda: _send(referrer, compose, referral.code))


def _to_referrer(referral: Referral, compose: Callable[[], tuple[str, str]]) -> None:
    referrer = referral.referred_by
    if (referrer.email and referrer.is_active
            and referrer.organisation_id == referral.organisation_id):
        after_response.later(lambda: _send(referrer, compose, referral.code))


def follow_up_planned(follow_up: Referral) -> None:
    """A follow-up kit was planned as the first one reached the family."""
    code, first = follow_up.code, follow_up.follows.code

    def compose():
        return _("Follow-up kit %(code)s planned") % {"code": code}, "\n\n".join([
            _("The kit of referral %(first)s was delivered, so follow-up kit %(code)s is "
              "planned for the same family. It waits until its time window opens; you need not "
              "refer the family again. If the family moved or does not want it, you can stop "
              "it on its page.") % {"first": first, "code": code},
            _("See it at %(url)s") % {"url": referral_url(code)},
        ])

    _to_referrer(follow_up, compose)


def follow_up_opened(follow_up: Referral) -> None:
    """A planned follow-up kit's window opened: what came of it, by the policy."""
    code, status = follow_up.code, follow_up.status

    def compose():
        lead = {
            ReferralStatus.APPROVED: _("The time window of follow-up kit %(code)s has opened "
                                       "and it is approved on the decision about the first "
                                       "kit; it is on its way to being packed."),
            ReferralStatus.NEEDS_INFO: _("The time window of follow-up kit %(code)s has opened. "
                                         "Please check the household and income with the "
                                         "family, correct them if they changed, and answer."),
        }.get(status, _("The time window of follow-up kit %(code)s has opened; it waits for a "
                        "coordinator's decision."))
        return (_("Follow-up kit %(code)s: %(status)s")
                % {"code": code, "status": ReferralStatus(status).label}), "\n\n".join([
            lead % {"code": code},
            _("See it at %(url)s") % {"url": referral_url(code)},
        ])

    _to_referrer(follow_up, compose)


# The coordinators


def coordinators():
    """Those who can get mail about the approval queue."""
    return (User.objects.filter(is_active=True, groups__name=Role.COORDINATOR.value)
            .exclude(email="").distinct())


def waiting_for_decision(referral: Referral, *, new: bool) -> None:
    """A new referral (``new``), or one its referrer answered or corrected, waits for a
    decision: a mail to each coordinator who wants one for each (the others get the digest)."""
    code = referral.code

    def compose():
        if new:
            subject = _("New referral %(code)s") % {"code": code}
            lead = _("A new referral, %(code)s, waits for your decision.") % {"code": code}
        else:
            subject = _("Referral %(code)s answered") % {"code": code}
            lead = _("The referrer answered the question about referral %(code)s, and may have "
                     "corrected it; it waits for your decision again.") % {"code": code}
        return subject, "\n\n".join([
            lead,
            _("Open it at %(url)s") % {"url": referral_url(code)},
            _("You get an e-mail for each new or corrected referral. To get one e-mail a day "
              "instead, change your settings at %(url)s") % {"url": page_url("account_settings")},
        ])

    def tell():
        for coordinator in coordinators().exclude(
                referral_mail_settings__choice=ReferralMail.DIGEST):
            _send(coordinator, compose, code)

    after_response.later(tell)


def mail_choice(user: User) -> str:
    row = ReferralMailSettings.objects.filter(user=user).first()
    return row.choice if row else ReferralMail.EACH


def set_mail_choice(*, user: User, choice: str) -> None:
    """A coordinator's choice. Moving to the digest starts it now (what came before was mailed
    one by one); leaving it sends what the next digest would have held, so nothing is lost."""
    row, _made = ReferralMailSettings.objects.get_or_create(user=user)
    if choice == row.choice:
        return
    if choice == ReferralMail.DIGEST:
        row.digest_up_to = timezone.now()
    else:
        _digest(row, up_to=timezone.now())
        row.refresh_from_db()
    row.choice = choice
    row.save(update_fields=["choice", "digest_up_to"])


def send_digests(now: datetime | None = None) -> int:
    """One mail to each coordinator who chose the digest, listing the referrals that came in or
    came back since her last digest; none when nothing did. A referral is in one digest only,
    however often this runs. Returns the number of mails sent."""
    up_to = (now or timezone.now()) - DIGEST_SETTLE
    rows = ReferralMailSettings.objects.filter(
        choice=ReferralMail.DIGEST, user__in=coordinators()).select_related("user")
    return sum(_digest(row, up_to=up_to) for row in rows)


def _digest(row: ReferralMailSettings, *, up_to: datetime) -> bool:
    # Claim the period first, in a short transaction, so that two runs at once never send it
    # twice; give it back when the mail could not be sent, so that the next run sends it.
    with transaction.atomic():
        locked = ReferralMailSettings.objects.select_for_update().get(pk=row.pk)
        since = locked.digest_up_to or up_to - FIRST_DIGEST
        if since >= up_to:
            return False
        locked.digest_up_to = up_to
        locked.save(update_fields=["digest_up_to"])
    new, answered = _came_in(since, up_to)
    if not new and not answered:
        return False
    if _send(row.user, lambda: _digest_mail(new, answered), "the daily digest"):
        return True
    ReferralMailSettings.objects.filter(pk=row.pk, digest_up_to=up_to).update(digest_up_to=since)
    return False


def _came_in(since: datetime, up_to: datetime) -> tuple[list, list]:
    """The referrals submitted, and those answered or corrected, in the period: (code, current
    status) in the order they came; a referral both new and answered counts as new."""
    changes = (ReferralStatusChange.objects
               .filter(to_status=ReferralStatus.SUBMITTED, at__gt=since, at__lte=up_to)
               .order_by("at", "pk")
               .values_list("referral__code", "from_status", "referral__status"))
    new, answered = {}, {}
    for code, source, status in changes:
        # A follow-up kit whose window opened comes in as new: nobody asked about it before.
        if source in {"", ReferralStatus.PLANNED}:
            new[code] = status
            answered.pop(code, None)
        elif code not in new:
            answered[code] = status
    return list(new.items()), list(answered.items())


def _digest_mail(new: list, answered: list) -> tuple[str, str]:
    count = len(new) + len(answered)
    subject = ngettext("Daily overview: %(count)d new or answered referral",
                       "Daily overview: %(count)d new or answered referrals", count
                       ) % {"count": count}
    parts = []
    for heading, referrals in ((ngettext("%(count)d new referral:",
                                         "%(count)d new referrals:", len(new)), new),
                               (ngettext("%(count)d referral answered or corrected:",
                                         "%(count)d referrals answered or corrected:",
                                         len(answered)), answered)):
        if referrals:
            parts.append("\n".join([heading % {"count": len(referrals)}, *(
                _line(code, status) for code, status in referrals)]))
    parts.append(_("The approval queue: %(url)s") % {"url": page_url("referrals:queue")})
    parts.append(_("You get this e-mail once a day. To get an e-mail for each referral instead, "
                   "change your settings at %(url)s") % {"url": page_url("account_settings")})
    return subject, "\n\n".join(parts)


def _line(code: str, status: str) -> str:
    line = f"- {code}  {referral_url(code)}"
    if status != ReferralStatus.SUBMITTED:  # decided, or sent back, since it came in
        line += "  (" + _("now: %(status)s") % {"status": ReferralStatus(status).label} + ")"
    return line
