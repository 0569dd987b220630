"""Input and output of the pick list and delivery API (DESIGN §7.2)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from logistics.distribution.services import MAX_PACKAGES
from logistics.models import PickList, Referral, ReferralStatusChange, Warehouse
from startpakket.api.fields import CodeRelatedField


class PickListInputSerializer(serializers.Serializer):
    warehouse = CodeRelatedField(slug_field="code", queryset=Warehouse.objects.none())
    max_packages = serializers.IntegerField(min_value=1, max_value=MAX_PACKAGES, required=False)

    def __init__(self, *args, warehouses=None, **kwargs):
        """``warehouses``: the ones the user may use (``selectors.warehouses_for``)."""
        super().__init__(*args, **kwargs)
        if warehouses is not None:
            self.fields["warehouse"].queryset = warehouses


class PackageSerializer(serializers.Serializer):
    """One kit on a list: its code and how far it is; no family details."""

    code = serializers.CharField(source="referral.code")
    status = serializers.CharField(source="referral.status")
    kit_type = serializers.CharField(source="referral.kit_type.code")
    babies = serializers.IntegerField(source="referral.babies")


class PickListSerializer(serializers.ModelSerializer):
    warehouse = serializers.CharField(source="warehouse.code")
    created_by = serializers.CharField(source="created_by.username")
    referrals = serializers.SerializerMethodField()
    packages = serializers.SerializerMethodField()

    class Meta:
        model = PickList
        fields = ["id", "number", "warehouse", "created_by", "created_at", "referrals",
                  "packages"]
        read_only_fields = fields

    # The lists come with their ``packages`` (``selectors.attach_packages``).

    def get_referrals(self, pick_list) -> list[str]:
        """The codes of the referrals on the list now, in the list's order."""
        return [package.code for package in pick_list.packages]

    @extend_schema_field(PackageSerializer(many=True))
    def get_packages(self, pick_list) -> list[dict]:
        # ``PackageSerializer``'s fields, written out: a serializer per package took most of
        # the time of a page of 50 lists of a hundred kits.
        return [package._asdict() for package in pick_list.packages]


class PackInputSerializer(serializers.Serializer):
    referrals = serializers.ListField(
        child=serializers.CharField(max_length=Referral._meta.get_field("code").max_length),
        required=False, allow_empty=False, max_length=MAX_PACKAGES,
        help_text="Codes of referrals on the list; all of them if left out.",
    )


class PackResultSerializer(PickListSerializer):
    packed = serializers.ListField(child=serializers.CharField(),
                                   help_text="The codes packed by this request.")

    class Meta(PickListSerializer.Meta):
        fields = [*PickListSerializer.Meta.fields, "packed"]
        read_only_fields = fields


class TakeOffInputSerializer(serializers.Serializer):
    referrals = serializers.ListField(
        child=serializers.CharField(max_length=Referral._meta.get_field("code").max_length),
        allow_empty=False, max_length=MAX_PACKAGES,
        help_text="Codes of referrals on the list, not packed yet.",
    )


class TakeOffResultSerializer(PickListSerializer):
    taken_off = serializers.ListField(child=serializers.CharField(),
                                      help_text="The codes taken off by this request.")

    class Meta(PickListSerializer.Meta):
        fields = [*PickListSerializer.Meta.fields, "taken_off"]
        read_only_fields = fields


class DeliverInputSerializer(serializers.Serializer):
    delivered_on = serializers.DateField(required=False, help_text="Today if left out.")


class DeliveryFailedInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=ReferralStatusChange._meta.get_field("reason").max_length)


class CollectedInputSerializer(serializers.Serializer):
    collected_on = serializers.DateField(required=False, help_text="Today if left out.")


class NotCollectedInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=ReferralStatusChange._meta.get_field("reason").max_length, required=False,
        allow_blank=True, default="", help_text="What happened, if known.")


class ShippedInputSerializer(serializers.Serializer):
    shipped_on = serializers.DateField(required=False, help_text="Today if left out.")
    tracking_number = serializers.CharField(
        max_length=Referral._meta.get_field("tracking_number").max_length, required=False,
        allow_blank=True, default="", help_text="The parcel service's, if there is one.")


class DeliveryResultSerializer(serializers.ModelSerializer):
    """``delivered_on``: the day the kit was handed over (delivered, collected or shipped)."""

    class Meta:
        model = Referral
        fields = ["code", "status", "delivered_on"]
        read_only_fields = fields


class ShippedResultSerializer(DeliveryResultSerializer):
    tracking_number = serializers.CharField(read_only=True, help_text="Empty if none given.")

    class Meta(DeliveryResultSerializer.Meta):
        fields = [*DeliveryResultSerializer.Meta.fields, "tracking_number"]
        read_only_fields = fields
