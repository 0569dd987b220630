"""The eligibility check (DESIGN §3) as a pure function: dataclasses in, a ``Decision`` out.

No Django here on purpose: the service loads norms and policy, calls ``check`` and stores the
decision as a snapshot, so the rules can be tested exhaustively without a database.

Messages are codes with plain params (Decimal, date, str, int, bool); the Django side turns them
into Dutch/English text. Every code and its params:

Warnings
  ``stale_norms``        valid_from (date), months (int: whole calendar months since valid_from);
                         the reference date is more than STALE_AFTER_MONTHS months after valid_from
  ``uncertain_norms``    valid_from (date); the row used is marked uncertain (for a manual
                         review, which uses no row: any row of the table is uncertain)
  ``manual_review_age``  person ("applicant" or "partner"), age (int); someone is under 18,
                         a coordinator must look at the referral

Explanation, in this order
  ``category``           category (str, a Category value)
  ``single_parent_couple_percentage``
                         couple_category (str), couple_norm (Decimal), percent (Decimal)
  ``norm``               norm (Decimal), valid_from (date), includes_holiday_allowance (bool)
  ``threshold``          threshold_percent (Decimal), threshold (Decimal)
  ``income``             counted_income (Decimal), excluded_income (Decimal)
  ``outcome_eligible`` / ``outcome_not_eligible``
                         counted_income, threshold, percent_of_norm (Decimal)
  ``outcome_manual_review``
                         person (str), age (int)
A manual review explains only ``income`` and ``outcome_manual_review``.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

AOW_AGE = 67
ADULT_AGE = 18
YOUTH_END_AGE = 21  # 18, 19 and 20 get the youth norms
MAX_AGE = 130
STALE_AFTER_MONTHS = 7
# A household has a handful of incomes; the API refuses more (a check's cost grows with them).
MAX_INCOMES = 20


class Category(StrEnum):
    SINGLE_21_AOW = "single_21_aow"
    COUPLE_21_AOW = "couple_21_aow"
    SINGLE_AOW = "single_aow"
    COUPLE_AOW = "couple_aow"
    SINGLE_18_20 = "single_18_20"
    COUPLE_18_20 = "couple_18_20"
    COUPLE_18_20_CHILDREN = "couple_18_20_children"
    COUPLE_18_20_AND_21PLUS = "couple_18_20_and_21plus"
    COUPLE_18_20_AND_21PLUS_CHILDREN = "couple_18_20_and_21plus_children"


class Outcome(StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    MANUAL_REVIEW = "manual_review"


class NormStatus(StrEnum):
    PUBLISHED = "published"
    UNCERTAIN = "uncertain"


class YouthNorms(StrEnum):
    BY_LAW = "by_law"
    AS_ADULT = "as_adult"


class SingleParentBasis(StrEnum):
    SINGLE_NORM = "single_norm"
    COUPLE_PERCENTAGE = "couple_percentage"


class IncomeKind(StrEnum):
    """The kinds of income a check knows (DESIGN §3.2); the policy says which of them count."""

    WAGES = "wages"
    BENEFIT = "benefit"
    SELF_EMPLOYMENT = "self_employment"
    PARTNER_ALIMONY = "partner_alimony"
    CHILD_ALIMONY = "child_alimony"
    STUDENT_FINANCE = "student_finance"
    OTHER = "other"
    CHILD_BENEFIT = "child_benefit"
    CHILD_BUDGET = "child_budget"
    HEALTHCARE_ALLOWANCE = "healthcare_allowance"
    RENT_ALLOWANCE = "rent_allowance"
    CHILDCARE_ALLOWANCE = "childcare_allowance"


INCOME_KINDS: tuple[str, ...] = tuple(IncomeKind)
# Counted unless the policy says otherwise; the allowances and child benefit are not.
DEFAULT_COUNTED_KINDS: frozenset[str] = frozenset({
    IncomeKind.WAGES, IncomeKind.BENEFIT, IncomeKind.SELF_EMPLOYMENT,
    IncomeKind.PARTNER_ALIMONY, IncomeKind.CHILD_ALIMONY, IncomeKind.STUDENT_FINANCE,
    IncomeKind.OTHER,
})

# A single parent on the couple-percentage basis gets a share of the couple norm of the same band.
COUPLE_OF_SINGLE = {
    Category.SINGLE_21_AOW: Category.COUPLE_21_AOW,
    Category.SINGLE_AOW: Category.COUPLE_AOW,
    Category.SINGLE_18_20: Category.COUPLE_18_20_CHILDREN,
}

CENT = Decimal("0.01")


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    """Commercial rounding, as the norm tables do; Python's default would round half to even."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def derive_excl(incl: Decimal) -> Decimal:
    """The norm without holiday allowance when only the amount with it is published."""
    return round_half_up(incl * Decimal("0.95"), 2)


