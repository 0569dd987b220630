"""The pure eligibility rules (DESIGN §3): no database, no Django."""

import ast
from dataclasses import FrozenInstanceError
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from eligibility import rules
from eligibility.rules import (
    DEFAULT_COUNTED_KINDS,
    INCOME_KINDS,
    Category,
    EligibilityError,
    Household,
    Income,
    NormRow,
    NormStatus,
    NormTable,
    Outcome,
    Policy,
    SingleParentBasis,
    YouthNorms,
    check,
    derive_excl,
    derive_incl,
    round_half_up,
)

D = Decimal

# Figures from shared/data/bijstandsnormen.csv, in the CSV's category order;
# (incl, excl) with None where the CSV leaves the amount to be derived.
CSV_ORDER = (
    Category.COUPLE_21_AOW, Category.SINGLE_21_AOW, Category.SINGLE_AOW, Category.COUPLE_AOW,
    Category.SINGLE_18_20, Category.COUPLE_18_20, Category.COUPLE_18_20_CHILDREN,
    Category.COUPLE_18_20_AND_21PLUS, Category.COUPLE_18_20_AND_21PLUS_CHILDREN,
)
CSV_FIGURES = {
    date(2024, 1, 1): [
        ("1834.04", "1742.34"), ("1283.83", "1219.64"), ("1425.76", "1354.47"),
        ("1932.32", "1835.70"), ("316.94", "301.09"), ("633.88", None), ("1000.69", None),
        ("1233.96", None), ("1600.77", None),
    ],
    date(2024, 7, 1): [
        ("1869.21", "1775.75"), ("1308.45", "1243.03"), ("1456.85", None),
        ("1976.64", "1877.81"), ("323.03", "306.88"), ("646.06", "613.76"),
        ("1019.90", "968.90"), ("1257.64", "1194.76"), ("1631.48", "1549.91"),
    ],
    date(2025, 1, 1): [
        ("1922.07", None), ("1345.45", None), ("1501.07", None), ("2053.48", None),
        ("332.17", None), ("664.34", None), ("1048.75", None), ("1293.21", None),
        ("1677.62", None),
    ],
    date(2025, 7, 1): [
        ("1955.80", "1858.01"), ("1369.06", "1300.61"), ("1530.21", "1453.70"),
        ("2094.98", "1990.23"), (None, "321.08"), (None, "642.16"), (None, "1013.76"),
        (None, "1250.09"), (None, "1621.69"),
    ],
    date(2026, 1, 1): [
        ("2002.13", None), ("1401.50", None), ("1564.69", None), ("2144.16", None),
        ("345.99", None), ("691.98", None), ("1092.41", None), ("1347.06", None),
        ("1747.49", None),
    ],
}
UNCERTAIN = {(date(2024, 1, 1), Category.COUPLE_AOW)} | {
    (date(2026, 1, 1), category) for category in CSV_ORDER
}


def csv_table(valid_from: date) -> NormTable:
    rows = {}
    for category, (incl, excl) in zip(CSV_ORDER, CSV_FIGURES[valid_from], strict=True):
        amount_incl = D(incl) if incl else derive_incl(D(excl))
        amount_excl = D(excl) if excl else derive_excl(D(incl))
        uncertain = (valid_from, category) in UNCERTAIN
        status = NormStatus.UNCERTAIN if uncertain else NormStatus.PUBLISHED
        rows[category] = NormRow(category, amount_incl, amount_excl, status)
    return NormTable(valid_from, rows)


# Deliberately unsorted: check() must not rely on the order.
NORMS = [csv_table(day) for day in (date(2025, 7, 1), date(2026, 1, 1), date(2024, 1, 1),
                                    date(2025, 1, 1), date(2024, 7, 1))]
MARCH_2026 = date(2026, 3, 1)
SINGLE_30 = Household(applicant_age=30)
SINGLE_PARENT_30 = Household(applicant_age=30, children=1)


def wages(amount: str) -> list[Income]:
    return [Income("wages", D(amount))]


DEFAULT_POLICY = Policy()


def run(household=SINGLE_30, incomes=(), reference_date=MARCH_2026, policy=DEFAULT_POLICY,
        norms=NORMS):
    return check(household, list(incomes), reference_date, policy, norms)


def codes(messages) -> list[str]:
    return [message.code for message in messages]


