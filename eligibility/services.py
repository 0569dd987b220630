"""Running the eligibility check against the norms and policy stored in the database."""

import dataclasses
import datetime
from collections.abc import Sequence
from typing import NamedTuple

from django.utils import timezone

from eligibility import rules
from eligibility.models import FollowUpDecision, NormTable, Policy
from startpakket import reference_data

# Norms for later years are not known: a date further ahead is a typo (such as 9999).
MAX_YEARS_AHEAD = 5


# The norm tables and policies are read by every check and change a few times a year: kept in
# each process (``startpakket.reference_data``; apps.py names the models that drop them).


def _norm_tables() -> tuple[rules.NormTable, ...]:
    """Every stored norm table, newest first."""
    tables = NormTable.objects.order_by("-valid_from").prefetch_related("rows")
    return tuple(rules.NormTable(
        valid_from=table.valid_from,
        rows={rules.Category(row.category): row.as_rule() for row in table.rows.all()},
    ) for table in tables)


def norm_table_in_force(on: datetime.date) -> rules.NormTable | None:
    tables = reference_data.kept("eligibility.norm_tables", _norm_tables)
    return next((table for table in tables if table.valid_from <= on), None)


@dataclasses.dataclass(frozen=True)
class FollowUpPolicy:
    """The policy's part about follow-up kits (DESIGN §4): carry the first kit's decision over
    while it is younger than ``carry_over_months``, or always check again."""

    decision: str = FollowUpDecision.CARRY_OVER
    carry_over_months: int = 9


class _KeptPolicy(NamedTuple):
    valid_from: datetime.date
    rule: rules.Policy
    follow_up: FollowUpPolicy


def _policies() -> tuple[_KeptPolicy, ...]:
    """Every stored policy, newest first, as the check and the follow-up kits read it."""
    return tuple(
        _KeptPolicy(policy.valid_from, policy.as_rule(),
                    FollowUpPolicy(decision=policy.follow_up_decision,
                                   carry_over_months=policy.carry_over_months))
        for policy in Policy.objects.order_by("-valid_from"))


def _policy_in_force(on: datetime.date) -> _KeptPolicy | None:
    policies = reference_data.kept("eligibility.policies", _policies)
    return next((policy for policy in policies if policy.valid_from <= on), None)


def policy_in_force(on: datetime.date) -> rules.Policy:
    """The policy with the latest ``valid_from`` on or before the date; the design's defaults
    when none is stored (a fresh installation before ``install_defaults``)."""
    policy = _policy_in_force(on)
    return policy.rule if policy else rules.Policy()


def follow_up_policy_in_force(on: datetime.date) -> FollowUpPolicy:
    """As ``policy_in_force``: the defaults when no policy is stored."""
    policy = _policy_in_force(on)
    return policy.follow_up if policy else FollowUpPolicy()


def check_eligibility(
    *,
    household: rules.Household,
    incomes: Sequence[rules.Income],
    reference_date: datetime.date | None = None,
) -> rules.Decision:
    """Decide with the norms and policy in force on ``reference_date`` (default: today).

    Raises ``rules.EligibilityError`` for bad input, a date before the first norm table or one
    more than ``MAX_YEARS_AHEAD`` years from today.
    """
    today = timezone.localdate()
    reference_date = reference_date or today
    if reference_date.year > today.year + MAX_YEARS_AHEAD:
        raise rules.EligibilityError(
            "reference_date", "reference_date_too_late",
            f"The reference date can be at most {MAX_YEARS_AHEAD} years ahead.",
        )
    table = norm_table_in_force(reference_date)
    return rules.check(
        household,
        incomes,
        reference_date,
        policy_in_force(reference_date),
        [table] if table else [],
    )


def newest_norm_table_warning(today: datetime.date | None = None) -> rules.Message | None:
    """For coordinators: the newest norm table is older than the stale limit, or missing."""
    today = today or timezone.localdate()
    newest = NormTable.objects.order_by("-valid_from").values_list("valid_from", flat=True).first()
    if newest is None:
        return rules.Message("no_norm_tables", {})
    stale = rules.stale_norms_warning(newest, today)
    return rules.Message("newest_norms_stale", stale.params) if stale else None
