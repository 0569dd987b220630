"""The warehouse's pages (DESIGN §7.3 ``/pick-lists/``, ``/deliveries/``): make a pick list,
print it and its delivery slips, mark kits packed, record deliveries. Lists are looked up
through ``selectors.pick_lists_for`` and referrals through ``referrals_for``: another
warehouse's is a 404."""

import itertools

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from logistics.distribution import selectors, services
from logistics.distribution.documents import printing
from logistics.distribution.forms import (
    CollectedForm,
    DeliverForm,
    FindCodeForm,
    PackForm,
    PickListForm,
    ShippedForm,
    failed_form,
    handing_over_forms,
    not_collected_form,
)
from logistics.models import Referral, ReferralStatus
from logistics.referrals import selectors as referral_selectors
from logistics.referrals.rules import goods_packed
from logistics.stock import selectors as stock_selectors
from startpakket import audit, refusals
from startpakket.downloads import pdf_or_message, pdf_response
from startpakket.errors import DomainError
from startpakket.paging import page_of
from startpakket.roles import Role

PAGE_SIZE = 20


def _summary(pick_list) -> dict:
    """How far a list is: packages on it, and how many are still to pack / to deliver."""
    counts = dict.fromkeys(ReferralStatus.values, 0)
    for entry in selectors.on_list_now(pick_list):
        counts[entry.referral.status] += 1
    return {
        "packages": sum(counts.values()),
        "to_pack": counts[ReferralStatus.SCHEDULED],
        "to_deliver": counts[ReferralStatus.PACKED],
        "delivered": counts[ReferralStatus.DELIVERED],
    }


def _made(pick_list) -> str:
    count = pick_list.entries.count()
    return ngettext(
        "Pick list %(number)d is made with %(count)d kit. Print it, and the delivery slips.",
        "Pick list %(number)d is made with %(count)d kits. Print it, and the delivery slips.",
        count) % {"number": pick_list.number, "count": count}


@login_required
@permission_required("logistics.view_picklist", raise_exception=True)
def pick_list_list(request):
    warehouses = stock_selectors.warehouses_for(request.user).order_by("name")
    form = None
    if request.user.has_perm("logistics.add_picklist") and warehouses:
        form = PickListForm(request.POST or None, warehouses=warehouses)
        if request.method == "POST":
            pick_list = refusals.perform(request, form, lambda data: services.create_pick_list(
                warehouse=data["warehouse"], user=request.user,
                max_packages=data["max_packages"], token=data["token"]), _made)
            if pick_list is not None:
                return redirect("pick_lists:detail", pk=pick_list.pk)
    elif request.method == "POST":
        return redirect("pick_lists:list")
    lists = selectors.with_entries(selectors.pick_lists_for(request.user))
    page = page_of(lists, request.GET.get("page"), PAGE_SIZE)
    waiting = selectors.waiting_counts(warehouses)
    return render(request, "logistics/pick_list_list.html", {
        "form": form,
        "waiting": [(warehouse, waiting.get(warehouse.pk, selectors.Waiting()))
                    for warehouse in warehouses],
        "page": page,
        "rows": [(pick_list, _summary(pick_list)) for pick_list in page.rows],
    })


def _pick_list(request, pk):
    return get_object_or_404(selectors.with_entries(selectors.pick_lists_for(request.user)),
                             pk=pk)


def _groups(current) -> list[tuple[str, list]]:
    """The list's entries by delivery method, each group under its method's name."""
    grouped = selectors.by_method(current, lambda entry: entry.referral.delivery_method)
    return [(method, list(entries)) for method, entries in itertools.groupby(
        grouped, key=lambda entry: entry.referral.get_delivery_method_display())]


def _detail_page(request, pick_list, pack_form=None):
    current = selectors.on_list_now(pick_list)
    to_pack = [entry.referral.code for entry in current
               if entry.referral.status == ReferralStatus.SCHEDULED]
    return render(request, "logistics/pick_list_detail.html", {
        "pick_list": pick_list,
        "summary": _summary(pick_list),
        "current": current,
        "groups": _groups(current),
        # Which documents to offer: each delivery method's, for its kits still to go out.
        "methods": selectors.methods_to_deliver(pick_list),
        # Back after a failed delivery: still to be marked packed, but nothing to pick (as the
        # pick list's PDF says).
        "packed_before": {entry.referral.code for entry in current
                          if entry.referral.status == ReferralStatus.SCHEDULED
                          and goods_packed(entry.referral)},
        "removed": [entry for entry in pick_list.entries.all() if entry.removed_at is not None],
        "to_pack": to_pack,
        "pack_form": pack_form or PackForm(codes=to_pack),
        "may_pack": request.user.has_perm("logistics.pack_picklist"),
        # A volunteer no longer opens a kit that was delivered (``referrals_for``).
        "opens": ReferralStatus.values if request.user.has_role(Role.COORDINATOR)
        else referral_selectors.WAREHOUSE_STATUSES,
    })


