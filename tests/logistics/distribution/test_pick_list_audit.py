"""Making a pick list changes its kits' statuses in bulk (``workflow.change_statuses``: a fixed
number of queries however many kits) and still leaves the audit trail auditlog's own signals
would have written, one kit at a time: an update of each referral and the creation of each
history row, with the same diff and actor."""

from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.db import transaction

from logistics.distribution import services as distribution
from logistics.models import Referral, ReferralStatus, ReferralStatusChange
from logistics.referrals.workflow import change_status
from tests.helpers import approved_kits

UPDATE, CREATE = LogEntry.Action.UPDATE, LogEntry.Action.CREATE


def _trail(referral: Referral) -> dict:
    """What the log says about scheduling ``referral``: its update and its history row's
    creation, without what differs between any two kits (ids, times)."""
    [update] = [entry for entry in LogEntry.objects.get_for_object(referral).filter(action=UPDATE)
                if entry.changes.get("status", [None, None])[1] == "scheduled"]
    change = referral.history.get(to_status=ReferralStatus.SCHEDULED)
    created = LogEntry.objects.get_for_object(change).get(action=CREATE)
    return {
        "update": (update.actor_id, update.object_repr == referral.code, update.changes),
        "created": (created.actor_id, sorted(created.changes),
                    {key: created.changes[key] for key in ("from_status", "to_status", "by")}),
    }


def test_a_new_lists_kits_leave_the_trail_one_change_at_a_time_leaves(
        warehouse, warehouse_user, coordinator, referrer):
    by_hand, *on_list = approved_kits(warehouse, coordinator, referrer, 4)
    # auditlog's signals, with the actor a request would give them.
    with set_actor(warehouse_user), transaction.atomic():
        change_status(Referral.objects.get(pk=by_hand.pk), ReferralStatus.SCHEDULED,
                      warehouse_user)
    made = distribution.create_pick_list(warehouse=warehouse, user=warehouse_user,
                                         max_packages=3)

    assert {entry.referral_id for entry in made.entries.all()} == {r.pk for r in on_list}
    expected = _trail(by_hand)
    assert expected["update"][0] == warehouse_user.pk
    assert expected["update"][2] == {"status": ["approved", "scheduled"]}
    for referral in on_list:
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.SCHEDULED
        assert _trail(referral) == expected
    assert ReferralStatusChange.objects.filter(
        referral__in=on_list, to_status=ReferralStatus.SCHEDULED, from_status="approved",
        by=warehouse_user).count() == 3
