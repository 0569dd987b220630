"""The number in the menu's badge (``templates/base.html``): how many referrals wait for the
nurse's answer. Named in the settings' context processors, as ``eligibility``'s norm banner is."""

import functools

from logistics.referrals import selectors
from startpakket.roles import Role


def answers_waiting(request):
    """For a referrer only. Counted when a page's menu asks for it, once: one query, and none on
    a page without the menu."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated and user.has_role(Role.REFERRER)):
        return {}
    return {"answers_waiting": functools.cache(
        lambda: selectors.waiting_for_answer(user).count())}