def params(messages, code: str) -> dict:
    return next(dict(message.params) for message in messages if message.code == code)


# --- categories -------------------------------------------------------------------------------

BY_LAW, AS_ADULT = YouthNorms.BY_LAW, YouthNorms.AS_ADULT


@pytest.mark.parametrize(
    ("applicant", "partner", "children", "youth", "expected"),
    [
        (30, None, 0, BY_LAW, Category.SINGLE_21_AOW),
        (30, None, 2, BY_LAW, Category.SINGLE_21_AOW),
        (21, None, 0, BY_LAW, Category.SINGLE_21_AOW),
        (20, None, 0, BY_LAW, Category.SINGLE_18_20),
        (18, None, 1, BY_LAW, Category.SINGLE_18_20),
        (66, None, 0, BY_LAW, Category.SINGLE_21_AOW),
        (67, None, 0, BY_LAW, Category.SINGLE_AOW),
        (95, None, 0, BY_LAW, Category.SINGLE_AOW),
        (20, None, 0, AS_ADULT, Category.SINGLE_21_AOW),
        (18, None, 1, AS_ADULT, Category.SINGLE_21_AOW),
        (67, None, 0, AS_ADULT, Category.SINGLE_AOW),
        (30, 30, 0, BY_LAW, Category.COUPLE_21_AOW),
        (21, 21, 3, BY_LAW, Category.COUPLE_21_AOW),
        (66, 66, 0, BY_LAW, Category.COUPLE_21_AOW),
        (67, 30, 0, BY_LAW, Category.COUPLE_AOW),
        (30, 67, 0, BY_LAW, Category.COUPLE_AOW),
        (20, 67, 1, BY_LAW, Category.COUPLE_AOW),
        (20, 20, 0, BY_LAW, Category.COUPLE_18_20),
        (18, 20, 1, BY_LAW, Category.COUPLE_18_20_CHILDREN),
        (20, 21, 0, BY_LAW, Category.COUPLE_18_20_AND_21PLUS),
        (45, 19, 0, BY_LAW, Category.COUPLE_18_20_AND_21PLUS),
        (21, 20, 2, BY_LAW, Category.COUPLE_18_20_AND_21PLUS_CHILDREN),
        (20, 20, 0, AS_ADULT, Category.COUPLE_21_AOW),
        (19, 30, 1, AS_ADULT, Category.COUPLE_21_AOW),
        (19, 67, 0, AS_ADULT, Category.COUPLE_AOW),
    ],
)
def test_category_and_its_norm(applicant, partner, children, youth, expected):
    household = Household(applicant, partner is not None, partner, children)
    decision = run(household, policy=Policy(youth_norms=youth))
    assert decision.category == expected
    assert decision.norm == csv_table(date(2026, 1, 1)).rows[expected].amount_excl
    assert params(decision.explanation, "category") == {"category": expected.value}


@pytest.mark.parametrize(
    ("household", "person", "age"),
    [
        (Household(applicant_age=17), "applicant", 17),
        (Household(applicant_age=0), "applicant", 0),
        (Household(applicant_age=17, has_partner=True, partner_age=30), "applicant", 17),
        (Household(applicant_age=30, has_partner=True, partner_age=17, children=1), "partner", 17),
    ],
)
def test_under_18_goes_to_manual_review(household, person, age):
    incomes = [Income("wages", D("900.00")), Income("child_benefit", D("100.00"))]
    decision = run(household, incomes, reference_date=date(2025, 8, 1))
    assert decision.outcome == Outcome.MANUAL_REVIEW
    assert decision.eligible is None
    assert (decision.category, decision.norm, decision.threshold) == (None, None, None)
    assert decision.percent_of_norm is None
    assert (decision.counted_income, decision.excluded_income) == (D("900.00"), D("100.00"))
    assert decision.norm_valid_from == date(2025, 7, 1)
    assert codes(decision.warnings) == ["manual_review_age"]
    assert params(decision.warnings, "manual_review_age") == {"person": person, "age": age}
    assert codes(decision.explanation) == ["income", "outcome_manual_review"]


def test_manual_review_warns_about_an_uncertain_table():
    decision = run(Household(applicant_age=16))
    assert codes(decision.warnings) == ["uncertain_norms", "manual_review_age"]


