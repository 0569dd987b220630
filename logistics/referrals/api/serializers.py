"""Input and output of the referral API (DESIGN §4, §7.2); one serializer per use.

Who sees what is decided by which output serializer a view picks: a volunteer's simply has no
household, income or eligibility fields, and only a coordinator's has the duplicate flag.
"""

from django.utils.functional import cached_property
from django.utils.text import capfirst
from drf_spectacular.utils import extend_schema_field
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers

from eligibility import rules, snapshot
from eligibility.api.serializers import DecisionSerializer, HouseholdSerializer, IncomeSerializer
from eligibility.models import Outcome
from logistics.models import (
    DeliveryMethod,
    EligibilityOverride,
    KitType,
    Language,
    PickupPoint,
    Referral,
    ReferralStatusChange,
    Warehouse,
)
from logistics.models.referrals import MAX_BABIES
from logistics.referrals.input import INVALID_PHONE, MAX_HOUSE_NUMBER, ReferralInput
from logistics.referrals.services import decision_of, outcome_of
from logistics.referrals.workflow import Action, actions_for
from startpakket.api.fields import CodeRelatedField
from startpakket.api.serializers import FieldsBuiltOnce

NL_COUNTRY_CODE = 31


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def _text(name: str, **kwargs) -> serializers.CharField:
    """A text field as long as the model's column allows."""
    return serializers.CharField(max_length=_max_length(Referral, name), **kwargs)


def _optional_text(name: str) -> serializers.CharField:
    return _text(name, required=False, allow_blank=True, default="")


class ReferralInputSerializer(FieldsBuiltOnce, serializers.Serializer):
    """``POST /referrals/``: the fields of DESIGN §4, flat, plus the household and incomes of the
    eligibility check. Parsed here into their types; the rules they must meet are the
    service's (``logistics.referrals.input``), which answers with field errors too."""

    parent_first_name = _text("parent_first_name")
    parent_last_name = _text("parent_last_name")
    phone = PhoneNumberField(region="NL", max_length=30,
                             error_messages={"invalid": INVALID_PHONE},
                             help_text="Dutch or international notation, e.g. 06 12345678.")
    email = serializers.EmailField(max_length=_max_length(Referral, "email"), required=False,
                                   allow_blank=True, default="")
    language = serializers.ChoiceField(choices=Language.choices, default=Language.DUTCH)
    street = _text("street")
    house_number = serializers.IntegerField(help_text=f"1 to {MAX_HOUSE_NUMBER}.")
    house_number_suffix = _optional_text("house_number_suffix")
    # Longer than the stored form, which has its spaces and case put right.
    postcode = serializers.CharField(max_length=20, help_text="e.g. 1234 AB or 1234ab.")
    city = _text("city")
    due_date = serializers.DateField(help_text="Due date, or birth date if the baby is born.")
    babies = serializers.IntegerField(default=1, help_text=f"1 to {MAX_BABIES}.")
    kit_type = CodeRelatedField(slug_field="code", queryset=KitType.objects.all(),
                                help_text="A kit type in use, with contents.")
    delivery_notes = _optional_text("delivery_notes")
    delivery_method = serializers.ChoiceField(
        choices=DeliveryMethod.choices, default=DeliveryMethod.DELIVERY,
        help_text="``delivery``: a volunteer at the door; ``pickup``: collected at a pick-up "
                  "point (``pickup_point`` required); ``post``: a plain box by post.")
    pickup_point = CodeRelatedField(
        slug_field="code", queryset=PickupPoint.objects.all(), required=False, allow_null=True,
        default=None,
        help_text="Code of an active pick-up point (``GET /pickup-points/``), for ``pickup`` "
                  "only; refused with another method.")
    consent = serializers.BooleanField(
        help_text="The parent agrees to share these data; must be true.")
    household = HouseholdSerializer()
    incomes = IncomeSerializer(many=True, allow_empty=True, max_length=rules.MAX_INCOMES)

    def to_input(self) -> ReferralInput:
        data = dict(self.validated_data)
        household = rules.Household(**data.pop("household"))
        incomes = tuple(rules.Income(kind=i["kind"], amount=i["amount"])
                        for i in data.pop("incomes"))
        return ReferralInput(**data, household=household, incomes=incomes)