@login_required
@permission_required("logistics.view_picklist", raise_exception=True)
def detail(request, pk):
    return _detail_page(request, _pick_list(request, pk))


@login_required
@permission_required("logistics.pack_picklist", raise_exception=True)
@require_POST
def pack(request, pk):
    pick_list = _pick_list(request, pk)
    codes = [entry.referral.code for entry in selectors.on_list_now(pick_list)]
    form = PackForm(request.POST, codes=codes)
    if form.is_valid():
        try:
            packed = services.pack(pick_list=pick_list, user=request.user, codes=form.chosen())
        except DomainError as error:
            refusals.show_on_form(form, error)
        else:
            if packed:
                messages.success(request, ngettext(
                    "%(count)d kit packed; its goods are taken off the stock.",
                    "%(count)d kits packed; their goods are taken off the stock.",
                    len(packed)) % {"count": len(packed)})
            else:
                messages.info(request, _("Nothing to pack: these kits were packed already."))
            return redirect("pick_lists:detail", pk=pick_list.pk)
    return _detail_page(request, _pick_list(request, pk), form)


@login_required
@permission_required("logistics.view_picklist", raise_exception=True)
def pick_list_pdf(request, pk):
    pick_list = _pick_list(request, pk)
    return pdf_response(printing.pick_list_pdf(pick_list), printing.pick_list_filename(pick_list))


@login_required
@permission_required("logistics.view_picklist", raise_exception=True)
def delivery_slips(request, pk):
    pick_list = _pick_list(request, pk)
    return pdf_or_message(request,
                          lambda: printing.pick_list_slips_pdf(pick_list, user=request.user),
                          printing.pick_list_slips_filename(pick_list),
                          back=reverse("pick_lists:detail", args=[pick_list.pk]))


@login_required
@permission_required("logistics.view_picklist", raise_exception=True)
def route_sheet(request, pk):
    pick_list = _pick_list(request, pk)
    return pdf_or_message(request,
                          lambda: printing.route_sheet_pdf(pick_list, user=request.user),
                          printing.route_sheet_filename(pick_list),
                          back=reverse("pick_lists:detail", args=[pick_list.pk]))


@login_required
@permission_required("logistics.view_picklist", raise_exception=True)
def pickup_notes(request, pk):
    pick_list = _pick_list(request, pk)
    return pdf_or_message(request,
                          lambda: printing.pick_list_pickup_notes_pdf(pick_list, user=request.user),
                          printing.pick_list_pickup_notes_filename(pick_list),
                          back=reverse("pick_lists:detail", args=[pick_list.pk]))


@login_required
@permission_required("logistics.view_picklist", raise_exception=True)
def address_labels(request, pk):
    """``?size=a4`` (default) or ``?size=10x15``."""
    pick_list = _pick_list(request, pk)
    size = request.GET.get("size")
    return pdf_or_message(
        request, lambda: printing.pick_list_labels_pdf(pick_list, user=request.user, size=size),
        printing.pick_list_labels_filename(pick_list, size),
        back=reverse("pick_lists:detail", args=[pick_list.pk]))


@login_required
@permission_required("logistics.pack_picklist", raise_exception=True)
@require_POST
def take_off(request, pk):
    """The ticked kits leave the list, not packed; they wait for a next list."""
    pick_list = _pick_list(request, pk)
    codes = [entry.referral.code for entry in selectors.on_list_now(pick_list)]
    data = request.POST.copy()
    data.pop("all", None)  # only what is ticked: never the whole list by accident
    form = PackForm(data, codes=codes, nothing_ticked=_("Tick the kits to take off the list."))

    def done(taken):
        return ngettext("%(count)d kit taken off the list; it waits for a next list.",
                        "%(count)d kits taken off the list; they wait for a next list.",
                        len(taken)) % {"count": len(taken)}

    taken = refusals.perform(request, form, lambda data: services.take_off(
        pick_list=pick_list, user=request.user, codes=data["referrals"]), done)
    if taken is not None:
        return redirect("pick_lists:detail", pk=pick_list.pk)
    return _detail_page(request, _pick_list(request, pk), form)


# ---------------------------------------------------------------------------------------------
# Deliveries: the volunteer types the code from the slip, or opens the slip's QR code (the
# kit's own page, ``kit``), and says whether the kit was handed over. A code outside the
# user's scope is not found, like one that does not exist.