# --- money -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        ("0.125", 2, "0.13"),  # half-even would give 0.12
        ("0.135", 2, "0.14"),
        ("1331.425", 2, "1331.43"),
        ("2308.475", 2, "2308.48"),
        ("1730.859", 2, "1730.86"),
        ("1.004", 2, "1.00"),
        ("2.5", 0, "3"),
        ("0.05", 1, "0.1"),
        ("129.95", 1, "130.0"),
        ("7", 2, "7.00"),
    ],
)
def test_round_half_up(value, places, expected):
    result = round_half_up(D(value), places)
    assert result == D(expected)
    assert result.as_tuple().exponent == -places


@pytest.mark.parametrize(
    ("incl", "excl"),
    [("1401.50", "1331.43"), ("1345.45", "1278.18"), ("2002.13", "1902.02"),
     ("1369.06", "1300.61")],
)
def test_derive_excl(incl, excl):
    assert derive_excl(D(incl)) == D(excl)


@pytest.mark.parametrize(("excl", "incl"), [("321.08", "337.98"), ("1300.61", "1369.06")])
def test_derive_incl(excl, incl):
    assert derive_incl(D(excl)) == D(incl)


@pytest.mark.parametrize(
    ("household", "reference_date", "norm", "threshold"),
    [
        (SINGLE_PARENT_30, date(2026, 3, 1), "1331.43", "1730.86"),  # 1730.859
        (SINGLE_30, date(2025, 9, 1), "1300.61", "1690.79"),  # 1690.793
        (SINGLE_30, date(2025, 3, 1), "1278.18", "1661.63"),  # 1661.634
        (Household(30, True, 30), date(2024, 9, 1), "1775.75", "2308.48"),  # 2308.475
    ],
)
def test_income_at_the_threshold_is_eligible_one_cent_above_is_not(
    household, reference_date, norm, threshold
):
    at = run(household, wages(threshold), reference_date)
    above = run(household, [Income("wages", D(threshold) + D("0.01"))], reference_date)
    assert (at.norm, at.threshold) == (D(norm), D(threshold))
    assert at.outcome == Outcome.ELIGIBLE and at.eligible is True
    assert above.outcome == Outcome.NOT_ELIGIBLE and above.eligible is False


def test_single_parent_in_2026_carries_the_uncertain_warning():
    decision = run(SINGLE_PARENT_30, wages("1730.86"))
    assert decision.eligible is True
    assert decision.category == Category.SINGLE_21_AOW
    assert decision.percent_of_norm == D("130.0")
    assert decision.norm_status == NormStatus.UNCERTAIN
    assert codes(decision.warnings) == ["uncertain_norms"]
    assert params(decision.warnings, "uncertain_norms") == {"valid_from": date(2026, 1, 1)}
    assert codes(decision.explanation) == [
        "category", "norm", "threshold", "income", "outcome_eligible"]
    assert params(decision.explanation, "outcome_eligible") == {
        "counted_income": D("1730.86"), "threshold": D("1730.86"), "percent_of_norm": D("130.0")}
    assert run(SINGLE_PARENT_30, wages("1730.87")).outcome == Outcome.NOT_ELIGIBLE


def test_message_params_are_plain_values():
    decision = run(SINGLE_PARENT_30, wages("1000.00"),
                   policy=Policy(single_parent_basis=SingleParentBasis.COUPLE_PERCENTAGE))
    for message in decision.warnings + decision.explanation:
        for value in message.params.values():
            assert type(value) in {Decimal, date, str, int, bool}, (message.code, value)


def test_counted_and_excluded_income():
    incomes = [Income(kind, D("10.00")) for kind in INCOME_KINDS]
    decision = run(incomes=incomes)
    assert (decision.counted_income, decision.excluded_income) == (D("70.00"), D("50.00"))
    counting_child_benefit = Policy(counted_kinds=DEFAULT_COUNTED_KINDS | {"child_benefit"})
    decision = run(incomes=incomes, policy=counting_child_benefit)
    assert (decision.counted_income, decision.excluded_income) == (D("80.00"), D("40.00"))


def test_no_income_is_zero_percent():
    decision = run()
    assert (decision.counted_income, decision.percent_of_norm) == (D("0.00"), D("0.0"))


