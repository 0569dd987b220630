"""Enrolment links: the second login step is bound to something a password thief lacks.

Without them, whoever knew the password of an account without an authenticator app (every new
account, and every account whose app a coordinator removed) could link an app of her own and
pass both steps from then on. So linking an app needs a one-time link as well as the password:

* a new account (admin, ``add_user``) and a reset (a coordinator's "new enrolment link", or the
  ``enrolment_link`` command) get a link ``/accounts/two-factor/enrol/<token>/``, valid for
  ``ENROLMENT_LINK_HOURS`` (48) and usable once;
* the link is e-mailed to the user when ``EMAIL_CONFIGURED`` and she has an address; otherwise
  it is shown once to whoever made it, who hands it over;
* a new link, or a reset, removes the user's apps and backup codes and voids her older links;
* the page at the link remembers it in the session and sends the user to log in; the setup page
  then lets exactly that user link an app, and the link is used up when the app is confirmed.

The token is 32 random bytes (``secrets``); only its SHA-256 is stored, so a database dump
holds no usable link. A row per link, rather than a signed token like Django's password reset
tokens, because it is used up in one conditional UPDATE (two tabs cannot both use it), can be
voided by a newer one, and its age is a stored time that a coordinator can read.
"""

import hashlib
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_otp import devices_for_user

from startpakket import after_response
from startpakket.audit import record_changed
from startpakket.models import EnrolmentLink, User
from startpakket.services import check_may_manage_user

logger = logging.getLogger(__name__)

SESSION_KEY = "startpakket_enrolment"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _valid_from():
    return timezone.now() - timedelta(hours=settings.ENROLMENT_LINK_HOURS)


def issue_link(user: User, *, actor: User | None = None) -> str:
    """A new enrolment link for ``user`` (its full address). Removes her apps and backup codes
    and voids her older links. With an ``actor`` (a person, not a command), only for an
    account she may manage."""
    if actor is not None:
        check_may_manage_user(actor, user)
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=None):
            device.delete()
        user.enrolment_links.filter(used_at__isnull=True).update(used_at=now)
        EnrolmentLink.objects.create(user=user, token_sha256=_digest(token), created_by=actor,
                                     created_at=now)
        record_changed(user, user=actor, changes={"enrolment_link": ("", "issued")})
    return settings.SITE_URL + reverse("two_factor_enrol", args=[token])


def mail_link(user: User, url: str) -> bool:
    """Send the link to the user when e-mail is configured and she has an address (after the
    commit and the answer, ``after_response``); whether it is sent. When not, the caller shows
    it to whoever made it."""
    if not (settings.EMAIL_CONFIGURED and user.email):
        return False
    after_response.later(lambda: _send(user, url))
    return True


def _send(user: User, url: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Set up two-step login for Startpakket")
        body = "\n\n".join([
            _("An account %(username)s was made for you, or its two-step login was reset.")
            % {"username": user.username},
            _("Open this link within %(hours)s hours, log in with your password and link an "
              "authenticator app: %(url)s") % {"hours": settings.ENROLMENT_LINK_HOURS,
                                               "url": url},
            _("The link works once. If it has expired, ask a coordinator for a new one."),
        ])
    try:
        send_mail(subject, body, None, [user.email])
    except Exception:  # the link stands; a coordinator can make a new one
        logger.exception("Could not send the enrolment link to user %s", user.pk)


def find_link(token: str) -> EnrolmentLink | None:
    """The unused, unexpired link with this token, or None."""
    return (EnrolmentLink.objects.select_related("user")
            .filter(token_sha256=_digest(token), used_at__isnull=True,
                    created_at__gt=_valid_from()).first())


def remember(session, link: EnrolmentLink) -> None:
    session[SESSION_KEY] = link.token_sha256


def link_for(session, user: User) -> EnrolmentLink | None:
    """The valid link remembered in ``session``, if it is ``user``'s."""
    digest = session.get(SESSION_KEY)
    if not digest:
        return None
    return EnrolmentLink.objects.filter(
        token_sha256=digest, user=user, used_at__isnull=True, created_at__gt=_valid_from(),
    ).first()


def use_link(session, link: EnrolmentLink) -> bool:
    """Use up the link, once: False when it was used (or voided) meanwhile. Call inside the
    transaction that confirms the app."""
    used = EnrolmentLink.objects.filter(pk=link.pk, used_at__isnull=True).update(
        used_at=timezone.now())
    session.pop(SESSION_KEY, None)
    return used == 1
