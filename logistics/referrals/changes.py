"""Who else keeps something that follows the referrals: the statistics keep their counts per
month (``logistics.statistics.tally``), a slice the referrals may not import (DESIGN §2). It
hands over what it does at start (``logistics.apps``: ``when_changed(...)``); every service
that changes referrals calls ``changed(referral_ids)`` in the transaction that changed them,
after the change, and the service that makes one calls ``made(...)`` instead.

"Changed": made, a new status (with its history row), another municipality, kit type, method,
or delivery day; what is packed for it (its reservation's issues) changes only with a status.
A listener is called with the ids, reads the referrals as they now are, and must not mind being
called for a referral that did not change. One that also takes new referrals as they are in
memory (``made``) saves reading back what was just written: a referral is made far more often
than anything else happens to it."""

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from logistics.models import Referral, ReferralStatusChange

Listener = Callable[[list[int]], None]
# New referrals, each with its whole history (the rows just created).
New = list[tuple["Referral", list["ReferralStatusChange"]]]
MadeListener = Callable[[New], None]
_listeners: dict[str, tuple[Listener, MadeListener | None]] = {}


def when_changed(name: str, listener: Listener, *, made: MadeListener | None = None) -> None:
    """Call ``listener(referral_ids)`` after every change, and ``made(new)`` (if given, else
    ``listener``) for new referrals; registering a name again replaces its listeners."""
    _listeners[name] = (listener, made)


def changed(referral_ids: Iterable[int]) -> None:
    referral_ids = list(referral_ids)
    if referral_ids:
        for listener, _made in _listeners.values():
            listener(referral_ids)


def made(new: New) -> None:
    """Referrals just created, with the history rows created with them."""
    if new:
        for listener, made_listener in _listeners.values():
            if made_listener is None:
                listener([referral.pk for referral, _history in new])
            else:
                made_listener(new)