def derive_incl(excl: Decimal) -> Decimal:
    """The norm with holiday allowance when only the amount without it is published."""
    return round_half_up(excl / Decimal("0.95"), 2)


@dataclass(frozen=True)
class Household:
    applicant_age: int
    has_partner: bool = False
    partner_age: int | None = None
    children: int = 0  # already living in the household; the expected baby does not count


@dataclass(frozen=True)
class Income:
    kind: str
    amount: Decimal  # monthly net


@dataclass(frozen=True)
class NormRow:
    category: Category
    amount_incl: Decimal
    amount_excl: Decimal
    status: NormStatus = NormStatus.PUBLISHED


@dataclass(frozen=True)
class NormTable:
    valid_from: date
    rows: Mapping[Category, NormRow]

    @property
    def status(self) -> NormStatus:
        """One doubtful figure makes the whole table doubtful to the coordinator."""
        uncertain = any(row.status == NormStatus.UNCERTAIN for row in self.rows.values())
        return NormStatus.UNCERTAIN if uncertain else NormStatus.PUBLISHED


@dataclass(frozen=True)
class Policy:
    threshold_percent: Decimal = Decimal("130")
    include_holiday_allowance: bool = False
    youth_norms: YouthNorms = YouthNorms.BY_LAW
    single_parent_basis: SingleParentBasis = SingleParentBasis.SINGLE_NORM
    single_parent_couple_percent: Decimal = Decimal("90")
    counted_kinds: frozenset[str] = DEFAULT_COUNTED_KINDS


@dataclass(frozen=True)
class Message:
    code: str
    params: Mapping[str, object]


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    category: Category | None
    norm: Decimal | None
    threshold_percent: Decimal
    threshold: Decimal | None
    counted_income: Decimal
    excluded_income: Decimal
    percent_of_norm: Decimal | None
    norm_valid_from: date
    norm_status: NormStatus
    includes_holiday_allowance: bool
    warnings: tuple[Message, ...]
    explanation: tuple[Message, ...]

    @property
    def eligible(self) -> bool | None:
        """None for a manual review: neither a yes nor a no until a coordinator decides."""
        if self.outcome == Outcome.MANUAL_REVIEW:
            return None
        return self.outcome == Outcome.ELIGIBLE


class EligibilityError(ValueError):
    """Bad input; ``field`` is a dotted path so the API can point at the form field."""

    def __init__(self, field: str, code: str, message: str):
        super().__init__(message)
        self.field = field
        self.code = code
        self.message = message


def _validate_age(age: object, field: str) -> None:
    if not isinstance(age, int) or isinstance(age, bool) or not 0 <= age <= MAX_AGE:
        raise EligibilityError(field, "invalid_age", f"Age must be a whole number 0..{MAX_AGE}.")


