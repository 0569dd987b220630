"""Norm tables and the eligibility policy, both in force from a date (DESIGN §3.1, §3.2)."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from eligibility import rules


class Category(models.TextChoices):
    SINGLE_21_AOW = rules.Category.SINGLE_21_AOW, _("Single or single parent, 21 up to AOW age")
    COUPLE_21_AOW = rules.Category.COUPLE_21_AOW, _("Couple, both 21 up to AOW age")
    SINGLE_AOW = rules.Category.SINGLE_AOW, _("Single, AOW age or older")
    COUPLE_AOW = rules.Category.COUPLE_AOW, _("Couple, at least one of AOW age")
    SINGLE_18_20 = rules.Category.SINGLE_18_20, _("Single or single parent, 18 to 20")
    COUPLE_18_20 = rules.Category.COUPLE_18_20, _("Couple, both 18 to 20, no children")
    COUPLE_18_20_CHILDREN = (
        rules.Category.COUPLE_18_20_CHILDREN, _("Couple, both 18 to 20, with children")
    )
    COUPLE_18_20_AND_21PLUS = (
        rules.Category.COUPLE_18_20_AND_21PLUS, _("Couple, one 18 to 20 and one 21+, no children")
    )
    COUPLE_18_20_AND_21PLUS_CHILDREN = (
        rules.Category.COUPLE_18_20_AND_21PLUS_CHILDREN,
        _("Couple, one 18 to 20 and one 21+, with children"),
    )


class NormStatus(models.TextChoices):
    PUBLISHED = rules.NormStatus.PUBLISHED, _("published")
    UNCERTAIN = rules.NormStatus.UNCERTAIN, _("uncertain")


class YouthNorms(models.TextChoices):
    BY_LAW = rules.YouthNorms.BY_LAW, _("By law: 18 to 20 get the youth norms")
    AS_ADULT = rules.YouthNorms.AS_ADULT, _("Treat 18 to 20 as 21 and older")


class SingleParentBasis(models.TextChoices):
    SINGLE_NORM = rules.SingleParentBasis.SINGLE_NORM, _("The single norm")
    COUPLE_PERCENTAGE = (
        rules.SingleParentBasis.COUPLE_PERCENTAGE, _("A percentage of the couple norm")
    )


class IncomeKind(models.TextChoices):
    """``rules.IncomeKind`` with its labels (``tests/eligibility/test_rules.py`` checks that
    every kind of the rules has one)."""

    WAGES = rules.IncomeKind.WAGES, _("Wages")
    BENEFIT = rules.IncomeKind.BENEFIT, _("Benefit")
    SELF_EMPLOYMENT = rules.IncomeKind.SELF_EMPLOYMENT, _("Income from self-employment")
    PARTNER_ALIMONY = rules.IncomeKind.PARTNER_ALIMONY, _("Partner alimony")
    CHILD_ALIMONY = rules.IncomeKind.CHILD_ALIMONY, _("Child alimony")
    STUDENT_FINANCE = rules.IncomeKind.STUDENT_FINANCE, _("Student finance")
    OTHER = rules.IncomeKind.OTHER, _("Other income")
    CHILD_BENEFIT = rules.IncomeKind.CHILD_BENEFIT, _("Child benefit (kinderbijslag)")
    CHILD_BUDGET = rules.IncomeKind.CHILD_BUDGET, _("Child budget (kindgebonden budget)")
    HEALTHCARE_ALLOWANCE = (rules.IncomeKind.HEALTHCARE_ALLOWANCE,
                            _("Healthcare allowance (zorgtoeslag)"))
    RENT_ALLOWANCE = rules.IncomeKind.RENT_ALLOWANCE, _("Rent allowance (huurtoeslag)")
    CHILDCARE_ALLOWANCE = (rules.IncomeKind.CHILDCARE_ALLOWANCE,
                           _("Childcare allowance (kinderopvangtoeslag)"))


class Outcome(models.TextChoices):
    """``rules.Outcome`` with its labels, as pages show a check's outcome."""

    ELIGIBLE = rules.Outcome.ELIGIBLE, _("Qualifies")
    NOT_ELIGIBLE = rules.Outcome.NOT_ELIGIBLE, _("Does not qualify")
    MANUAL_REVIEW = rules.Outcome.MANUAL_REVIEW, _("To be assessed")


class FollowUpDecision(models.TextChoices):
    """What happens when a follow-up kit's time window opens
    (``logistics.referrals.follow_ups``)."""

    CARRY_OVER = "carry_over", _("Carry the first decision over, if it is recent enough")
    RECHECK = "recheck", _("Check again, with new incomes from the referrer")


