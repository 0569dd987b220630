"""E-mail to the referrer when a coordinator decides (DESIGN §4 / issue: approved, rejected,
needs information). Sent after the commit, so a rolled-back decision sends nothing. The mail
names the referral by its code only: e-mail is not the place for a family's details."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from logistics.models import Referral, ReferralStatus

SUBJECTS = {
    ReferralStatus.APPROVED: gettext_noop("Referral %(code)s approved"),
    ReferralStatus.REJECTED: gettext_noop("Referral %(code)s rejected"),
    ReferralStatus.NEEDS_INFO: gettext_noop("Referral %(code)s: information needed"),
}


def status_changed(referral: Referral, reason: str = "") -> None:
    recipient = referral.referred_by.email
    if referral.status not in SUBJECTS or not recipient:
        return
    transaction.on_commit(lambda: _send(referral, recipient, reason))


def _send(referral: Referral, recipient: str, reason: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _(SUBJECTS[referral.status]) % {"code": referral.code}
        lines = [
            _("Referral %(code)s is now: %(status)s.") % {
                "code": referral.code, "status": referral.get_status_display()},
        ]
        if reason:
            lines.append(_("Reason or question: %(reason)s") % {"reason": reason})
        # The page's address is part of the public contract (DESIGN §7.3).
        lines.append(_("See it at %(url)s") % {
            "url": f"{settings.SITE_URL}/referrals/{referral.code}/"})
        send_mail(subject, "\n\n".join(lines), None, [recipient])
