"""The referral API (DESIGN §7.2): submit, list, read and decide referrals.

Every referral is looked up through ``selectors.referrals_for``, so a code outside the user's
scope is a 404 like one that does not exist. The role permission comes first and depends on no
object, so it tells nothing either. The rules are in ``logistics.referrals.services``.
"""

from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import (
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from logistics.models import Referral
from logistics.referrals import follow_ups, selectors, services
from logistics.referrals.api.serializers import (
    ApproveInputSerializer,
    CancelInputSerializer,
    CoordinatorReferralSerializer,
    OverrideInputSerializer,
    PickupPointSerializer,
    ReasonInputSerializer,
    ReferralInputSerializer,
    ReferralSerializer,
    WarehouseReferralSerializer,
)
from logistics.referrals.filters import ReferralFilter, record_search
from logistics.stock import selectors as stock_selectors
from startpakket import audit
from startpakket.api import idempotency
from startpakket.api.permissions import HasRequiredPermission
from startpakket.roles import Role

REFERRAL_FOR_ROLE = PolymorphicProxySerializer(
    component_name="ReferralForRole",
    serializers=[CoordinatorReferralSerializer, ReferralSerializer, WarehouseReferralSerializer],
    resource_type_field_name=None,
)


def output_serializer_for(user):
    """The most a role may see; anyone else gets the least."""
    if user.has_role(Role.COORDINATOR):
        return CoordinatorReferralSerializer
    if user.has_role(Role.REFERRER):
        return ReferralSerializer
    return WarehouseReferralSerializer


class ReferralScope:
    """The referrals the user may see, most urgent first, and the serializer for their role."""

    lookup_field = "code"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Referral.objects.none()  # the schema asks only which model, e.g. for filters
        user = self.request.user
        referrals = selectors.with_follow_up_codes(
            selectors.referrals_for(user).select_related("referred_by"))
        if user.has_role(Role.COORDINATOR):
            referrals = selectors.with_duplicate_flag(referrals)
        return referrals.order_by("deliver_by", "id")

    def get_serializer_class(self):
        if getattr(self, "swagger_fake_view", False):
            return CoordinatorReferralSerializer
        return output_serializer_for(self.request.user)


class SearchFilterBackend(DjangoFilterBackend):
    """django-filter's: a 400 with the errors by field for a bad value; and a search is
    logged as a read of personal data, as on the page."""

    def filter_queryset(self, request, queryset, view):
        filters = self.get_filterset(request, queryset, view)
        if not filters.is_valid():
            raise translate_validation(filters.errors)
        record_search(request.user, filters)
        return filters.qs


class ReferralListCreateView(ReferralScope, generics.ListAPIView):
    """Referrals, most urgent first: a referrer sees their organisation's, a warehouse
    volunteer those assigned to their warehouse (without household and income), a coordinator
    all of them with a flag for possible duplicates. ``POST`` submits a new referral (referrers),
    checks the family's eligibility at once and answers with the decision.

    The list's filters are the referral page's, and combine: ``code`` (a part of it), ``name``
    (every word in the parent's first or last name, any case; referrers and coordinators),
    ``postcode`` (``1234 AB`` in any spelling, or its four digits), ``status`` (``all``: the
    same as none), ``kit_type`` and ``organisation`` (codes; the organisation filter is a
    coordinator's only and ignored for others), ``submitted_from`` and ``submitted_to`` (the
    day it was referred, both included) and ``due_before`` (the due or birth date, excluded)."""

    permission_classes = [HasRequiredPermission]

    @property
    def required_permission(self):
        if self.request.method == "POST":
            return "logistics.add_referral"
        return "logistics.view_referral"

    filter_backends = [SearchFilterBackend]
    filterset_class = ReferralFilter

    @extend_schema(responses=REFERRAL_FOR_ROLE)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=ReferralInputSerializer,
        parameters=[idempotency.PARAMETER],
        responses={
            201: ReferralSerializer,
            400: OpenApiResponse(description="Invalid fields, listed in `errors`."),
            422: OpenApiResponse(description="The Idempotency-Key was used for another body."),
        },
    )
    def post(self, request):
        return idempotency.idempotent(request, prepare=lambda: self.check(request),
                                      write=lambda checked: self.store(request, checked))

    def check(self, request) -> services.CheckedReferral:
        if request.user.organisation_id is None:
            raise PermissionDenied(_("Your account belongs to no organisation."))
        data = ReferralInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return services.check_referral(user=request.user, data=data.to_input())

    def store(self, request, checked: services.CheckedReferral) -> Response:
        referral = services.store_referral(checked)
        # As ``selectors.with_follow_up_codes`` would say of a referral just made: it follows no
        # kit and has no follow-up kit yet (two queries fewer).
        referral.follows_code = referral.follow_up_code = None
        body = output_serializer_for(request.user)(referral, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class ReferralDetailView(ReferralScope, generics.RetrieveAPIView):
    """One referral, as the role may see it (see the list)."""

    permission_classes = [HasRequiredPermission]
    required_permission = "logistics.view_referral"

    @extend_schema(responses=REFERRAL_FOR_ROLE)
    def get(self, request, *args, **kwargs):
        referral = self.get_object()
        audit.record_read(user=request.user, obj=referral, what=audit.REFERRAL_VIEWED)
        return Response(self.get_serializer(referral).data)


class ReferralActionView(ReferralScope, generics.GenericAPIView):
    """One step of the workflow: find the referral within the user's scope, validate the body,
    let the service act, answer the referral as it is now."""

    permission_classes = [HasRequiredPermission]
    required_permission = "logistics.decide_referral"
    input_serializer_class = ReasonInputSerializer

    def get_input_serializer(self, data):
        return self.input_serializer_class(data=data)

    def post(self, request, code):
        referral = self.get_object()
        data = self.get_input_serializer(request.data)
        data.is_valid(raise_exception=True)
        self.act(referral, **data.validated_data)
        return Response(self.get_serializer(self.get_object()).data)

    def act(self, referral, **data):
        raise NotImplementedError


def action_schema(input_serializer, *errors: int):
    described = {
        400: OpenApiResponse(description="Invalid fields, listed in `errors`."),
        404: OpenApiResponse(description="No such referral within your scope."),
        409: OpenApiResponse(description="Not allowed in the referral's current status."),
    }
    responses = {200: REFERRAL_FOR_ROLE}
    responses.update({code: described[code] for code in (400, 404, *errors)})
    return extend_schema_view(post=extend_schema(request=input_serializer, responses=responses))


@action_schema(ApproveInputSerializer, 409)
class ReferralApproveView(ReferralActionView):
    """Approve the referral and reserve its kit at a warehouse (by default the referring
    organisation's, or the only one). 409 with ``short: [{item, needed, available}]`` when there
    is not enough stock, or when the family does not qualify and no override was set."""

    input_serializer_class = ApproveInputSerializer

    def get_input_serializer(self, data):
        return ApproveInputSerializer(data=data,
                                      warehouses=stock_selectors.warehouses_for(self.request.user))

    def act(self, referral, warehouse=None):
        services.approve_referral(referral=referral, user=self.request.user, warehouse=warehouse)


@action_schema(ReasonInputSerializer, 409)
class ReferralRejectView(ReferralActionView):
    """Reject the referral, with a reason that is sent to the referrer."""

    def act(self, referral, reason):
        services.reject_referral(referral=referral, user=self.request.user, reason=reason)


@action_schema(ReasonInputSerializer, 409)
class ReferralAskView(ReferralActionView):
    """Send the referral back to the referrer with a question (status ``needs_info``)."""

    def act(self, referral, reason):
        services.ask_for_information(referral=referral, user=self.request.user, reason=reason)


@action_schema(ReasonInputSerializer, 409)
class ReferralResubmitView(ReferralActionView):
    """The referrer answers the question; the referral waits for a decision again."""

    required_permission = "logistics.add_referral"

    def act(self, referral, reason):
        services.resubmit_referral(referral=referral, user=self.request.user, reason=reason)


class CanCancelReferral(HasRequiredPermission):
    """Coordinators and referrers; which referral, and when, is ``workflow.available_actions``'s
    to say (the service asks it)."""

    def has_permission(self, request, view):
        return (super().has_permission(request, view)
                and request.user.has_role(Role.COORDINATOR, Role.REFERRER))


@action_schema(CancelInputSerializer, 409)
class ReferralCancelView(ReferralActionView):
    """Cancel the referral; a reserved kit goes back to the available stock. A kit already
    packed goes back on the shelf with ``return_to_stock: true`` (else its goods stay out of the
    stock). A referrer may cancel her organisation's referral only before a decision: while it
    is ``submitted`` or ``needs_info``."""

    permission_classes = [CanCancelReferral]
    required_permission = "logistics.view_referral"
    input_serializer_class = CancelInputSerializer

    def act(self, referral, reason, return_to_stock=False):
        services.cancel_referral(referral=referral, user=self.request.user, reason=reason,
                                 return_goods=return_to_stock)


@action_schema(ReasonInputSerializer, 409)
class ReferralStopView(ReferralActionView):
    """Stop a planned follow-up kit (the family moved, or does not want it), with a reason: the
    referring organisation's referrers, and coordinators. 409 once it is no longer planned."""

    permission_classes = [CanCancelReferral]
    required_permission = "logistics.view_referral"

    def act(self, referral, reason):
        follow_ups.stop_follow_up(referral=referral, user=self.request.user, reason=reason)


@action_schema(OverrideInputSerializer, 409)
class ReferralOverrideView(ReferralActionView):
    """Set the eligibility outcome by hand, with a reason (e.g. debt restructuring), while the
    referral waits for a decision. Logged in its history."""

    input_serializer_class = OverrideInputSerializer

    def act(self, referral, outcome, reason):
        services.override_eligibility(referral=referral, user=self.request.user,
                                      outcome=outcome, reason=reason)


class PickupPointListView(generics.ListAPIView):
    """The active pick-up points a referral can name (``pickup_point``), by name: where a
    family collects its kit, with address and opening hours."""

    permission_classes = [HasRequiredPermission]
    required_permission = "logistics.view_referral"
    serializer_class = PickupPointSerializer

    def get_queryset(self):
        return selectors.pickup_points()