def _validate(household: Household, incomes: Sequence[Income], policy: Policy) -> None:
    _validate_age(household.applicant_age, "household.applicant_age")
    if household.has_partner:
        if household.partner_age is None:
            raise EligibilityError("household.partner_age", "required", "Partner age missing.")
        _validate_age(household.partner_age, "household.partner_age")
    elif household.partner_age is not None:
        raise EligibilityError(
            "household.partner_age", "partner_age_without_partner", "No partner, but an age.")
    children = household.children
    if not isinstance(children, int) or isinstance(children, bool) or children < 0:
        raise EligibilityError("household.children", "invalid_children", "Children must be >= 0.")
    for i, income in enumerate(incomes):
        _validate_amount(income, f"incomes.{i}")
    for field in ("threshold_percent", "single_parent_couple_percent"):
        value = getattr(policy, field)
        if not isinstance(value, Decimal) or not value.is_finite() or value <= 0:
            raise EligibilityError(f"policy.{field}", "invalid_percent", "Must be above zero.")
    if not policy.counted_kinds <= set(INCOME_KINDS):
        raise EligibilityError("policy.counted_kinds", "unknown_kind", "Unknown income kind.")


def _validate_amount(income: Income, path: str) -> None:
    if income.kind not in INCOME_KINDS:
        raise EligibilityError(f"{path}.kind", "unknown_kind", f"Unknown kind {income.kind!r}.")
    amount = income.amount
    # Floats would bring binary rounding into money; the caller converts, we refuse.
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise EligibilityError(f"{path}.amount", "invalid_amount", "Amount must be a Decimal.")
    if amount < 0:
        raise EligibilityError(f"{path}.amount", "negative_amount", "Amount must be >= 0.")
    if amount != amount.quantize(CENT):
        raise EligibilityError(f"{path}.amount", "too_many_decimals", "At most 2 decimals.")


def select_table(norms: Sequence[NormTable], reference_date: date) -> NormTable:
    """The table in force: the latest valid_from on or before the reference date."""
    in_force = [table for table in norms if table.valid_from <= reference_date]
    if not in_force:
        raise EligibilityError(
            "reference_date", "no_norm_table", f"No norm table in force on {reference_date}.")
    return max(in_force, key=lambda table: table.valid_from)


def _under_age(household: Household) -> tuple[str, int] | None:
    if household.applicant_age < ADULT_AGE:
        return "applicant", household.applicant_age
    if household.has_partner and household.partner_age < ADULT_AGE:
        return "partner", household.partner_age
    return None


def categorise(household: Household, youth_norms: YouthNorms) -> Category:
    """The norm category of a household in which everyone is 18 or older."""
    def is_youth(age: int) -> bool:
        return youth_norms == YouthNorms.BY_LAW and age < YOUTH_END_AGE

    ages = [household.applicant_age]
    if household.has_partner:
        ages.append(household.partner_age)
    if len(ages) == 1:
        if ages[0] >= AOW_AGE:
            return Category.SINGLE_AOW
        return Category.SINGLE_18_20 if is_youth(ages[0]) else Category.SINGLE_21_AOW
    if max(ages) >= AOW_AGE:
        return Category.COUPLE_AOW
    youths = sum(is_youth(age) for age in ages)
    children = household.children > 0
    if youths == 0:
        return Category.COUPLE_21_AOW
    if youths == 2:
        return Category.COUPLE_18_20_CHILDREN if children else Category.COUPLE_18_20
    if children:
        return Category.COUPLE_18_20_AND_21PLUS_CHILDREN
    return Category.COUPLE_18_20_AND_21PLUS


def _row(table: NormTable, category: Category) -> NormRow:
    """The row for the category; a missing or zero norm cannot be compared against."""
    row = table.rows.get(category)
    if row is None or not (row.amount_incl > 0 and row.amount_excl > 0):
        raise EligibilityError(
            "reference_date", "norm_missing",
            f"The table of {table.valid_from} has no norm for {category}.")
    return row


def _amount(row: NormRow, policy: Policy) -> Decimal:
    return row.amount_incl if policy.include_holiday_allowance else row.amount_excl


