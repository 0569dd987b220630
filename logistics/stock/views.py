"""The stock pages (DESIGN §7.3 ``/stock/``): levels, receiving, counting, and an item's ledger."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from logistics.models import Item
from logistics.stock import selectors
from logistics.stock import services as stock
from logistics.stock.forms import AdjustForm, CountForm, LedgerFilterForm, ReceiveForm, TransferForm
from startpakket import refusals
from startpakket.errors import DomainError
from startpakket.paging import page_of

LEDGER_PAGE_SIZE = 50


def _levels_url(warehouse):
    return f"{reverse('stock:levels')}?warehouse={warehouse.code}"


@login_required
@permission_required("logistics.view_stocklevel", raise_exception=True)
def levels(request):
    """Stock per warehouse, low items first."""
    warehouses = list(selectors.warehouses_for(request.user).order_by("name"))
    chosen = [w for w in warehouses if w.code == request.GET.get("warehouse")] or warehouses
    rows = selectors.stock_rows_for(request.user, warehouses=chosen)
    sections = [
        (warehouse, [row for row in rows if row.warehouse.pk == warehouse.pk])
        for warehouse in chosen
    ]
    return render(request, "logistics/stock_levels.html", {
        "sections": sections,
        "warehouses": warehouses,
        "chosen": chosen[0] if len(chosen) == 1 and len(warehouses) > 1 else None,
    })


def _booking_page(request, form_class, template, book, done_message, *, minimum=1,
                  initial=None):
    """Show the form; on a valid POST book it once, then go back to the warehouse's stock.
    A refusal by the stock rules (too little stock, a count below the reservations) is shown
    on the form, and nothing is booked. So is the same booking made minutes ago (the Back
    button): the form asks whether to book it again, and books it when ``book_again`` is
    ticked. ``book(form, warehouse, check_repeat)`` calls the service."""
    warehouses = selectors.warehouses_for(request.user).order_by("name")
    if warehouses.count() < minimum:
        return render(request, template, {"form": None})
    form = form_class(request.POST or None, warehouses=warehouses, initial=initial)
    repeated = None
    if request.method == "POST" and form.is_valid():
        warehouse = form.cleaned_data["warehouse"]
        try:
            movements = book(form, warehouse, not form.cleaned_data["book_again"])
        except stock.AlreadyBooked as error:
            messages.info(request, error.detail)
            return redirect(_levels_url(warehouse))
        except stock.RepeatedBooking as error:
            repeated = error
        except DomainError as error:
            refusals.show_on_form(form, error)
        else:
            messages.success(request, done_message(movements))
            return redirect(_levels_url(warehouse))
    return render(request, template, {"form": form, "repeated": repeated})


@login_required
@permission_required("logistics.receive_stock", raise_exception=True)
def receive(request):
    """Book a delivery of goods: a quantity next to each item that came in."""

    def book(form, warehouse, check_repeat):
        return stock.receive(warehouse=warehouse, lines=form.lines(), user=request.user,
                             note=form.cleaned_data["note"], batch=form.cleaned_data["token"],
                             check_repeat=check_repeat)

    def done(movements):
        return ngettext("Received: %(count)d item booked.", "Received: %(count)d items booked.",
                        len(movements)) % {"count": len(movements)}

    return _booking_page(request, ReceiveForm, "logistics/stock_receive.html", book, done)


@login_required
@permission_required("logistics.count_stock", raise_exception=True)
def count(request):
    """Enter what is on the shelf; the differences with the books are written as corrections."""

    def book(form, warehouse, check_repeat):
        return stock.count(warehouse=warehouse, counted=form.lines(), user=request.user,
                           note=form.cleaned_data["note"], batch=form.cleaned_data["token"],
                           ledger_seen=form.cleaned_data["ledger_seen"],
                           check_repeat=check_repeat)

    def done(movements):
        if not movements:
            return _("Count saved: everything you counted matches the books.")
        changes = ", ".join(f"{m.item.name} {m.quantity:+d}" for m in movements)
        return _("Count saved. Corrected: %(changes)s.") % {"changes": changes}

    return _booking_page(request, CountForm, "logistics/stock_count.html", book, done)


@login_required
@permission_required("logistics.transfer_stock", raise_exception=True)
def transfer(request):
    """Move goods from one warehouse to another."""

    def book(form, warehouse, check_repeat):
        return stock.transfer(source=warehouse, destination=form.cleaned_data["destination"],
                              lines=form.lines(), user=request.user,
                              note=form.cleaned_data["note"], batch=form.cleaned_data["token"],
                              check_repeat=check_repeat)

    def done(movements):
        count = len(movements) // 2
        return ngettext("Moved: %(count)d item.", "Moved: %(count)d items.", count) % {
            "count": count}

    return _booking_page(request, TransferForm, "logistics/stock_transfer.html", book, done,
                         minimum=2)


@login_required
@permission_required("logistics.adjust_stock", raise_exception=True)
def adjust(request):
    """Correct one item up or down with a reason, e.g. damaged goods."""

    def book(form, warehouse, check_repeat):
        return [stock.adjust(warehouse=warehouse, item=form.cleaned_data["item"],
                             quantity=form.cleaned_data["quantity"],
                             reason=form.cleaned_data["reason"], user=request.user,
                             batch=form.cleaned_data["token"], check_repeat=check_repeat)]

    def done(movements):
        (movement,) = movements
        return _("Adjusted: %(item)s %(quantity)+d.") % {
            "item": movement.item.name, "quantity": movement.quantity}

    return _booking_page(request, AdjustForm, "logistics/stock_adjust.html", book, done,
                         initial={"item": request.GET.get("item")})


@login_required
@permission_required("logistics.view_stockmovement", raise_exception=True)
def item_ledger(request, sku):
    """Every movement of one item, newest first, filterable by date and kind."""
    item = get_object_or_404(Item, sku=sku)
    rows = selectors.stock_rows_for(request.user, item=item)
    filters = LedgerFilterForm(request.GET or None)
    movements = filters.apply(selectors.movements_for(request.user, item=item))
    page = page_of(movements, request.GET.get("page"), LEDGER_PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "logistics/stock_item.html", {
        "item": item,
        "rows": rows,
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
    })