money = {"max_digits": 9, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


class NormTable(models.Model):
    """The monthly social-minimum norms in force from ``valid_from`` (1 January and 1 July)."""

    valid_from = models.DateField(_("valid from"), unique=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("norm table")
        verbose_name_plural = _("norm tables")
        ordering = ["-valid_from"]
        permissions = [("check_eligibility", _("Can run an eligibility check"))]

    def __str__(self):
        # str(), which is isoformat() for a date, and also takes the string that create()
        # accepts: the audit log names every object it saves by its str().
        return str(_("Norms from %(date)s") % {"date": str(self.valid_from)})


class NormRow(models.Model):
    table = models.ForeignKey(
        NormTable, verbose_name=_("norm table"), on_delete=models.CASCADE, related_name="rows"
    )
    category = models.CharField(_("category"), max_length=40, choices=Category.choices)
    amount_incl = models.DecimalField(_("amount incl. holiday allowance"), **money)
    amount_excl = models.DecimalField(_("amount excl. holiday allowance"), **money)
    status = models.CharField(
        _("status"), max_length=12, choices=NormStatus.choices, default=NormStatus.PUBLISHED
    )
    source = models.TextField(_("source"), blank=True)

    class Meta:
        verbose_name = _("norm")
        verbose_name_plural = _("norms")
        ordering = ["table", "category"]
        constraints = [
            models.UniqueConstraint(fields=["table", "category"], name="norm_row_unique_category"),
            models.CheckConstraint(
                condition=models.Q(amount_incl__gte=0, amount_excl__gte=0),
                name="norm_row_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(category__in=Category.values), name="norm_row_category_valid"
            ),
        ]

    def __str__(self):
        return f"{self.table.valid_from} {self.category}"

    def as_rule(self) -> rules.NormRow:
        return rules.NormRow(
            category=rules.Category(self.category),
            amount_incl=self.amount_incl,
            amount_excl=self.amount_excl,
            status=rules.NormStatus(self.status),
        )


def default_counted_kinds():
    return sorted(rules.DEFAULT_COUNTED_KINDS)


class Policy(models.Model):
    """How the foundation applies the norms, in force from ``valid_from`` (DESIGN §3.2)."""

    valid_from = models.DateField(_("valid from"), unique=True)
    threshold_percent = models.DecimalField(
        _("threshold (percentage of the norm)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("130"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("500"))],
    )
    include_holiday_allowance = models.BooleanField(
        _("compare with the norm including holiday allowance"),
        default=False,
        help_text=_(
            "Off: income is monthly net income without holiday pay, compared with the norm "
            "excluding holiday allowance."
        ),
    )
    youth_norms = models.CharField(
        _("youth norms"), max_length=20, choices=YouthNorms.choices, default=YouthNorms.BY_LAW
    )
    single_parent_basis = models.CharField(
        _("norm for single parents"),
        max_length=20,
        choices=SingleParentBasis.choices,
        default=SingleParentBasis.SINGLE_NORM,
    )
    single_parent_couple_percent = models.DecimalField(
        _("single parents: percentage of the couple norm"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("90"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("100"))],
    )
    counted_income_kinds = models.JSONField(
        _("income kinds that count"), default=default_counted_kinds
    )
    follow_up_decision = models.CharField(
        _("follow-up kit"), max_length=20, choices=FollowUpDecision.choices,
        default=FollowUpDecision.CARRY_OVER,
        help_text=_(
            "When a follow-up kit's time window opens: approve it at once on the decision about "
            "the first kit, if that decision is younger than the months below; otherwise (or "
            "always, with “check again”) the referrer is asked to check the household and "
            "income first."),
    )
    carry_over_months = models.PositiveSmallIntegerField(
        _("carry the decision over for (months)"), default=9,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
        help_text=_("How long the check of the first kit counts for its follow-up kit."),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(threshold_percent__gt=0), name="policy_threshold_positive"
            ),
        ]

    def __str__(self):
        return str(
            _("Policy from %(date)s: %(percent)s%%")
            % {
                "date": str(self.valid_from),
                "percent": f"{self.threshold_percent.normalize():f}",
            }
        )

    def as_rule(self) -> rules.Policy:
        return rules.Policy(
            threshold_percent=self.threshold_percent,
            include_holiday_allowance=self.include_holiday_allowance,
            youth_norms=rules.YouthNorms(self.youth_norms),
            single_parent_basis=rules.SingleParentBasis(self.single_parent_basis),
            single_parent_couple_percent=self.single_parent_couple_percent,
            counted_kinds=frozenset(self.counted_income_kinds),
        )