def _add_months(day: date, months: int) -> date:
    """Same day n months later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    # December 9999 has no next month to count back from; every December has 31 days.
    last_day = 31 if month == 12 else (date(year, month + 1, 1) - date(year, month, 1)).days
    return date(year, month, min(day.day, last_day))


def _whole_months(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if _add_months(start, months) > end else months


def stale_norms_warning(valid_from: date, reference_date: date) -> Message | None:
    """Norms change every January and July; older than 7 months means a table was not added."""
    if reference_date <= _add_months(valid_from, STALE_AFTER_MONTHS):
        return None
    months = _whole_months(valid_from, reference_date)
    return Message("stale_norms", {"valid_from": valid_from, "months": months})


def _sum_incomes(incomes: Sequence[Income], counted: frozenset[str]) -> tuple[Decimal, Decimal]:
    """Counted and excluded income; excluded kinds are shown so the nurse sees nothing is lost."""
    def total(wanted: bool) -> Decimal:
        return round_half_up(sum((i.amount for i in incomes if (i.kind in counted) == wanted),
                                 Decimal(0)))
    return total(True), total(False)


def _norm(table: NormTable, category: Category, household: Household,
          policy: Policy) -> tuple[Decimal, NormRow, list[Message]]:
    """The norm to compare with, the row it came from, and how it was found if not plainly."""
    single_parent = not household.has_partner and household.children > 0
    if not single_parent or policy.single_parent_basis == SingleParentBasis.SINGLE_NORM:
        row = _row(table, category)
        return round_half_up(_amount(row, policy)), row, []
    row = _row(table, COUPLE_OF_SINGLE[category])
    couple_norm = round_half_up(_amount(row, policy))
    percent = policy.single_parent_couple_percent
    message = Message("single_parent_couple_percentage", {
        "couple_category": row.category.value, "couple_norm": couple_norm, "percent": percent})
    return round_half_up(couple_norm * percent / 100), row, [message]


def check(
    household: Household,
    incomes: Sequence[Income],
    reference_date: date,
    policy: Policy,
    norms: Sequence[NormTable],
) -> Decision:
    """Decide whether the household is at or below the policy's percentage of its norm."""
    _validate(household, incomes, policy)
    table = select_table(norms, reference_date)
    counted, excluded = _sum_incomes(incomes, policy.counted_kinds)
    stale = stale_norms_warning(table.valid_from, reference_date)
    warnings = [stale] if stale else []
    income = Message("income", {"counted_income": counted, "excluded_income": excluded})
    decision = Decision(
        outcome=Outcome.MANUAL_REVIEW, category=None, norm=None,
        threshold_percent=policy.threshold_percent, threshold=None,
        counted_income=counted, excluded_income=excluded, percent_of_norm=None,
        norm_valid_from=table.valid_from, norm_status=table.status,
        includes_holiday_allowance=policy.include_holiday_allowance,
        warnings=(), explanation=(),
    )
    uncertain = Message("uncertain_norms", {"valid_from": table.valid_from})

    under_age = _under_age(household)
    if under_age is not None:
        # No norm applies under 18: never a silent yes or no, a coordinator decides.
        who = {"person": under_age[0], "age": under_age[1]}
        if table.status == NormStatus.UNCERTAIN:
            warnings.append(uncertain)
        warnings.append(Message("manual_review_age", who))
        return replace(decision, warnings=tuple(warnings),
                       explanation=(income, Message("outcome_manual_review", who)))

    category = categorise(household, policy.youth_norms)
    norm, row, how = _norm(table, category, household, policy)
    if row.status == NormStatus.UNCERTAIN:
        warnings.append(uncertain)
    threshold = round_half_up(norm * policy.threshold_percent / 100)
    percent_of_norm = round_half_up(counted / norm * 100, 1)
    outcome = Outcome.ELIGIBLE if counted <= threshold else Outcome.NOT_ELIGIBLE  # "op of onder"
    explanation = (
        Message("category", {"category": category.value}),
        *how,
        Message("norm", {"norm": norm, "valid_from": table.valid_from,
                         "includes_holiday_allowance": policy.include_holiday_allowance}),
        Message("threshold", {"threshold_percent": policy.threshold_percent,
                              "threshold": threshold}),
        income,
        Message(f"outcome_{outcome.value}", {"counted_income": counted, "threshold": threshold,
                                             "percent_of_norm": percent_of_norm}),
    )
    return replace(decision, outcome=outcome, category=category, norm=norm, threshold=threshold,
                   percent_of_norm=percent_of_norm, warnings=tuple(warnings),
                   explanation=explanation)
