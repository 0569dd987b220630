"""A decision as JSON, to store with a referral and show later exactly as it was made.

Money and dates keep their types through a small tag (``{"$decimal": "1331.43"}``), so the stored
explanation is rendered in the reader's language with the same figures the nurse saw.
"""

from datetime import date
from decimal import Decimal

from eligibility import rules

VERSION = 1


def _encode(value):
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    return value


def _decode(value):
    if isinstance(value, dict) and "$decimal" in value:
        return Decimal(value["$decimal"])
    if isinstance(value, dict) and "$date" in value:
        return date.fromisoformat(value["$date"])
    return value


def _messages(messages) -> list[dict]:
    return [
        {"code": m.code, "params": {key: _encode(v) for key, v in m.params.items()}}
        for m in messages
    ]


def _unmessages(items) -> tuple[rules.Message, ...]:
    return tuple(
        rules.Message(item["code"], {key: _decode(v) for key, v in item["params"].items()})
        for item in items
    )


def to_snapshot(decision: rules.Decision) -> dict:
    return {
        "version": VERSION,
        "outcome": decision.outcome.value,
        "category": decision.category.value if decision.category else None,
        "norm": _encode(decision.norm),
        "threshold_percent": _encode(decision.threshold_percent),
        "threshold": _encode(decision.threshold),
        "counted_income": _encode(decision.counted_income),
        "excluded_income": _encode(decision.excluded_income),
        "percent_of_norm": _encode(decision.percent_of_norm),
        "norm_valid_from": _encode(decision.norm_valid_from),
        "norm_status": decision.norm_status.value,
        "includes_holiday_allowance": decision.includes_holiday_allowance,
        "warnings": _messages(decision.warnings),
        "explanation": _messages(decision.explanation),
    }


def from_snapshot(data: dict) -> rules.Decision:
    return rules.Decision(
        outcome=rules.Outcome(data["outcome"]),
        category=rules.Category(data["category"]) if data["category"] else None,
        norm=_decode(data["norm"]),
        threshold_percent=_decode(data["threshold_percent"]),
        threshold=_decode(data["threshold"]),
        counted_income=_decode(data["counted_income"]),
        excluded_income=_decode(data["excluded_income"]),
        percent_of_norm=_decode(data["percent_of_norm"]),
        norm_valid_from=_decode(data["norm_valid_from"]),
        norm_status=rules.NormStatus(data["norm_status"]),
        includes_holiday_allowance=data["includes_holiday_allowance"],
        warnings=_unmessages(data["warnings"]),
        explanation=_unmessages(data["explanation"]),
    )


# What a check was made with: the household and the incomes, stored beside the decision. One
# version number covers both (the incomes are a plain list); rows stored before the number was
# written are version 1 too.
INPUTS_VERSION = 1


def household_to_json(household: rules.Household) -> dict:
    return {
        "version": INPUTS_VERSION,
        "applicant_age": household.applicant_age,
        "has_partner": household.has_partner,
        "partner_age": household.partner_age,
        "children": household.children,
    }


def household_from_json(data: dict) -> rules.Household:
    """The stored household; an anonymised one has no ages (None)."""
    return rules.Household(
        applicant_age=data.get("applicant_age"),
        has_partner=bool(data.get("has_partner")),
        partner_age=data.get("partner_age"),
        children=data.get("children", 0),
    )


def household_without_ages(data: dict) -> dict:
    """The household's composition only: one or two parents, how many children (what an
    anonymised referral keeps)."""
    household = household_from_json(data)
    return household_to_json(rules.Household(applicant_age=None, has_partner=household.has_partner,
                                              partner_age=None, children=household.children))


def incomes_to_json(incomes) -> list[dict]:
    return [{"kind": str(income.kind), "amount": f"{Decimal(income.amount):.2f}"}
            for income in incomes]


def incomes_from_json(data: list) -> tuple[rules.Income, ...]:
    return tuple(rules.Income(kind=item["kind"], amount=Decimal(item["amount"]))
                 for item in data)