def _page(request, find: FindCodeForm, referral: Referral | None = None, bound=None):
    forms, attempt = {}, None
    if referral is not None:
        audit.record_read(user=request.user, obj=referral, what=audit.REFERRAL_VIEWED)
        forms = {**handing_over_forms(request.user, referral), **(bound or {})}
        attempt = selectors.delivery_attempt(referral)
    return render(request, "logistics/deliveries.html", {
        "find": find, "referral": referral, "forms": forms, "attempt": attempt,
        "packed_before": referral is not None and goods_packed(referral),
    })


def _found(request, code: str):
    """The page for a code typed or opened: the kit, or the form saying it is not found."""
    form = FindCodeForm({"code": code})
    if not form.is_valid():
        return _page(request, form)
    referral = selectors.find_for_delivery(request.user, form.cleaned_data["code"])
    if referral is None:
        form.add_error("code", _("No kit with code %(code)s is on its way from your warehouse.")
                       % {"code": form.cleaned_data["code"]})
    return _page(request, form, referral)


@login_required
@permission_required("logistics.record_delivery", raise_exception=True)
def find(request):
    """The page to start from at the door or back at the warehouse."""
    if "code" not in request.GET:
        return _page(request, FindCodeForm())
    return _found(request, request.GET["code"])


@login_required
@permission_required("logistics.record_delivery", raise_exception=True)
def kit(request, code):
    """One kit's delivery page: what the slip's QR code opens on a phone (after logging in,
    as any page)."""
    return _found(request, code)


def _referral(request, code) -> Referral:
    return get_object_or_404(referral_selectors.referrals_for(request.user), code=code)


def _after(request, form, referral: Referral):
    """Back to the code page, or to the referral if the user still sees it (a coordinator)."""
    if form.data.get("next") != "deliveries" and referral_selectors.may_see(request.user,
                                                                            referral):
        return redirect(reverse("referrals:detail", args=[referral.code]))
    return redirect("deliveries:find")


def _record(request, code, key, form, perform, done):
    if status := selectors.delivered_out_of_sight(request.user, code):
        # A second tap on "Delivered": the first one did it, and the kit is out of the
        # volunteer's sight now. Say so rather than "not found".
        messages.info(request, services.already_recorded(code, status))
        return redirect("deliveries:find")
    referral = selectors.find_for_delivery(request.user, code)
    if referral is None:
        raise Http404
    changed = refusals.perform(request, form, lambda data: perform(referral, data), done)
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
@permission_required("logistics.record_delivery", raise_exception=True)
@require_POST
def collected(request, code):
    return _record(
        request, code, "collected", CollectedForm(request.POST, auto_id="id_collected_%s"),
        lambda referral, data: services.record_collected(
            referral=referral, user=request.user, collected_on=data["collected_on"]),
        lambda referral: _("%(code)s is recorded as collected. Thank you!")
        % {"code": referral.code})


@login_required
@permission_required("logistics.record_delivery", raise_exception=True)
@require_POST
def not_collected(request, code):
    return _record(
        request, code, "not_collected", not_collected_form(request.POST),
        lambda referral, data: services.record_not_collected(
            referral=referral, user=request.user, reason=data["reason"]),
        lambda referral: _("%(code)s is recorded as not collected; the nurse is told.")
        % {"code": referral.code})


@login_required
@permission_required("logistics.record_delivery", raise_exception=True)
@require_POST
def shipped(request, code):
    return _record(
        request, code, "shipped", ShippedForm(request.POST, auto_id="id_shipped_%s"),
        lambda referral, data: services.record_shipped(
            referral=referral, user=request.user, shipped_on=data["shipped_on"],
            tracking_number=data["tracking_number"]),
        lambda referral: _("%(code)s is recorded as shipped.") % {"code": referral.code})


@login_required
@permission_required("logistics.view_picklist", raise_exception=True)
def pickup_note(request, code):
    referral = _referral(request, code)
    return pdf_or_message(request,
                          lambda: printing.referral_pickup_note_pdf(referral, user=request.user),
                          printing.referral_pickup_note_filename(referral),
                          back=reverse("referrals:detail", args=[referral.code]))


@login_required
@permission_required("logistics.view_picklist", raise_exception=True)
def address_label(request, code):
    """``?size=10x15`` (default) or ``?size=a4``."""
    referral = _referral(request, code)
    size = request.GET.get("size")
    return pdf_or_message(
        request, lambda: printing.referral_label_pdf(referral, user=request.user, size=size),
        printing.referral_label_filename(referral, size),
        back=reverse("referrals:detail", args=[referral.code]))


@login_required
@permission_required("logistics.view_picklist", raise_exception=True)
def delivery_slip(request, code):
    referral = _referral(request, code)
    return pdf_or_message(request, lambda: printing.referral_slip_pdf(referral, user=request.user),
                          printing.referral_slip_filename(referral),
                          back=reverse("referrals:detail", args=[referral.code]))
