"""Readable text, in the user's language, for the message codes of ``eligibility.rules``."""

import functools
from datetime import date
from decimal import Decimal

from django.utils import formats
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from eligibility import rules
from eligibility.models import Category

PERSONS = {"applicant": gettext_lazy("applicant"), "partner": gettext_lazy("partner")}

TEXTS = {
    "category": gettext_lazy("Household: %(category)s."),
    "single_parent_couple_percentage": gettext_lazy(
        "For a single parent the norm is %(percent)s%% of the couple norm of € %(couple_norm)s."
    ),
    "norm": gettext_lazy(
        "The monthly social-minimum norm is € %(norm)s, %(holiday)s (norms from %(valid_from)s)."
    ),
    "threshold": gettext_lazy(
        "The limit is %(threshold_percent)s%% of the norm: € %(threshold)s a month."
    ),
    "income": gettext_lazy(
        "Income that counts: € %(counted_income)s a month. Not counted (such as child benefit "
        "and allowances): € %(excluded_income)s."
    ),
    "outcome_eligible": gettext_lazy(
        "€ %(counted_income)s is at or below the limit of € %(threshold)s (%(percent_of_norm)s%% "
        "of the norm): the family qualifies for a start-kit."
    ),
    "outcome_not_eligible": gettext_lazy(
        "€ %(counted_income)s is above the limit of € %(threshold)s (%(percent_of_norm)s%% of "
        "the norm): the family does not qualify."
    ),
    "outcome_manual_review": gettext_lazy(
        "The %(person)s is %(age)s years old; below 18 no norm applies, so a coordinator will "
        "assess this referral."
    ),
    "stale_norms": gettext_lazy(
        "The norms used are from %(valid_from)s, %(months)s months ago: newer norms may apply. "
        "Ask a coordinator to add the current norm table."
    ),
    "uncertain_norms": gettext_lazy(
        "The norms from %(valid_from)s are not yet confirmed by an official source; the outcome "
        "may change when they are."
    ),
    "newest_norms_stale": gettext_lazy(
        "The newest norm table is from %(valid_from)s, %(months)s months ago. Norms change every "
        "1 January and 1 July: add the current table under Norm tables."
    ),
    "no_norm_tables": gettext_lazy(
        "There are no norm tables: no family can be checked. Run install_defaults or import a "
        "norm table."
    ),
    "manual_review_age": gettext_lazy(
        "The %(person)s is under 18: a coordinator must assess this referral."
    ),
}


# Bad input found by the rules. The rules' own messages are English for developers; users get these.
ERROR_TEXTS = {
    "invalid_age": gettext_lazy("Fill in an age in whole years."),
    "required": gettext_lazy("Fill in the partner's age."),
    "partner_age_without_partner": gettext_lazy(
        "A partner's age was given, but the household has no partner."
    ),
    "invalid_children": gettext_lazy("Fill in the number of children living at home."),
    "unknown_kind": gettext_lazy("Unknown kind of income."),
    "invalid_amount": gettext_lazy("Fill in an amount."),
    "negative_amount": gettext_lazy("An amount cannot be negative."),
    "too_many_decimals": gettext_lazy("Use at most 2 decimals."),
    "no_norm_table": gettext_lazy(
        "There are no norms for this date; the first norm table starts later."
    ),
    "reference_date_too_late": gettext_lazy(
        "Choose a reference date at most five years ahead: later norms are not known."
    ),
    "norm_missing": gettext_lazy(
        "The norm table in force on this date has no norm for this household."
    ),
}


def error_text(error: rules.EligibilityError) -> str:
    return str(ERROR_TEXTS.get(error.code, error.message))


def _display(key: str, value):
    if key == "category":
        return Category(value).label
    if key == "person":
        return PERSONS.get(value, value)
    if isinstance(value, Decimal):
        places = 1 if key in {"percent_of_norm"} else 2
        if key in {"percent", "threshold_percent"}:
            return formats.number_format(value.normalize(), use_l10n=True)
        return formats.number_format(value, places, use_l10n=True, force_grouping=True)
    if isinstance(value, date):
        return formats.date_format(value, "DATE_FORMAT")
    return value


def text(message: rules.Message) -> str:
    # Remembered: the lines about the household, the norm and the limit read the same for
    # every family checked against one norm table, and a page of 50 referrals writes 350 lines
    # (formatting the amounts and dates was a fifth of answering it).
    params = tuple(message.params.items())
    try:
        hash(params)
    except TypeError:  # a value no version writes, from a stored decision: shown, not kept
        return _text(message)
    return _remembered_text(get_language(), message.code, params)


@functools.lru_cache(maxsize=4096)
def _remembered_text(_language: str | None, code: str, params: tuple) -> str:
    return _text(rules.Message(code, dict(params)))


def _text(message: rules.Message) -> str:
    if message.code not in TEXTS:
        # A stored decision may hold a code a later version no longer knows: show what there
        # is rather than fail the referral's page.
        return _("(explanation %(code)s no longer available)") % {"code": message.code}
    params = {key: _display(key, value) for key, value in message.params.items()}
    if message.code == "norm":
        params["holiday"] = (
            _("including holiday allowance")
            if message.params["includes_holiday_allowance"]
            else _("excluding holiday allowance")
        )
    return str(TEXTS[message.code]) % params
