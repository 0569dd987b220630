"""Recording deliveries (DESIGN §5): the volunteer types or scans the code from the slip and
says whether the kit was handed over. Referrals are looked up through
``selectors.referrals_for``: a code outside the user's scope is not found, like one that does
not exist."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from logistics import selectors
from logistics.delivery_forms import DeliverForm, FindCodeForm, failed_form
from logistics.documents import printing
from logistics.models import Referral, ReferralStatus
from logistics.services import deliveries as services
from logistics.views import actions
from startpakket import audit
from startpakket.downloads import pdf_or_message


def _page(request, find: FindCodeForm, referral: Referral | None = None, bound=None):
    forms = {}
    if referral is not None:
        audit.record_read(user=request.user, obj=referral, what=audit.REFERRAL_VIEWED)
        if referral.status == ReferralStatus.PACKED:
            forms = {"deliver": DeliverForm(auto_id="id_deliver_%s"), "failed": failed_form(),
                     **(bound or {})}
    return render(request, "logistics/deliveries.html", {
        "find": find, "referral": referral, "forms": forms,
    })


@login_required
@permission_required("logistics.record_delivery", raise_exception=True)
def find(request):
    """The page to start from at the door or back at the warehouse."""
    if "code" not in request.GET:
        return _page(request, FindCodeForm())
    form = FindCodeForm(request.GET)
    if not form.is_valid():
        return _page(request, form)
    referral = selectors.referrals_for(request.user).filter(
        code=form.cleaned_data["code"]).first()
    if referral is None:
        form.add_error("code", _("No kit with code %(code)s is on its way from your warehouse.")
                       % {"code": form.cleaned_data["code"]})
    return _page(request, form, referral)


def _referral(request, code) -> Referral:
    return get_object_or_404(selectors.referrals_for(request.user), code=code)


def _after(request, form, referral: Referral):
    """Back to the code page, or to the referral if the user still sees it (a coordinator)."""
    if form.data.get("next") != "deliveries" and selectors.referrals_for(request.user).filter(
            pk=referral.pk).exists():
        return redirect(reverse("referrals:detail", args=[referral.code]))
    return redirect("deliveries:find")


def _record(request, code, key, form, perform, done):
    if not selectors.referrals_for(request.user).filter(code=code).exists() and (
            Referral.objects.filter(code=code, status=ReferralStatus.DELIVERED,
                                    warehouse_id=request.user.organisation_id).exists()):
        # A second tap on "Delivered": the first one did it, and the kit is out of the
        # volunteer's sight now. Say so rather than "not found".
        messages.info(request, _("%(code)s was already recorded as delivered.") % {"code": code})
        return redirect("deliveries:find")
    referral = _referral(request, code)
    changed = actions.perform(request, form, lambda data: perform(referral, data), done)
    if changed is not None:
        return _after(request, form, changed)
    return _page(request, FindCodeForm(initial={"code": referral.code}), referral, {key: form})


@login_required
@permission_required("logistics.record_delivery", raise_exception=True)
@require_POST
def deliver(request, code):
    return _record(
        request, code, "deliver", DeliverForm(request.POST, auto_id="id_deliver_%s"),
        lambda referral, data: services.record_delivery(
            referral=referral, user=request.user, delivered_on=data["delivered_on"]),
        lambda referral: _("%(code)s is recorded as delivered. Thank you!")
        % {"code": referral.code})


@login_required
@permission_required("logistics.record_delivery", raise_exception=True)
@require_POST
def delivery_failed(request, code):
    return _record(
        request, code, "failed", failed_form(request.POST),
        lambda referral, data: services.record_failed_delivery(
            referral=referral, user=request.user, reason=data["reason"]),
        lambda referral: _("%(code)s could not be delivered; the kit goes on a next pick "
                           "list.") % {"code": referral.code})


@login_required
@permission_required("logistics.view_picklist", raise_exception=True)
def delivery_slip(request, code):
    referral = _referral(request, code)
    return pdf_or_message(request, lambda: printing.referral_slip_pdf(referral, user=request.user),
                          printing.referral_slip_filename(referral),
                          back=reverse("referrals:detail", args=[referral.code]))