def test_income_kinds():
    assert len(INCOME_KINDS) == 12
    assert frozenset(INCOME_KINDS[:7]) == DEFAULT_COUNTED_KINDS
    assert {"child_benefit", "healthcare_allowance"}.isdisjoint(DEFAULT_COUNTED_KINDS)


# --- policy ------------------------------------------------------------------------------------


def test_including_holiday_allowance_compares_with_the_incl_norm():
    decision = run(incomes=wages("1821.95"), policy=Policy(include_holiday_allowance=True))
    assert (decision.norm, decision.threshold) == (D("1401.50"), D("1821.95"))
    assert decision.includes_holiday_allowance is True
    assert decision.eligible is True
    assert params(decision.explanation, "norm")["includes_holiday_allowance"] is True
    assert run(incomes=wages("1821.95")).eligible is False  # default compares excl


def test_120_percent_policy():
    decision = run(incomes=wages("1597.72"), policy=Policy(threshold_percent=D("120")))
    assert (decision.threshold_percent, decision.threshold) == (D("120"), D("1597.72"))
    assert decision.eligible is True
    assert params(decision.explanation, "threshold") == {
        "threshold_percent": D("120"), "threshold": D("1597.72")}
    above = run(incomes=wages("1597.73"), policy=Policy(threshold_percent=D("120")))
    assert above.eligible is False


COUPLE_PERCENTAGE = Policy(single_parent_basis=SingleParentBasis.COUPLE_PERCENTAGE)


@pytest.mark.parametrize(
    ("age", "category", "couple_category", "couple_norm", "norm"),
    [
        (30, Category.SINGLE_21_AOW, Category.COUPLE_21_AOW, "1902.02", "1711.82"),
        (19, Category.SINGLE_18_20, Category.COUPLE_18_20_CHILDREN, "1037.79", "934.01"),
        (70, Category.SINGLE_AOW, Category.COUPLE_AOW, "2036.95", "1833.26"),
    ],
)
def test_single_parent_on_couple_percentage(age, category, couple_category, couple_norm, norm):
    decision = run(Household(applicant_age=age, children=2), policy=COUPLE_PERCENTAGE)
    assert (decision.category, decision.norm) == (category, D(norm))
    assert decision.threshold == round_half_up(D(norm) * D("1.3"))
    assert codes(decision.explanation)[:3] == [
        "category", "single_parent_couple_percentage", "norm"]
    assert params(decision.explanation, "single_parent_couple_percentage") == {
        "couple_category": couple_category.value, "couple_norm": D(couple_norm),
        "percent": D("90")}


def test_couple_percentage_threshold_and_other_households():
    decision = run(SINGLE_PARENT_30, wages("2225.37"), policy=COUPLE_PERCENTAGE)
    assert (decision.threshold, decision.eligible) == (D("2225.37"), True)
    # Without children, or with a partner, the basis does not apply.
    for household in (SINGLE_30, Household(30, True, 30, children=1)):
        decision = run(household, policy=COUPLE_PERCENTAGE)
        assert "single_parent_couple_percentage" not in codes(decision.explanation)


# --- tables ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reference_date", "valid_from"),
    [
        (date(2026, 1, 1), date(2026, 1, 1)),
        (date(2025, 12, 31), date(2025, 7, 1)),
        (date(2025, 7, 1), date(2025, 7, 1)),
        (date(2025, 6, 30), date(2025, 1, 1)),
        (date(2024, 1, 1), date(2024, 1, 1)),
    ],
)
def test_table_in_force_on_the_reference_date(reference_date, valid_from):
    decision = run(reference_date=reference_date)
    assert decision.norm_valid_from == valid_from
    assert decision.norm == csv_table(valid_from).rows[Category.SINGLE_21_AOW].amount_excl


@pytest.mark.parametrize(("reference_date", "stale_months"), [
    (date(2026, 2, 1), None), (date(2026, 2, 2), 7), (date(2026, 3, 1), 8)])
def test_stale_after_seven_months(reference_date, stale_months):
    decision = run(reference_date=reference_date, norms=[csv_table(date(2025, 7, 1))])
    if stale_months is None:
        assert decision.warnings == ()
    else:
        assert params(decision.warnings, "stale_norms") == {
            "valid_from": date(2025, 7, 1), "months": stale_months}


