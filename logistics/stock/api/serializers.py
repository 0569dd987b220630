"""Input and output of the stock API (DESIGN §7.2); one serializer per use."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from logistics.models import Item, KitComponent, KitType, StockMovement, Warehouse
from logistics.stock.services import MAX_QUANTITY
from startpakket.api.fields import CodeRelatedField


class KitComponentSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.sku", read_only=True)
    name = serializers.CharField(source="item.name", read_only=True)
    unit = serializers.CharField(source="item.unit", read_only=True)

    class Meta:
        model = KitComponent
        fields = ["item", "name", "unit", "quantity", "per_baby"]
        read_only_fields = fields


class KitTypeSerializer(serializers.ModelSerializer):
    components = KitComponentSerializer(many=True, read_only=True)

    class Meta:
        model = KitType
        fields = ["code", "name", "description", "components"]
        read_only_fields = fields


class StockRowSerializer(serializers.Serializer):
    item = serializers.CharField(source="item.sku")
    item_name = serializers.CharField(source="item.name")
    warehouse = serializers.CharField(source="warehouse.code")
    on_hand = serializers.IntegerField()
    reserved = serializers.IntegerField()
    available = serializers.IntegerField()
    low = serializers.BooleanField()


class StockFilterSerializer(serializers.Serializer):
    """The query string of ``GET /stock/``."""

    warehouse = CodeRelatedField(slug_field="code", queryset=Warehouse.objects.none(),
                                 required=False)
    item = CodeRelatedField(slug_field="sku", queryset=Item.objects.all(), required=False)
    low = serializers.BooleanField(required=False, allow_null=True, default=None)

    def __init__(self, *args, warehouses=None, **kwargs):
        """``warehouses``: the ones the user may use (``selectors.warehouses_for``)."""
        super().__init__(*args, **kwargs)
        if warehouses is not None:
            self.fields["warehouse"].queryset = warehouses


class ReceiptLineSerializer(serializers.Serializer):
    item = CodeRelatedField(slug_field="sku", queryset=Item.objects.active())
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)


class ReceiptInputSerializer(serializers.Serializer):
    warehouse = CodeRelatedField(slug_field="code", queryset=Warehouse.objects.none())
    lines = ReceiptLineSerializer(many=True, allow_empty=False, max_length=500)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    def __init__(self, *args, warehouses=None, **kwargs):
        """``warehouses``: the ones the user may use (``selectors.warehouses_for``)."""
        super().__init__(*args, **kwargs)
        if warehouses is not None:
            self.fields["warehouse"].queryset = warehouses

    def validate_lines(self, lines):
        totals: dict = {}
        for line in lines:
            totals[line["item"]] = totals.get(line["item"], 0) + line["quantity"]
        too_many = sorted(item.sku for item, total in totals.items() if total > MAX_QUANTITY)
        if too_many:
            raise serializers.ValidationError(
                _("At most %(max)d of one item at once: %(items)s.")
                % {"max": MAX_QUANTITY, "items": ", ".join(too_many)}
            )
        return lines


class MovementSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.sku")
    warehouse = serializers.CharField(source="warehouse.code")
    created_by = serializers.CharField(source="created_by.username")

    class Meta:
        model = StockMovement
        fields = ["item", "warehouse", "kind", "quantity", "note", "created_by", "created_at"]
        read_only_fields = fields


class ReceiptSerializer(serializers.Serializer):
    batch = serializers.UUIDField()
    warehouse = serializers.CharField()
    note = serializers.CharField()
    lines = MovementSerializer(many=True)
