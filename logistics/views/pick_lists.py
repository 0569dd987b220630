"""The warehouse's pages (DESIGN §7.3 ``/pick-lists/``): make a pick list, print it and its
delivery slips, mark kits packed. Lists are looked up through ``selectors.pick_lists_for``:
another warehouse's list is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from logistics import selectors
from logistics.delivery_forms import PackForm, PickListForm
from logistics.documents import printing
from logistics.models import ReferralStatus
from logistics.services import pick_lists as services
from logistics.views import actions
from startpakket.downloads import pdf_or_message, pdf_response
from startpakket.errors import DomainError
from startpakket.paging import page_of
from startpakket.roles import Role

PAGE_SIZE = 20


def _waiting_counts(warehouses) -> dict[int, int]:
    """Per warehouse, how many kits wait for a list; one query."""
    rows = (services.waiting_at(warehouses).order_by()
            .values("warehouse").annotate(count=Count("pk")))
    return {row["warehouse"]: row["count"] for row in rows}


def _summary(pick_list) -> dict:
    """How far a list is: packages on it, and how many are still to pack / to deliver."""
    counts = dict.fromkeys(ReferralStatus.values, 0)
    for entry in services.on_list_now(pick_list):
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
    warehouses = selectors.warehouses_for(request.user).order_by("name")
    form = None
    if request.user.has_perm("logistics.add_picklist") and warehouses:
        form = PickListForm(request.POST or None, warehouses=warehouses)
        if request.method == "POST":
            pick_list = actions.perform(request, form, lambda data: services.create_pick_list(
                warehouse=data["warehouse"], user=request.user,
                max_packages=data["max_packages"], token=data["token"]), _made)
            if pick_list is not None:
                return redirect("pick_lists:detail", pk=pick_list.pk)
    elif request.method == "POST":
        return redirect("pick_lists:list")
    lists = selectors.with_entries(selectors.pick_lists_for(request.user))
    page = page_of(lists, request.GET.get("page"), PAGE_SIZE)
    waiting = _waiting_counts(warehouses)
    return render(request, "logistics/pick_list_list.html", {
        "form": form,
        "waiting": [(warehouse, waiting.get(warehouse.pk, 0)) for warehouse in warehouses],
        "page": page,
        "rows": [(pick_list, _summary(pick_list)) for pick_list in page.rows],
    })


def _pick_list(request, pk):
    return get_object_or_404(selectors.with_entries(selectors.pick_lists_for(request.user)),
                             pk=pk)


def _detail_page(request, pick_list, pack_form=None):
    current = services.on_list_now(pick_list)
    to_pack = [entry.referral.code for entry in current
               if entry.referral.status == ReferralStatus.SCHEDULED]
    return render(request, "logistics/pick_list_detail.html", {
        "pick_list": pick_list,
        "summary": _summary(pick_list),
        "current": current,
        "removed": [entry for entry in pick_list.entries.all() if entry.removed_at is not None],
        "to_pack": to_pack,
        "pack_form": pack_form or PackForm(codes=to_pack),
        "may_pack": request.user.has_perm("logistics.pack_picklist"),
        # A volunteer no longer opens a kit that was delivered (``selectors.referrals_for``).
        "opens": ReferralStatus.values if request.user.has_role(Role.COORDINATOR)
        else selectors.WAREHOUSE_STATUSES,
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
    codes = [entry.referral.code for entry in services.on_list_now(pick_list)]
    form = PackForm(request.POST, codes=codes)
    if form.is_valid():
        try:
            packed = services.pack(pick_list=pick_list, user=request.user, codes=form.chosen())
        except DomainError as error:
            form.add_error(None, error.detail)
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
@permission_required("logistics.pack_picklist", raise_exception=True)
@require_POST
def take_off(request, pk):
    """The ticked kits leave the list, not packed; they wait for a next list."""
    pick_list = _pick_list(request, pk)
    codes = [entry.referral.code for entry in services.on_list_now(pick_list)]
    data = request.POST.copy()
    data.pop("all", None)  # only what is ticked: never the whole list by accident
    form = PackForm(data, codes=codes, nothing_ticked=_("Tick the kits to take off the list."))

    def done(taken):
        return ngettext("%(count)d kit taken off the list; it waits for a next list.",
                        "%(count)d kits taken off the list; they wait for a next list.",
                        len(taken)) % {"count": len(taken)}

    taken = actions.perform(request, form, lambda data: services.take_off(
        pick_list=pick_list, user=request.user, codes=data["referrals"]), done)
    if taken is not None:
        return redirect("pick_lists:detail", pk=pick_list.pk)
    return _detail_page(request, _pick_list(request, pk), form)