def test_stale_boundary_from_the_end_of_a_month():
    table = NormTable(date(2025, 1, 31), csv_table(date(2025, 1, 1)).rows)
    assert run(reference_date=date(2025, 8, 31), norms=[table]).warnings == ()
    assert codes(run(reference_date=date(2025, 9, 1), norms=[table]).warnings) == ["stale_norms"]


def test_uncertain_warning_follows_the_row_used():
    couple_aow = Household(70, True, 60)
    decision = run(couple_aow, reference_date=date(2024, 3, 1))
    assert codes(decision.warnings) == ["uncertain_norms"]
    decision = run(SINGLE_30, reference_date=date(2024, 3, 1))
    assert decision.warnings == ()
    assert decision.norm_status == NormStatus.UNCERTAIN  # the table as a whole is doubtful
    published = run(couple_aow, reference_date=date(2024, 8, 1))
    assert (published.warnings, published.norm_status) == ((), NormStatus.PUBLISHED)


def test_decision_is_immutable():
    with pytest.raises(FrozenInstanceError):
        run().outcome = Outcome.ELIGIBLE


# --- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("household", "incomes", "policy", "field", "code"),
    [
        (Household(-1), [], Policy(), "household.applicant_age", "invalid_age"),
        (Household(131), [], Policy(), "household.applicant_age", "invalid_age"),
        (Household("30"), [], Policy(), "household.applicant_age", "invalid_age"),
        (Household(True), [], Policy(), "household.applicant_age", "invalid_age"),
        (Household(30, True), [], Policy(), "household.partner_age", "required"),
        (Household(30, True, 131), [], Policy(), "household.partner_age", "invalid_age"),
        (Household(30, False, 30), [], Policy(), "household.partner_age",
         "partner_age_without_partner"),
        (Household(30, children=-1), [], Policy(), "household.children", "invalid_children"),
        (SINGLE_30, [Income("wages", D(1)), Income("salary", D(1))], Policy(),
         "incomes.1.kind", "unknown_kind"),
        (SINGLE_30, wages("-0.01"), Policy(), "incomes.0.amount", "negative_amount"),
        (SINGLE_30, wages("10.001"), Policy(), "incomes.0.amount", "too_many_decimals"),
        (SINGLE_30, [Income("wages", 100.0)], Policy(), "incomes.0.amount", "invalid_amount"),
        (SINGLE_30, [Income("wages", "100")], Policy(), "incomes.0.amount", "invalid_amount"),
        (SINGLE_30, wages("NaN"), Policy(), "incomes.0.amount", "invalid_amount"),
        (SINGLE_30, [], Policy(threshold_percent=D(0)), "policy.threshold_percent",
         "invalid_percent"),
        (SINGLE_30, [], Policy(single_parent_couple_percent=D(-90)),
         "policy.single_parent_couple_percent", "invalid_percent"),
        (SINGLE_30, [], Policy(counted_kinds=frozenset({"lottery"})), "policy.counted_kinds",
         "unknown_kind"),
    ],
)
def test_validation_errors(household, incomes, policy, field, code):
    with pytest.raises(EligibilityError) as error:
        run(household, incomes, policy=policy)
    assert (error.value.field, error.value.code) == (field, code)
    assert isinstance(error.value, ValueError) and str(error.value) == error.value.message


def test_trailing_zeros_are_not_too_many_decimals():
    assert run(incomes=wages("10.000")).counted_income == D("10.00")


@pytest.mark.parametrize(
    ("reference_date", "norms"), [(date(2023, 12, 31), NORMS), (MARCH_2026, [])])
def test_no_table_in_force(reference_date, norms):
    with pytest.raises(EligibilityError) as error:
        run(reference_date=reference_date, norms=norms)
    assert (error.value.field, error.value.code) == ("reference_date", "no_norm_table")


def test_missing_row():
    only_single = NormTable(date(2026, 1, 1), {
        Category.SINGLE_21_AOW: csv_table(date(2026, 1, 1)).rows[Category.SINGLE_21_AOW]})
    assert run(norms=[only_single]).category == Category.SINGLE_21_AOW
    for household, policy in [(Household(30, True, 30), Policy()),
                              (SINGLE_PARENT_30, COUPLE_PERCENTAGE)]:
        with pytest.raises(EligibilityError) as error:
            run(household, policy=policy, norms=[only_single])
        assert (error.value.field, error.value.code) == ("reference_date", "norm_missing")


