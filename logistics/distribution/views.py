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
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from logistics.distribution import selectors, services
from logistics.distribution.documents import printing
from logistics.distribution.forms import (
    HANDING_OVER_FORMS,
    FindCodeForm,
    PackForm,
    PickListForm,
    handing_over_forms,
)
from logistics.models import Referral, ReferralStatus
from logistics.referrals import selectors as referral_selectors
from logistics.referrals.rules import goods_packed
from logistics.referrals.workflow import Action
from logistics.stock import selectors as stock_selectors
from startpakket import audit, refusals
from startpakket.downloads import pdf_or_message, pdf_response
from startpakket.errors import DomainError
from startpakket.paging import page_of
from startpakket.roles import Role

PAGE_SIZE = 20


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
    page = page_of(selectors.pick_lists_for(request.user), request.GET.get("page"), PAGE_SIZE)
    progress = selectors.progress_of(page.rows)
    waiting = selectors.waiting_counts(warehouses)
    return render(request, "logistics/pick_list_list.html", {
        "form": form,
        "waiting": [(warehouse, waiting.get(warehouse.pk, selectors.Waiting()))
                    for warehouse in warehouses],
        "page": page,
        "rows": [(pick_list, progress[pick_list.pk]) for pick_list in page.rows],
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
        "summary": selectors.progress(pick_list),
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


def _document(find, back, make_pdf, filename, *, sized: bool = False):
    """The view handing out one document of what ``find`` looks up in the user's scope (a pick
    list or a referral); when there is nothing to print, the page at ``back(it)`` says why. A
    ``sized`` one takes ``?size=`` (``printing.label_sheet``)."""

    @login_required
    @permission_required("logistics.view_picklist", raise_exception=True)
    def view(request, **key):
        found = find(request, **key)
        options = {"size": request.GET.get("size")} if sized else {}
        return pdf_or_message(request, lambda: make_pdf(found, user=request.user, **options),
                              filename(found, **options), back=back(found))

    return view


def _pick_list_document(make_pdf, filename, **options):
    return _document(_pick_list,
                     lambda pick_list: reverse("pick_lists:detail", args=[pick_list.pk]),
                     make_pdf, filename, **options)


delivery_slips = _pick_list_document(printing.pick_list_slips_pdf,
                                     printing.pick_list_slips_filename)
route_sheet = _pick_list_document(printing.route_sheet_pdf, printing.route_sheet_filename)
pickup_notes = _pick_list_document(printing.pick_list_pickup_notes_pdf,
                                   printing.pick_list_pickup_notes_filename)
# ``?size=a4`` (default) or ``?size=10x15``.
address_labels = _pick_list_document(printing.pick_list_labels_pdf,
                                     printing.pick_list_labels_filename, sized=True)


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


def _recording(action: Action, perform, done):
    """The view recording how a kit was handed over, or that it was not: the action's form
    (``HANDING_OVER_FORMS``), ``perform(referral, user, data)`` through the service, and
    ``done`` the message, with ``%(code)s``."""
    key, make_form = HANDING_OVER_FORMS[action]

    @login_required
    @permission_required("logistics.record_delivery", raise_exception=True)
    @require_POST
    def view(request, code):
        form = make_form(request.POST)
        if status := selectors.delivered_out_of_sight(request.user, code):
            # A second tap on "Delivered": the first one did it, and the kit is out of the
            # volunteer's sight now. Say so rather than "not found".
            messages.info(request, services.already_recorded(code, status))
            return redirect("deliveries:find")
        referral = selectors.find_for_delivery(request.user, code)
        if referral is None:
            raise Http404
        changed = refusals.perform(
            request, form, lambda data: perform(referral, request.user, data),
            lambda referral: done % {"code": referral.code})
        if changed is not None:
            return _after(request, form, changed)
        return _page(request, FindCodeForm(initial={"code": referral.code}), referral,
                     {key: form})

    return view


deliver = _recording(
    Action.DELIVER,
    lambda referral, user, data: services.record_delivery(
        referral=referral, user=user, delivered_on=data["delivered_on"]),
    gettext_lazy("%(code)s is recorded as delivered. Thank you!"))
delivery_failed = _recording(
    Action.DELIVERY_FAILED,
    lambda referral, user, data: services.record_failed_delivery(
        referral=referral, user=user, reason=data["reason"]),
    gettext_lazy("%(code)s could not be delivered; the kit goes on a next pick list."))
collected = _recording(
    Action.COLLECTED,
    lambda referral, user, data: services.record_collected(
        referral=referral, user=user, collected_on=data["collected_on"]),
    gettext_lazy("%(code)s is recorded as collected. Thank you!"))
not_collected = _recording(
    Action.NOT_COLLECTED,
    lambda referral, user, data: services.record_not_collected(
        referral=referral, user=user, reason=data["reason"]),
    gettext_lazy("%(code)s is recorded as not collected; the nurse is told."))
shipped = _recording(
    Action.SHIPPED,
    lambda referral, user, data: services.record_shipped(
        referral=referral, user=user, shipped_on=data["shipped_on"],
        tracking_number=data["tracking_number"]),
    gettext_lazy("%(code)s is recorded as shipped."))


def _referral_document(make_pdf, filename, **options):
    return _document(_referral,
                     lambda referral: reverse("referrals:detail", args=[referral.code]),
                     make_pdf, filename, **options)


pickup_note = _referral_document(printing.referral_pickup_note_pdf,
                                 printing.referral_pickup_note_filename)
# ``?size=10x15`` (default) or ``?size=a4``.
address_label = _referral_document(printing.referral_label_pdf,
                                   printing.referral_label_filename, sized=True)
delivery_slip = _referral_document(printing.referral_slip_pdf,
                                   printing.referral_slip_filename)
