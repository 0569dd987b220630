from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from logistics.stock import selectors
from logistics.stock import services as stock
from logistics.stock.api.serializers import (
    KitTypeSerializer,
    ReceiptInputSerializer,
    ReceiptSerializer,
    StockFilterSerializer,
    StockRowSerializer,
)
from startpakket.api import idempotency
from startpakket.api.permissions import HasRequiredPermission


class KitTypeListView(generics.ListAPIView):
    """The active kit types with their contents (``per_baby`` lines double for twins)."""

    permission_classes = [HasRequiredPermission]
    required_permission = "logistics.view_kittype"
    serializer_class = KitTypeSerializer

    def get_queryset(self):
        return selectors.kit_types()


class StockListView(generics.ListAPIView):
    """Stock per item and warehouse: a volunteer sees their own warehouse, a coordinator all.
    ``low`` is true when fewer are available than the item's low-stock level."""

    permission_classes = [HasRequiredPermission]
    required_permission = "logistics.view_stocklevel"
    serializer_class = StockRowSerializer

    @extend_schema(parameters=[
        OpenApiParameter("warehouse", str, description="warehouse code"),
        OpenApiParameter("item", str, description="item SKU"),
        OpenApiParameter("low", bool),
    ])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        filters = StockFilterSerializer(
            data=self.request.query_params,
            warehouses=selectors.warehouses_for(self.request.user),
        )
        filters.is_valid(raise_exception=True)
        wanted = filters.validated_data
        return selectors.stock_rows_for(
            self.request.user,
            warehouses=[wanted["warehouse"]] if "warehouse" in wanted else None,
            item=wanted.get("item"),
            low=wanted.get("low"),
        )


class ReceiptCreateView(APIView):
    """Book goods received at a warehouse: several lines at once, all or nothing."""

    permission_classes = [HasRequiredPermission]
    required_permission = "logistics.receive_stock"

    @extend_schema(request=ReceiptInputSerializer, parameters=[idempotency.PARAMETER],
                   responses={201: ReceiptSerializer})
    def post(self, request):
        # A program that retries after a lost answer sends the same Idempotency-Key: booked once.
        return idempotency.idempotent(request, prepare=lambda: self.validate(request),
                                      write=lambda data: self.receive(request, data))

    def validate(self, request) -> dict:
        data = ReceiptInputSerializer(
            data=request.data, warehouses=selectors.warehouses_for(request.user)
        )
        data.is_valid(raise_exception=True)
        return data.validated_data

    def receive(self, request, data: dict) -> Response:
        warehouse = data["warehouse"]
        movements = stock.receive(
            warehouse=warehouse,
            lines=[(line["item"], line["quantity"]) for line in data["lines"]],
            note=data["note"],
            user=request.user,
        )
        receipt = {
            "batch": movements[0].batch,
            "warehouse": warehouse.code,
            "note": data["note"],
            "lines": movements,
        }
        return Response(ReceiptSerializer(receipt).data, status=status.HTTP_201_CREATED)