def test_rules_use_only_the_standard_library():
    tree = ast.parse(Path(rules.__file__).read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    roots = {name.split(".")[0] for name in imported}
    assert roots <= {"collections", "dataclasses", "datetime", "decimal", "enum", "typing"}


# --- properties --------------------------------------------------------------------------------

money = st.decimals(min_value=0, max_value=20000, places=2)
ages = st.integers(min_value=0, max_value=110)
adult_ages = st.integers(min_value=18, max_value=110)
reference_dates = st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31))
counted_kinds = st.sampled_from(sorted(DEFAULT_COUNTED_KINDS))
excluded_kinds = st.sampled_from(sorted(set(INCOME_KINDS) - DEFAULT_COUNTED_KINDS))
income_lists = st.lists(st.builds(Income, st.sampled_from(INCOME_KINDS), money), max_size=4)
policies = st.builds(
    Policy,
    threshold_percent=st.decimals(min_value=100, max_value=200, places=1),
    include_holiday_allowance=st.booleans(),
    youth_norms=st.sampled_from(YouthNorms),
    single_parent_basis=st.sampled_from(SingleParentBasis),
    single_parent_couple_percent=st.decimals(min_value=50, max_value=100, places=0),
)


@st.composite
def households(draw, age_strategy=ages):
    has_partner = draw(st.booleans())
    partner_age = draw(age_strategy) if has_partner else None
    return Household(draw(age_strategy), has_partner, partner_age, draw(st.integers(0, 4)))


@given(households(), income_lists, reference_dates, policies, counted_kinds, money)
def test_more_counted_income_never_makes_eligible(household, incomes, day, policy, kind, extra):
    before = check(household, incomes, day, policy, NORMS)
    after = check(household, [*incomes, Income(kind, extra)], day, policy, NORMS)
    assert after.counted_income == before.counted_income + extra
    if before.eligible is False:
        assert after.eligible is False


@given(households(), income_lists, reference_dates, policies, excluded_kinds, money)
def test_excluded_income_changes_nothing_but_itself(household, incomes, day, policy, kind, extra):
    before = check(household, incomes, day, policy, NORMS)
    after = check(household, [*incomes, Income(kind, extra)], day, policy, NORMS)
    assert (after.outcome, after.threshold, after.counted_income) == (
        before.outcome, before.threshold, before.counted_income)
    assert after.excluded_income == before.excluded_income + extra


def test_1800_and_1800_00_are_the_same_amount():
    decisions = [run(SINGLE_PARENT_30, wages(amount)) for amount in ("1800", "1800.00", "1800.0")]
    assert {(d.outcome, d.counted_income, d.percent_of_norm) for d in decisions} == {
        (Outcome.NOT_ELIGIBLE, D("1800.00"), D("135.2"))}


@given(households(), reference_dates, policies, st.integers(0, 20000))
def test_amount_scale_does_not_matter(household, day, policy, whole_euros):
    plain = check(household, [Income("wages", D(whole_euros))], day, policy, NORMS)
    cents = check(household, [Income("wages", D(f"{whole_euros}.00"))], day, policy, NORMS)
    assert (plain.outcome, plain.counted_income, plain.percent_of_norm) == (
        cents.outcome, cents.counted_income, cents.percent_of_norm)


@given(households(adult_ages), income_lists, reference_dates, policies)
def test_figures_have_fixed_decimal_places(household, incomes, day, policy):
    decision = check(household, incomes, day, policy, NORMS)
    assert decision.percent_of_norm.as_tuple().exponent == -1
    assert decision.threshold.as_tuple().exponent == -2
    assert decision.norm.as_tuple().exponent == -2
    assert decision.counted_income.as_tuple().exponent == -2


@given(st.dates(min_value=date(1900, 1, 1)), st.integers(min_value=0, max_value=200))
@example(date(9999, 11, 30), 1)
def test_adding_months_agrees_with_dateutil_up_to_the_last_date(day, months):
    """Issue 13: December 9999 made the month arithmetic overflow (a 500 for such a date)."""
    from dateutil.relativedelta import relativedelta

    from eligibility.rules import _add_months

    try:
        expected = day + relativedelta(months=months)
    except (OverflowError, ValueError):
        return  # past date.max: no reference date gets there
    assert _add_months(day, months) == expected