class ApproveInputSerializer(serializers.Serializer):
    warehouse = CodeRelatedField(
        slug_field="code", queryset=Warehouse.objects.none(), required=False, allow_null=True,
        help_text="Warehouse code; default: the referring organisation's, or the only one.")

    def __init__(self, *args, warehouses=None, **kwargs):
        """``warehouses``: the ones the user may use (``stock_selectors.warehouses_for``)."""
        super().__init__(*args, **kwargs)
        if warehouses is not None:
            self.fields["warehouse"].queryset = warehouses


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=_max_length(ReferralStatusChange, "reason"))


class CancelInputSerializer(ReasonInputSerializer):
    return_to_stock = serializers.BooleanField(
        default=False, help_text="For a kit already packed: its goods go back on the shelf.")


class OverrideInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=EligibilityOverride.choices)
    reason = serializers.CharField(max_length=_max_length(Referral, "override_reason"))


@extend_schema_field({"type": "string", "nullable": True, "example": "06 12345678"})
class NationalPhoneField(serializers.Field):
    """A phone number as a Dutch reader writes it: ``06 12345678``; a foreign one keeps its
    country code (``+32 470 12 34 56``), which the national notation would drop. Null once the
    referral is anonymised."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value) -> str:
        if value.country_code == NL_COUNTRY_CODE:
            return value.as_national
        return value.as_international


class PickupPointSerializer(serializers.ModelSerializer):
    """A pick-up point as the nurse tells the family about it."""

    warehouse = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = PickupPoint
        fields = ["code", "name", "address", "postcode", "city", "opening_hours", "warehouse"]
        read_only_fields = fields


# What a volunteer needs to pack and deliver; nothing about money or the household.
DELIVERY_FIELDS = [
    "code", "status", "parent_first_name", "parent_last_name", "phone", "language", "street",
    "house_number", "house_number_suffix", "postcode", "city", "due_date", "window_opens",
    "deliver_by", "babies", "kit_type", "delivery_notes", "warehouse", "delivery_method",
    "pickup_point", "tracking_number",
]


class WarehouseReferralSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    """A referral as a warehouse volunteer sees it."""

    phone = NationalPhoneField()
    # Only the 4 digits once anonymised, so not the pattern of the form's postcode.
    postcode = serializers.CharField(
        read_only=True, label=Referral._meta.get_field("postcode").verbose_name,
        help_text="1234 AB; 1234 once anonymised.")
    window_opens = serializers.DateField(
        read_only=True, help_text="The first day the kit may be delivered: its kit type's time "
                                  "window opens (e.g. 16 weeks before the due date for a first "
                                  "kit, 13 weeks after the birth for a follow-up kit). It goes on "
                                  "no pick list before.")
    deliver_by = serializers.DateField(
        read_only=True, help_text="The day the kit should be with the family: the end of its kit "
                                  "type's time window (e.g. 6 weeks before the due date for a "
                                  "first kit, 26 weeks after the birth for a follow-up kit). "
                                  "Two weeks before it the kit is at risk, after it late.")
    kit_type = serializers.SlugRelatedField(slug_field="code", read_only=True)
    warehouse = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    pickup_point = PickupPointSerializer(
        read_only=True, allow_null=True,
        help_text="Where the family collects a ``pickup`` kit; null for the other methods.")
    tracking_number = serializers.CharField(
        read_only=True, label=capfirst(Referral._meta.get_field("tracking_number").verbose_name),
        help_text="The parcel's tracking number once a ``post`` kit is shipped, if the "
                  "volunteer gave one; else empty.")
    actions = serializers.SerializerMethodField(
        help_text="What you may do to this referral now (``available_actions``): each is a "
                  "POST to ``/referrals/{code}/<action>/`` (``delivery_failed``: "
                  "``/delivery-failed/``, ``not_collected``: ``/not-collected/``), except the "
                  "documents, a GET: ``print_slip`` ``/delivery-slip/``, "
                  "``print_pickup_note`` ``/pickup-note/``, ``print_label`` "
                  "``/address-label/``.")

    class Meta:
        model = Referral
        fields = [*DELIVERY_FIELDS, "actions"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(
        child=serializers.ChoiceField(choices=[action.value for action in Action])))
    def get_actions(self, referral: Referral) -> list[str]:
        if self._actions is None:
            return []
        may = self._actions(referral)
        return [action.value for action in Action if action in may]

    @cached_property
    def _actions(self):
        request = self.context.get("request")
        return None if request is None else actions_for(request.user)


class ReferralSerializer(WarehouseReferralSerializer):
    """A referral as its referring organisation sees it: everything it sent and the check's
    decision."""

    organisation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    referred_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    household = serializers.SerializerMethodField(
        help_text="What the check was made with; null once the referral is anonymised.")
    incomes = serializers.SerializerMethodField()
    eligibility = serializers.SerializerMethodField(
        help_text="The check as it was made; null once the referral is anonymised (the outcome "
                  "stays).")
    outcome = serializers.SerializerMethodField(
        help_text="What counts: the coordinator's override if set, else the check's outcome.")
    follows = serializers.SerializerMethodField(
        help_text="For a follow-up kit: the code of the referral whose kit it follows; else "
                  "null.")
    follow_up = serializers.SerializerMethodField(
        help_text="The code of this referral's follow-up kit, once planned (status "
                  "``planned`` until its time window opens); else null.")
    # Declared rather than taken from the model: DRF drops ``allow_blank`` from read-only model
    # fields, so the schema would call their usual value, empty, invalid.
    email = serializers.CharField(
        read_only=True, label=capfirst(Referral._meta.get_field("email").verbose_name),
        help_text="E-mail address; empty if none was given.")
    eligibility_override = serializers.ChoiceField(
        choices=EligibilityOverride.choices, allow_blank=True, read_only=True,
        label=capfirst(Referral._meta.get_field("eligibility_override").verbose_name),
        help_text="Empty unless a coordinator set the outcome.")

    class Meta:
        model = Referral
        fields = [
            *WarehouseReferralSerializer.Meta.fields, "organisation", "referred_by", "email",
            "consent", "consent_date", "household", "incomes", "eligibility", "outcome",
            "eligibility_override", "override_reason", "follows", "follow_up", "created_at",
            "updated_at", "anonymised_at",
        ]
        read_only_fields = fields

    @extend_schema_field(HouseholdSerializer(allow_null=True))
    def get_household(self, referral: Referral) -> dict | None:
        if referral.anonymised:
            # Only counts are left of the household (no ages); the check keeps no amounts.
            return None
        return self._household.to_representation(
            snapshot.household_from_json(referral.household))

    @extend_schema_field(IncomeSerializer(many=True))
    def get_incomes(self, referral: Referral) -> list[dict]:
        return [self._income.to_representation(income)
                for income in snapshot.incomes_from_json(referral.incomes)]

    @extend_schema_field(DecisionSerializer(allow_null=True))
    def get_eligibility(self, referral: Referral) -> dict | None:
        if referral.anonymised:
            return None
        return self._decision.to_representation(decision_of(referral))

    # One of each for all the rows of a list (a list serializer answers every row with the same
    # child): built per row, their fields took a fifth of answering a page of referrals.
    @cached_property
    def _household(self) -> HouseholdSerializer:
        return HouseholdSerializer()

    @cached_property
    def _income(self) -> IncomeSerializer:
        return IncomeSerializer()

    @cached_property
    def _decision(self) -> DecisionSerializer:
        return DecisionSerializer()

    @extend_schema_field(serializers.ChoiceField(choices=Outcome.choices))
    def get_outcome(self, referral: Referral) -> str:
        return outcome_of(referral)

    # Lists read the codes annotated by ``selectors.with_follow_up_codes``; a referral just made
    # or changed is read through its relations.
    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_follows(self, referral: Referral) -> str | None:
        if hasattr(referral, "follows_code"):
            return referral.follows_code
        return referral.follows.code if referral.follows_id else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_follow_up(self, referral: Referral) -> str | None:
        if hasattr(referral, "follow_up_code"):
            return referral.follow_up_code
        follow_up = Referral.objects.filter(follows=referral).values_list("code", flat=True)
        return follow_up.first()


class CoordinatorReferralSerializer(ReferralSerializer):
    """Adds the duplicate flag (``selectors.with_duplicate_flag``), for coordinators only: it
    tells of other organisations' referrals."""

    possible_duplicate = serializers.BooleanField(read_only=True)

    class Meta(ReferralSerializer.Meta):
        fields = [*ReferralSerializer.Meta.fields, "possible_duplicate"]
        read_only_fields = fields
