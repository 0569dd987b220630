"""API tokens: made, used and revoked (README, Security).

A token is django-rest-knox's: the key is random (``spk_`` and 64 hex digits), the database keeps
only its SHA-512 digest, so the key is shown once, to whoever made it, and never again. Every
token is named and expires (``API_TOKEN_DAYS``, 90 by default, is the longest and the default
life). Who makes one: its owner, for herself, on ``/accounts/tokens/`` (after the second login
step), or an operator with ``manage.py drf_create_token``. Nobody makes one for someone else
in the application: a token skips the second step, so that would let a coordinator act as anyone.
A coordinator sees the tokens in the admin (never a key) and may revoke them.

Audit (``startpakket.audit``): making and revoking are logged by auditlog's signals (the model
is tracked with its name, user and expiry only), the first use from each address by
``record_use`` here, as a change of ``last_used_from`` (with the request's address).
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from startpakket import audit
from startpakket.models import ApiToken, User

# A user's unexpired tokens; a script gone wrong should not make thousands.
MAX_TOKENS_PER_USER = 10
# How often the last use is written at most: one write a minute, not one a request.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)
# The addresses a token remembers; one used from more places than this is audited again.
MAX_ADDRESSES = 50


def tokens_of(user: User):
    """The user's tokens, newest first, the expired ones too (until revoked)."""
    return ApiToken.objects.filter(user=user).order_by("-created", "-id")


def create_token(*, user: User, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """Make a token for ``user``; returns it and its key, which exists only in this answer.
    ``days`` of life, at most (and by default) ``API_TOKEN_DAYS``. Raises ``ValidationError``
    keyed by field (``name``, ``days``) and then writes nothing."""
    name = " ".join((name or "").split())
    days = settings.API_TOKEN_DAYS if days is None else days
    errors = {}
    if not name:
        errors["name"] = _("Give the token a name, e.g. the system that will use it.")
    elif len(name) > ApiToken._meta.get_field("name").max_length:
        errors["name"] = _("Use at most 100 characters.")
    if not 1 <= days <= settings.API_TOKEN_DAYS:
        errors["days"] = _("A token lasts from 1 to %(days)d days.") % {
            "days": settings.API_TOKEN_DAYS}
    if not user.is_active:
        errors["user"] = _("This account is not active.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # The user's row is locked, so that two requests at once cannot pass the limit together.
        User.objects.select_for_update().filter(pk=user.pk).first()
        if tokens_of(user).filter(expiry__gt=timezone.now()).count() >= MAX_TOKENS_PER_USER:
            raise ValidationError({"name": _(
                "You have %(count)d tokens that are still valid; revoke one first.") % {
                "count": MAX_TOKENS_PER_USER}})
        # auditlog's signal logs the creation (name, user, expiry; never the key).
        return ApiToken.objects.create(user=user, name=name,
                                       expiry=datetime.timedelta(days=days))


def revoke_token(token: ApiToken) -> None:
    """Revoke: the token is deleted and answers 401 from now on; auditlog's signal logs who."""
    token.delete()


def record_use(token: ApiToken, address: str | None) -> None:
    """Note that ``token`` was used just now from ``address``: the last use (written at most once
    a minute) and, the first time the token is used from that address, an audit entry."""
    now = timezone.now()
    new_address = bool(address) and address not in token.addresses
    recent = token.last_used_at and now - token.last_used_at < LAST_USED_PRECISION
    if not new_address and recent and token.last_used_from == (address or None):
        return
    previous = token.last_used_from
    changes = {"last_used_at": now, "last_used_from": address or None}
    if new_address:
        changes["addresses"] = [*token.addresses, address][-MAX_ADDRESSES:]
    # A plain update: no auditlog signal for a use, and no lost update of another field.
    ApiToken.objects.filter(pk=token.pk).update(**changes)
    for field, value in changes.items():
        setattr(token, field, value)
    if new_address:
        audit.record_changed(token, user=token.user,
                             changes={"last_used_from": (previous or "", address)})

