"""Who else keeps something that follows the referrals: the statistics keep their counts per
month (``logistics.statistics.tally``), a slice the referrals may not import (DESIGN §2). It
hands over what it does at start (``logistics.apps``: ``when_changed(tally.recount)``); every
service that changes referrals calls ``changed(referral_ids)`` in the transaction that changed
them, after the change.

"Changed": made, a new status (with its history row), another municipality, kit type, method,
or delivery day; what is packed for it (its reservation's issues) changes only with a status.
A listener is called with the ids, reads the referrals as they now are, and must not mind being
called for a referral that did not change."""

from collections.abc import Callable, Iterable

Listener = Callable[[list[int]], None]
_listeners: dict[str, Listener] = {}


def when_changed(name: str, listener: Listener) -> None:
    """Call ``listener(referral_ids)`` after every change; registering a name again replaces
    its listener."""
    _listeners[name] = listener


def changed(referral_ids: Iterable[int]) -> None:
    referral_ids = list(referral_ids)
    if referral_ids:
        for listener in _listeners.values():
            listener(referral_ids)
