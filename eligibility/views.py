from dataclasses import dataclass

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.utils import timezone

from eligibility import explain, rules, services
from eligibility.forms import FROM_CHECK, CheckForm


@dataclass(frozen=True)
class NextStep:
    """A page that takes over a check's household and incomes, offered under the outcome to
    whoever holds ``permission``: the referral form ("Refer this family"). The app that owns
    the page registers it at start-up (``add_next_step``), so that eligibility imports none."""

    url_name: str
    permission: str
    label: str


NEXT_STEPS: dict[str, NextStep] = {}


def add_next_step(step: NextStep) -> None:
    NEXT_STEPS[step.url_name] = step


@login_required
@permission_required("eligibility.check_eligibility", raise_exception=True)
def check(request):
    """Try the check by hand; nothing is stored."""
    form = CheckForm(request.POST or None)
    decision = None
    reference_date = timezone.localdate()
    if request.method == "POST" and form.is_valid():
        reference_date = form.chosen_date()
        try:
            decision = services.check_eligibility(
                household=form.household(), incomes=form.incomes(),
                reference_date=reference_date,
            )
        except rules.EligibilityError as error:
            form.add_error(form.field_for(error), explain.error_text(error))
    # The income fields are grouped by what counts under the policy of the chosen date.
    policy = services.policy_in_force(reference_date)
    return render(request, "eligibility/check.html", {
        "form": form,
        "decision": decision,
        "next_steps": [step for step in NEXT_STEPS.values()
                       if request.user.has_perm(step.permission)] if decision else [],
        "from_check": FROM_CHECK,
        "explanation": [explain.text(m) for m in decision.explanation] if decision else [],
        "warnings": [explain.text(m) for m in decision.warnings] if decision else [],
        "counted_fields": form.amount_fields(True, policy.counted_kinds),
        "excluded_fields": form.amount_fields(False, policy.counted_kinds),
    })
