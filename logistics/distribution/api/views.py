"""The pick list and delivery API (DESIGN §7.2): make a list, mark its kits packed, print it
and its delivery slips; record a delivery. Lists are looked up through
``selectors.pick_lists_for`` and referrals through ``referrals_for``, so another warehouse's is
a 404 like one that does not exist."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from logistics.distribution import selectors, services
from logistics.distribution.api.serializers import (
    CollectedInputSerializer,
    DeliverInputSerializer,
    DeliveryFailedInputSerializer,
    DeliveryResultSerializer,
    NotCollectedInputSerializer,
    PackInputSerializer,
    PackResultSerializer,
    PickListInputSerializer,
    PickListSerializer,
    ShippedInputSerializer,
    ShippedResultSerializer,
    TakeOffInputSerializer,
    TakeOffResultSerializer,
)
from logistics.distribution.documents import printing
from logistics.referrals.api.views import ReferralScope
from logistics.stock import selectors as stock_selectors
from startpakket.api.permissions import HasRequiredPermission
from startpakket.downloads import pdf_response

NOT_FOUND = OpenApiResponse(description="No such pick list within your scope.")
PDF = OpenApiResponse(OpenApiTypes.BINARY, description="A PDF document.")


class PickListScope:
    """The user's pick lists, each answered with its packages (``attach_packages``: one query
    for a page of lists, or for one)."""

    lookup_url_kwarg = "id"

    def get_queryset(self):
        return selectors.pick_lists_for(self.request.user)

    def get_object(self):
        return selectors.attach_packages([super().get_object()])[0]

    def paginate_queryset(self, queryset):
        return selectors.attach_packages(super().paginate_queryset(queryset))

    def as_it_is_now(self, pick_list):
        """The list read again after a change, with its packages."""
        return selectors.attach_packages([self.get_queryset().get(pk=pick_list.pk)])[0]


class PickListListCreateView(PickListScope, generics.ListAPIView):
    """The pick lists of your warehouse (a coordinator: of every warehouse), newest first.
    ``POST`` makes a new list: the warehouse's approved kits not yet on a list (and kits back
    from a failed delivery) whose kit type's time window has opened (``window_opens``), most
    urgent first (the earliest ``deliver_by``), up to ``max_packages`` (default 20, at most
    500); they become ``scheduled``. 409 when none is waiting."""

    permission_classes = [HasRequiredPermission]
    serializer_class = PickListSerializer

    @property
    def required_permission(self):
        if self.request.method == "POST":
            return "logistics.add_picklist"
        return "logistics.view_picklist"

    @extend_schema(
        request=PickListInputSerializer,
        responses={
            201: PickListSerializer,
            400: OpenApiResponse(description="Invalid fields, listed in `errors`."),
            409: OpenApiResponse(description="No kits are waiting for a list."),
        },
    )
    def post(self, request):
        data = PickListInputSerializer(data=request.data,
                                       warehouses=stock_selectors.warehouses_for(request.user))
        data.is_valid(raise_exception=True)
        pick_list = services.create_pick_list(user=request.user, **data.validated_data)
        return Response(PickListSerializer(self.as_it_is_now(pick_list)).data,
                        status=status.HTTP_201_CREATED)


class PickListDetailView(PickListScope, generics.RetrieveAPIView):
    """One pick list with its packages and how far each is."""

    permission_classes = [HasRequiredPermission]
    required_permission = "logistics.view_picklist"
    serializer_class = PickListSerializer


class PickListActionView(PickListScope, generics.GenericAPIView):
    """Something done to some of the list's kits: validate the body, let the service act,
    answer the list as it is now, with the codes acted on under ``result_field``."""

    permission_classes = [HasRequiredPermission]
    required_permission = "logistics.pack_picklist"
    input_serializer_class: type
    result_field: str

    def post(self, request, **kwargs):
        pick_list = self.get_object()
        data = self.input_serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        done = self.act(pick_list, data.validated_data.get("referrals"))
        pick_list = self.as_it_is_now(pick_list)
        setattr(pick_list, self.result_field, [referral.code for referral in done])
        return Response(self.get_serializer(pick_list).data)

    def act(self, pick_list, codes):
        raise NotImplementedError


def list_action_schema(input_serializer, result_serializer):
    return extend_schema_view(post=extend_schema(request=input_serializer, responses={
        200: result_serializer,
        400: OpenApiResponse(description="Invalid fields, listed in `errors`."),
        404: NOT_FOUND,
    }))


@list_action_schema(PackInputSerializer, PackResultSerializer)
class PickListPackView(PickListActionView):
    """Mark the list's kits packed: all of them, or those in ``referrals``. Each kit's reserved
    goods leave the stock (issue movements). Kits already packed stay as they are; ``packed``
    lists the ones this request packed."""

    serializer_class = PackResultSerializer
    input_serializer_class = PackInputSerializer
    result_field = "packed"

    def act(self, pick_list, codes):
        return services.pack(pick_list=pick_list, user=self.request.user, codes=codes)


@list_action_schema(TakeOffInputSerializer, TakeOffResultSerializer)
class PickListTakeOffView(PickListActionView):
    """Take kits not yet packed off the list: they wait for a next list (``approved``, their
    goods still set aside; a kit packed earlier ``delivery_failed``, still packed). ``taken_off``
    lists the codes this request took off."""

    serializer_class = TakeOffResultSerializer
    input_serializer_class = TakeOffInputSerializer
    result_field = "taken_off"

    def act(self, pick_list, codes):
        return services.take_off(pick_list=pick_list, user=self.request.user, codes=codes)


class DocumentView(generics.GenericAPIView):
    lookup_url_kwarg = "id"
    permission_classes = [HasRequiredPermission]
    required_permission = "logistics.view_picklist"
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "documents"

    def get_queryset(self):
        return selectors.pick_lists_for(self.request.user)

    def perform_content_negotiation(self, request, force=False):
        # A client asking for ``application/pdf`` only still gets its errors, as JSON.
        return super().perform_content_negotiation(request, force=True)


@extend_schema(responses={(200, "application/pdf"): PDF, 404: NOT_FOUND})
class PickListPdfView(DocumentView):
    """The pick list to print: totals per item, then one block per kit. No names or
    addresses."""

    def get(self, request, **kwargs):
        pick_list = self.get_object()
        return pdf_response(printing.pick_list_pdf(pick_list),
                            printing.pick_list_filename(pick_list))


@extend_schema(responses={
    (200, "application/pdf"): PDF, 404: NOT_FOUND,
    409: OpenApiResponse(description="No kit on the list still has to be delivered."),
})
class PickListSlipsView(DocumentView):
    """A delivery slip per kit on the list still to be delivered (name, address, phone): each
    print is recorded in the audit log."""

    def get(self, request, **kwargs):
        pick_list = self.get_object()
        return pdf_response(printing.pick_list_slips_pdf(pick_list, user=request.user),
                            printing.pick_list_slips_filename(pick_list))


@extend_schema(responses={
    (200, "application/pdf"): PDF, 404: NOT_FOUND,
    409: OpenApiResponse(description="No kit on the list still has to be delivered."),
})
class PickListRouteSheetView(DocumentView):
    """The driver's route sheet: the list's kits still to be delivered in postcode order, with
    code, street, phone and delivery notes (no names). Each print is recorded in the audit
    log."""

    def get(self, request, **kwargs):
        pick_list = self.get_object()
        return pdf_response(printing.route_sheet_pdf(pick_list, user=request.user),
                            printing.route_sheet_filename(pick_list))


SIZE = OpenApiParameter(
    "size", str, enum=list(printing.LABEL_SIZES),
    description="``a4``: A4 sheets of 8 labels (2 × 4, 99.1 × 67.7 mm, as Avery L7165); "
                "``10x15``: one 10 × 15 cm label a page.")


@extend_schema(responses={
    (200, "application/pdf"): PDF, 404: NOT_FOUND,
    409: OpenApiResponse(description="No kit on the list is still to go to a pick-up point."),
})
class PickListPickupNotesView(DocumentView):
    """A pick-up note per kit on the list for a pick-up point still to go out (name, point's
    address and hours, contents): each print is recorded in the audit log."""

    def get(self, request, **kwargs):
        pick_list = self.get_object()
        return pdf_response(printing.pick_list_pickup_notes_pdf(pick_list, user=request.user),
                            printing.pick_list_pickup_notes_filename(pick_list))


@extend_schema(parameters=[SIZE], responses={
    (200, "application/pdf"): PDF,
    400: OpenApiResponse(description="An unknown `size`."),
    404: NOT_FOUND,
    409: OpenApiResponse(description=(
        "No kit on the list is still to be sent by post (`no_slips`), or the foundation has no "
        "return address (`no_return_address`).")),
})
class PickListLabelsView(DocumentView):
    """Address labels for the list's kits by post still to go out, in the list's order: name
    and address, the foundation's return address as sender, no content description. Each
    print is recorded in the audit log."""

    def get(self, request, **kwargs):
        pick_list = self.get_object()
        size = request.query_params.get("size") or printing.A4_SHEET.code
        return pdf_response(printing.pick_list_labels_pdf(pick_list, user=request.user,
                                                          size=size),
                            printing.pick_list_labels_filename(pick_list, size))


# ---------------------------------------------------------------------------------------------
# Deliveries and the slip of one referral, under /referrals/{code}/


class DeliveryActionView(ReferralScope, generics.GenericAPIView):
    """Recording a delivery answers the referral's code and new status only: once delivered, a
    volunteer no longer sees the referral itself."""

    permission_classes = [HasRequiredPermission]
    required_permission = "logistics.record_delivery"
    serializer_class = DeliveryResultSerializer
    input_serializer_class = DeliverInputSerializer

    def get_serializer_class(self):
        return self.serializer_class

    def post(self, request, code):
        services.refuse_if_delivered_out_of_sight(request.user, code)
        referral = self.get_object()
        data = self.input_serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        referral = self.act(referral, **data.validated_data)
        return Response(self.serializer_class(referral).data)


def delivery_schema(input_serializer, result_serializer=DeliveryResultSerializer):
    return extend_schema_view(post=extend_schema(request=input_serializer, responses={
        200: result_serializer,
        400: OpenApiResponse(description="Invalid fields, listed in `errors`."),
        404: OpenApiResponse(description="No such referral within your scope."),
        409: OpenApiResponse(description=(
            "Not allowed in the referral's current status. `code` is `already_delivered` when "
            "the kit was recorded as delivered before (a repeated request): a volunteer no "
            "longer sees it, but is told so rather than answered 404.")),
    }))


@delivery_schema(DeliverInputSerializer)
class ReferralDeliverView(DeliveryActionView):
    """The packed kit was handed over, on ``delivered_on`` (today if left out; not in the
    future, not before packing)."""

    def act(self, referral, delivered_on=None):
        return services.record_delivery(referral=referral, user=self.request.user,
                                          delivered_on=delivered_on)


@delivery_schema(DeliveryFailedInputSerializer)
class ReferralDeliveryFailedView(DeliveryActionView):
    """The kit could not be delivered, with the reason; it waits, packed, for a new pick
    list."""

    input_serializer_class = DeliveryFailedInputSerializer

    def act(self, referral, reason):
        return services.record_failed_delivery(referral=referral, user=self.request.user,
                                                 reason=reason)


@delivery_schema(CollectedInputSerializer)
class ReferralCollectedView(DeliveryActionView):
    """The family collected the pick-up kit at its point, on ``collected_on`` (today if left
    out; not in the future, not before packing); also after it was recorded as not
    collected."""

    input_serializer_class = CollectedInputSerializer

    def act(self, referral, collected_on=None):
        return services.record_collected(referral=referral, user=self.request.user,
                                           collected_on=collected_on)


@delivery_schema(NotCollectedInputSerializer)
class ReferralNotCollectedView(DeliveryActionView):
    """Nobody came for the pick-up kit: it waits at the point as ``not_collected`` and the
    nurse is told. (``manage.py mark_not_collected`` records this by itself after
    ``PICKUP_COLLECT_WEEKS``.)"""

    input_serializer_class = NotCollectedInputSerializer

    def act(self, referral, reason=""):
        return services.record_not_collected(referral=referral, user=self.request.user,
                                               reason=reason)


@delivery_schema(ShippedInputSerializer, ShippedResultSerializer)
class ReferralShippedView(DeliveryActionView):
    """The kit by post went to the parcel service on ``shipped_on`` (today if left out), with
    its ``tracking_number`` if there is one; the nurse sees it."""

    input_serializer_class = ShippedInputSerializer
    serializer_class = ShippedResultSerializer

    def act(self, referral, shipped_on=None, tracking_number=""):
        return services.record_shipped(referral=referral, user=self.request.user,
                                         shipped_on=shipped_on, tracking_number=tracking_number)


class ReferralDocumentView(ReferralScope, generics.GenericAPIView):
    permission_classes = [HasRequiredPermission]
    required_permission = "logistics.view_picklist"
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "documents"

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)


@extend_schema(responses={
    (200, "application/pdf"): PDF,
    404: OpenApiResponse(description="No such referral within your scope."),
    409: OpenApiResponse(description="Not a pick-up kit, or not on its way."),
})
class ReferralPickupNoteView(ReferralDocumentView):
    """The pick-up note of one kit for a pick-up point, on its way or waiting there. Each
    print is recorded in the audit log."""

    def get(self, request, code):
        referral = self.get_object()
        return pdf_response(printing.referral_pickup_note_pdf(referral, user=request.user),
                            printing.referral_pickup_note_filename(referral))


@extend_schema(parameters=[SIZE], responses={
    (200, "application/pdf"): PDF,
    400: OpenApiResponse(description="An unknown `size`."),
    404: OpenApiResponse(description="No such referral within your scope."),
    409: OpenApiResponse(description=(
        "Not a kit by post, not on its way, or the foundation has no return address.")),
})
class ReferralLabelView(ReferralDocumentView):
    """The address label of one kit by post: by default one 10 × 15 cm label. Each print is
    recorded in the audit log."""

    def get(self, request, code):
        referral = self.get_object()
        size = request.query_params.get("size") or printing.SINGLE.code
        return pdf_response(printing.referral_label_pdf(referral, user=request.user, size=size),
                            printing.referral_label_filename(referral, size))


@extend_schema(responses={
    (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="A PDF document."),
    404: OpenApiResponse(description="No such referral within your scope."),
    409: OpenApiResponse(description="The kit is not on its way."),
})
class ReferralSlipView(ReferralDocumentView):
    """The delivery slip of one kit on its way (scheduled, packed or back after a failed
    delivery). Each print is recorded in the audit log."""

    def get(self, request, code):
        referral = self.get_object()
        return pdf_response(printing.referral_slip_pdf(referral, user=request.user),
                            printing.referral_slip_filename(referral))
