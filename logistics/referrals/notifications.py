"""E-mail to the referrer when a coordinator decides (DESIGN §4 / issue: approved, rejected,
needs information).

Sent after the commit, so a rolled-back decision sends nothing, and a mail server that is down
never undoes or hides a decision that was taken (the failure is logged). The mail names the
referral by its code and links to it; the reason or question is on the page, behind a login:
e-mail is no place for a family's details. Only a referrer who still works for the referring
organisation gets it.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from logistics.models import Referral, ReferralStatus

logger = logging.getLogger(__name__)

SUBJECTS = {
    ReferralStatus.APPROVED: gettext_noop("Referral %(code)s approved"),
    ReferralStatus.REJECTED: gettext_noop("Referral %(code)s rejected"),
    ReferralStatus.NEEDS_INFO: gettext_noop("Referral %(code)s: information needed"),
}


def status_changed(referral: Referral) -> None:
    referrer = referral.referred_by
    if (referral.status not in SUBJECTS or not referrer.email or not referrer.is_active
            or referrer.organisation_id != referral.organisation_id):
        return
    transaction.on_commit(lambda: _send(referral, referrer.email))


def _send(referral: Referral, recipient: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _(SUBJECTS[referral.status]) % {"code": referral.code}
        body = "\n\n".join([
            _("Referral %(code)s is now: %(status)s.") % {
                "code": referral.code, "status": referral.get_status_display()},
            # The page's address is part of the public contract (DESIGN §7.3).
            _("See the details, and any question or reason, at %(url)s") % {
                "url": f"{settings.SITE_URL}/referrals/{referral.code}/"},
        ])
    try:
        send_mail(subject, body, None, [recipient])
    except Exception:  # the decision stands; the page shows it
        logger.exception("Could not send the e-mail about referral %s", referral.code)
