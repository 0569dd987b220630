"""The referral pages (DESIGN §7.3): the nurse's form, the lists, one referral, and the
coordinator's approval queue. Every read goes through ``selectors.referrals_for``; every change
through ``referrals.services``."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import (
    login_required,
    permission_required,
    user_passes_test,
)
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from eligibility import explain, snapshot
from eligibility import services as eligibility
from eligibility import views as eligibility_pages
from eligibility.forms import FROM_CHECK, HouseholdIncomeForm
from eligibility.models import IncomeKind, Outcome
from logistics.models import (
    EligibilityOverride,
    Referral,
    ReferralStatus,
    ReferralStatusChange,
    Warehouse,
)
from logistics.referrals import follow_ups, selectors, services
from logistics.referrals import input as referral_input
from logistics.referrals.filters import ReferralFilter, record_search
from logistics.referrals.forms import (
    ApproveForm,
    CancelForm,
    OverrideForm,
    ReasonForm,
    ReferralEditForm,
    ReferralForm,
    check_digest,
)
from logistics.referrals.rules import goods_packed, urgency
from logistics.referrals.workflow import OPEN_STATUSES, Action, available_actions
from logistics.stock import selectors as stock_selectors
from startpakket import audit, refusals
from startpakket.errors import DomainError, FieldError
from startpakket.paging import page_of
from startpakket.roles import Role

PAGE_SIZE = 25
# The list's less used filters, folded away under "More filters".
MORE_FILTERS = {"kit_type", "organisation", "submitted_from", "submitted_to", "due_before"}
S = ReferralStatus


def _urgency(referral: Referral, today) -> str:
    return urgency(referral.deliver_by, today) if referral.status in OPEN_STATUSES else ""


@dataclass
class Row:
    """A referral as a list shows it."""

    referral: Referral
    urgency: str = ""
    outcome: str = ""
    overridden: bool = False
    forms: dict = field(default_factory=dict)
    warehouse: Warehouse | None = None

    @property
    def outcome_label(self):
        return Outcome(self.outcome).label if self.outcome else ""

    @property
    def eligible(self) -> bool:
        return self.outcome == Outcome.ELIGIBLE


def _row(referral: Referral, today, *, with_outcome: bool) -> Row:
    row = Row(referral, _urgency(referral, today))
    if with_outcome:
        row.outcome = services.outcome_of(referral)
        row.overridden = bool(referral.eligibility_override)
    return row


def _explained(decision) -> dict:
    return {
        "decision": decision,
        "explanation": [explain.text(message) for message in decision.explanation],
        "warnings": [explain.text(message) for message in decision.warnings],
    }


# ---------------------------------------------------------------------------------------------
# The nurse's form


def offer_referral_after_check() -> None:
    """"Refer this family" under the outcome of the eligibility check, for whoever may refer:
    it opens this form with the check's household and incomes (``new``)."""
    eligibility_pages.add_next_step(eligibility_pages.NextStep(
        url_name="referrals:new", permission="logistics.add_referral",
        label=gettext_lazy("Refer this family")))


@login_required
@permission_required("logistics.add_referral", raise_exception=True)
def new(request):
    if request.method == "POST" and FROM_CHECK in request.POST:
        return _from_check(request)
    form = ReferralForm(request.POST or None)

    def store():
        referral = _submit(request, form)
        if referral is not None:
            messages.success(request, _("Referral %(code)s is sent. You can follow it here.")
                             % {"code": referral.code})
            if (point := referral.pickup_point) is not None:
                # The confirmation tells the nurse what to tell the parent (the page repeats it).
                messages.info(request, _(
                    "Tell the parent to collect the kit at %(point)s, %(address)s, %(city)s; "
                    "the opening hours are below.") % {
                        "point": point.name, "address": point.address, "city": point.city})
        return referral

    return _form_page(request, form, store)


@login_required
@permission_required("logistics.add_referral", raise_exception=True)
def edit(request, code):
    """The referrer corrects a referral the coordinator asked about: the same form, filled in,
    and her answer; sending it puts the referral back in the queue."""
    referral = _referral(request, code)
    if Action.RESUBMIT not in available_actions(request.user, referral):
        messages.error(request, _("Referral %(code)s can only be corrected while the "
                                  "coordinator waits for your answer.") % {"code": referral.code})
        return redirect("referrals:detail", code=referral.code)
    form = ReferralEditForm(request.POST or None, referral=referral)
    if request.method == "GET":
        audit.record_read(user=request.user, obj=referral, what=audit.REFERRAL_EDIT_VIEWED)

    def store():
        changed = _update(request, referral, form)
        if changed is not None:
            messages.success(request, _("Referral %(code)s is corrected and waits for a "
                                        "decision again.") % {"code": changed.code})
        return changed

    return _form_page(request, form, store, {
        "referral": referral,
        "question": _question(selectors.history_of(referral)),
    })


def _form_page(request, form: ReferralForm, store, context: dict | None = None):
    """The referral form, new or corrected. "Check" shows the outcome and stores nothing;
    "Refer" (or "Send") stores through ``store()``, but only an outcome the nurse has seen with
    the parent: if the household or income changed after the last check, the new outcome is
    shown first."""
    outcome, checked, unseen = None, "", False
    if request.method == "POST":
        refer = "refer" in request.POST
        valid = form.is_valid()
        if not refer:
            form.drop_errors_except_the_check()
        decision = _assess(form)
        if decision is not None:
            outcome, checked = _explained(decision), form.check_digest()
        if refer and (errors := referral_input.field_errors(form.parsed_fields())):
            # The service's rules judge what did parse, before the outcome is shown or the
            # referral stored, so that every mistake shows at once (the service asks again).
            refusals.show_on_form(form, FieldError.of(errors))
            valid = False
        if refer and valid and decision is not None:
            if request.POST.get("checked") != checked:
                unseen = True
            elif (referral := store()) is not None:
                return redirect("referrals:detail", code=referral.code)
    return _render_form(request, form, outcome=outcome, checked=checked, unseen=unseen,
                        context=context)


def _render_form(request, form: ReferralForm, *, outcome, checked: str, unseen=False,
                 context: dict | None = None):
    counted = eligibility.policy_in_force(timezone.localdate()).counted_kinds
    excluded_fields = form.amount_fields(False, counted)
    return render(request, "logistics/referral_new.html", {
        "form": form,
        "outcome": outcome,
        "checked": checked,
        "unseen": unseen,
        "counted_fields": form.amount_fields(True, counted),
        "excluded_fields": excluded_fields,
        # Folded away unless something was typed there.
        "excluded_open": any(field.value() or field.errors for field in excluded_fields),
        **(context or {}),
    })


def _from_check(request):
    """The form opened from the eligibility check's outcome: its household and incomes filled
    in and their outcome shown, as after "Check", so the nurse fills in the rest and refers.
    Nothing is judged yet but the check's part, so no other field is marked wrong."""
    carried = HouseholdIncomeForm(request.POST)
    valid = carried.is_valid()  # what does not parse (a tampered POST) stays empty
    form = ReferralForm(initial={name: value for name, value in carried.cleaned_data.items()
                                 if name in carried.check_field_names()})
    outcome, checked = None, ""
    if valid:
        try:
            decision = services.assess(carried.household(), carried.incomes())
        except DomainError:
            pass  # "Check" on the form shows the objection, at its field if it has one
        else:
            outcome = _explained(decision)
            checked = check_digest(carried.household(), carried.incomes())
    return _render_form(request, form, outcome=outcome, checked=checked)


def _assess(form: ReferralForm):
    if not form.check_fields_valid():
        return None
    try:
        return services.assess(form.household(), form.incomes())
    except FieldError as error:
        refusals.show_on_form(form, error, form.field_for_path)
        return None


def _submit(request, form: ReferralForm) -> Referral | None:
    try:
        return services.submit_referral(user=request.user, data=form.referral_input(),
                                        token=form.cleaned_data["token"])
    except services.AlreadySubmitted as error:
        return error.referral  # a double tap: show the referral the first tap made
    except DomainError as error:
        refusals.show_on_form(form, error, form.field_for_path)
    return None


def _update(request, referral: Referral, form: ReferralEditForm) -> Referral | None:
    def field_for(path: str) -> str | None:
        # The service calls the answer a reason, as in every status change.
        return "answer" if path == "reason" else form.field_for_path(path)

    try:
        return services.update_referral(referral=referral, user=request.user,
                                        data=form.referral_input(),
                                        answer=form.cleaned_data["answer"])
    except DomainError as error:
        refusals.show_on_form(form, error, field_for)
    return None


# ---------------------------------------------------------------------------------------------
# Lists


@login_required
@permission_required("logistics.view_referral", raise_exception=True)
def referral_list(request):
    """The referrals this user may see, most urgent first; by default those still under way."""
    user = request.user
    coordinator = user.has_role(Role.COORDINATOR)
    # Always bound, so that no status means "under way"; bad values are shown at their fields
    # and the valid ones still filter.
    filters = ReferralFilter(request.GET, selectors.referrals_for(user), request=request,
                             default_statuses=OPEN_STATUSES)
    record_search(user, filters)
    referrals = filters.qs.defer("household", "incomes")
    if coordinator:
        referrals = selectors.with_duplicate_flag(referrals)
    else:
        referrals = referrals.defer("eligibility")
    page = page_of(referrals.order_by("deliver_by", "id"), request.GET.get("page"), PAGE_SIZE)
    today = timezone.localdate()
    query = request.GET.copy()
    query.pop("page", None)
    more = [field for field in filters.form if field.name in MORE_FILTERS]
    return render(request, "logistics/referral_list.html", {
        "filters": filters.form,
        "main_filters": [field for field in filters.form if field.name not in MORE_FILTERS],
        "more_filters": more,
        # Folded away unless one of them is in use, or wrong.
        "more_filters_open": any(field.value() or field.errors for field in more),
        "page": page,
        "rows": [_row(referral, today, with_outcome=coordinator) for referral in page],
        "query": query.urlencode(),
        "shows_names": user.has_role(Role.REFERRER, Role.COORDINATOR),
        "coordinator": coordinator,
    })


@login_required
@permission_required("logistics.decide_referral", raise_exception=True)
def queue(request):
    """Submitted referrals, most urgent first, each with its own small approve, reject and ask
    forms."""
    referrals = selectors.with_duplicate_flag(
        selectors.referrals_for(request.user).filter(status=S.SUBMITTED)
    ).defer("household", "incomes").select_related(
        "organisation__logistics_settings"  # each row's default warehouse, in the same query
    ).order_by("deliver_by", "id")
    page = page_of(referrals, request.GET.get("page"), PAGE_SIZE)
    warehouses = stock_selectors.active_warehouses()
    today = timezone.localdate()
    rows = []
    for referral in page:
        row = _row(referral, today, with_outcome=True)
        row.warehouse = services.warehouse_for(referral, warehouses)
        auto_id = f"id_{referral.code}_%s"
        row.forms = {
            "reject": ReasonForm(auto_id=auto_id.replace("%s", "reject_%s"),
                                 label=_("Reason for rejecting")),
            "ask": ReasonForm(auto_id=auto_id.replace("%s", "ask_%s"),
                              label=_("Question for the referrer")),
        }
        rows.append(row)
    return render(request, "logistics/referral_queue.html", {"page": page, "rows": rows})


# ---------------------------------------------------------------------------------------------
# One referral


@login_required
@permission_required("logistics.view_referral", raise_exception=True)
def detail(request, code):
    return _detail_page(request, _referral(request, code))


def _referral(request, code) -> Referral:
    return get_object_or_404(selectors.referrals_for(request.user), code=code)


def _question(history) -> ReferralStatusChange | None:
    """The coordinator's latest question: the reason of the last change into needs_info."""
    return _last_change_into(S.NEEDS_INFO, history)


def _last_change_into(status: S, history) -> ReferralStatusChange | None:
    return next((change for change in reversed(list(history)) if change.to_status == status),
                None)


# Ended without a kit: the page opens with why (the reason of that change), and there is no
# day to deliver by any more.
ENDED = frozenset({S.REJECTED, S.CANCELLED})


# Forms of the actions another slice carries out on a referral's page (the distribution slice
# records deliveries): that slice registers them at start-up (``LogisticsConfig.ready``) through
# ``add_action_forms``, so that referrals imports nothing of it. Per action: the key the
# template knows it by, and a function that makes the blank form.
_other_action_forms: dict[Action, tuple[str, Callable[[], object]]] = {}


def add_action_forms(action_forms: Mapping[Action, tuple[str, Callable[[], object]]]) -> None:
    """Show these forms on a referral's page to whoever may take their action now; registering
    an action again replaces its form."""
    _other_action_forms.update(action_forms)


def _action_forms(request, referral: Referral, bound: dict) -> dict:
    """The blank forms of the actions this user may take now (``available_actions``), with
    ``bound`` ones (that came back with errors) in their place."""
    may = available_actions(request.user, referral)
    forms = {}
    if Action.APPROVE in may and services.outcome_of(referral) == Outcome.ELIGIBLE:
        warehouses = stock_selectors.active_warehouses()
        forms["approve"] = ApproveForm(
            auto_id="id_approve_%s", warehouses=warehouses,
            default=services.warehouse_for(referral, warehouses))
    if Action.REJECT in may:
        forms["reject"] = ReasonForm(auto_id="id_reject_%s", label=_("Reason for rejecting"),
                                     multiline=True)
    if Action.ASK in may:
        forms["ask"] = ReasonForm(auto_id="id_ask_%s", label=_("Question for the referrer"),
                                  multiline=True)
    if Action.OVERRIDE in may:
        forms["override"] = OverrideForm(auto_id="id_override_%s")
    if Action.RESUBMIT in may:
        forms["resubmit"] = ReasonForm(auto_id="id_resubmit_%s", label=_("Your answer"),
                                       multiline=True)
    if Action.STOP in may:
        forms["stop"] = ReasonForm(auto_id="id_stop_%s", label=_("Why is it stopped?"),
                                   multiline=True)
    if Action.CANCEL in may:
        forms["cancel"] = CancelForm(auto_id="id_cancel_%s", packed=goods_packed(referral))
    for action, (key, make) in _other_action_forms.items():
        if action in may:
            forms[key] = make()
    return {**forms, **bound}


def _detail_page(request, referral: Referral, bound: dict | None = None):
    user = request.user
    # Every showing of the page, also after an action's refusal: each shows the family's data.
    audit.record_read(user=user, obj=referral, what=audit.REFERRAL_VIEWED)
    history = selectors.history_of(referral)
    today = timezone.localdate()
    may = available_actions(user, referral)
    # The document that goes with the kit: a slip, a pick-up note or an address label.
    may_print = {"slip": Action.PRINT_SLIP in may, "pickup_note": Action.PRINT_PICKUP_NOTE in may,
                 "label": Action.PRINT_LABEL in may}
    pick_list = (selectors.last_pick_list(referral)
                 if user.has_perm("logistics.view_picklist") else None)
    if not user.has_role(Role.REFERRER, Role.COORDINATOR):
        # A volunteer: what the delivery needs, nothing about income, household or the check.
        return render(request, "logistics/referral_delivery.html", {
            "referral": referral,
            "may_print": may_print,
            "pick_list": pick_list,
            "forms": _action_forms(request, referral, bound or {}),
            "urgency": _urgency(referral, today),
            "before_window": referral.window_opens > today,
            "history": [change for change in history if change.from_status != change.to_status],
        })
    question = _question(history) if referral.status == S.NEEDS_INFO else None
    return render(request, "logistics/referral_detail.html", {
        "referral": referral,
        "ended": referral.status in ENDED,
        "ending": (_last_change_into(referral.status, history)
                   if referral.status in ENDED else None),
        "may_print": may_print,
        "collect_weeks": settings.PICKUP_COLLECT_WEEKS,
        "pick_list": pick_list,
        "urgency": _urgency(referral, today),
        # The kit's time window has not opened: it goes on no pick list before that day.
        "before_window": referral.window_opens > today,
        "history": history,
        "question": question,
        "outcome": services.outcome_of(referral),
        "eligible": services.outcome_of(referral) == Outcome.ELIGIBLE,
        "override_label": (EligibilityOverride(referral.eligibility_override).label
                           if referral.eligibility_override else ""),
        **_explained(services.decision_of(referral)),
        "checked_on": services.checked_on(referral),
        "household": snapshot.household_from_json(referral.household),
        "incomes": [(IncomeKind(income.kind).label, income.amount)
                    for income in snapshot.incomes_from_json(referral.incomes)],
        "duplicates": (selectors.possible_duplicates(referral)
                       if user.has_role(Role.COORDINATOR) else []),
        # The kits of the same referral, linked both ways (``follow_ups``).
        "follows": referral.follows,
        "follow_up": selectors.follow_up_of(referral),
        "forms": _action_forms(request, referral, bound or {}),
    })


# ---------------------------------------------------------------------------------------------
# Actions: POST only, each back to the referral or the queue with a message


def _act(request, code, action: str, form, perform, done):
    """Validate ``form``; run ``perform(referral, cleaned_data)``; on success go back with
    ``done(referral)`` as the message. A refusal is shown on the form (or, from the queue, as
    a message there), and nothing has changed."""
    referral = _referral(request, code)
    changed = refusals.perform(request, form, lambda data: perform(referral, data), done)
    if changed is not None:
        return _back(form, changed)
    if form.back_to_queue():
        problems = " ".join(str(error) for errors in form.errors.values() for error in errors)
        messages.error(request, f"{referral.code}: {problems}")
        return redirect("referrals:queue")
    return _detail_page(request, referral, {action: form})


def _back(form, referral: Referral):
    if form.back_to_queue():
        return redirect("referrals:queue")
    return redirect(reverse("referrals:detail", args=[referral.code]))


def _reason_action(action: str, permission, label, service, done):
    """The view of an action that takes a reason (a question, an answer): ``service(referral=…,
    user=…, reason=…)``, then ``done`` as the message, with ``%(code)s``. ``permission`` is the
    decorator that lets the user in."""

    @login_required
    @permission
    @require_POST
    def view(request, code):
        form = ReasonForm(request.POST, auto_id=f"id_{action}_%s", label=label, multiline=True)
        return _act(request, code, action, form,
                    lambda referral, data: service(referral=referral, user=request.user,
                                                   reason=data["reason"]),
                    lambda referral: done % {"code": referral.code})

    return view


@login_required
@permission_required("logistics.decide_referral", raise_exception=True)
@require_POST
def approve(request, code):
    warehouses = stock_selectors.active_warehouses()
    form = ApproveForm(request.POST, auto_id="id_approve_%s", warehouses=warehouses)

    def perform(referral, data):
        return services.approve_referral(referral=referral, user=request.user,
                                         warehouse=data["warehouse"])

    def done(referral):
        return _("Referral %(code)s approved; the kit is reserved at %(warehouse)s.") % {
            "code": referral.code, "warehouse": referral.warehouse.name}

    return _act(request, code, "approve", form, perform, done)


reject = _reason_action(
    "reject", permission_required("logistics.decide_referral", raise_exception=True),
    gettext_lazy("Reason for rejecting"), services.reject_referral,
    gettext_lazy("Referral %(code)s rejected."))
ask = _reason_action(
    "ask", permission_required("logistics.decide_referral", raise_exception=True),
    gettext_lazy("Question for the referrer"), services.ask_for_information,
    gettext_lazy("Your question about %(code)s was sent to the referrer."))
resubmit = _reason_action(
    "resubmit", permission_required("logistics.add_referral", raise_exception=True),
    gettext_lazy("Your answer"), services.resubmit_referral,
    gettext_lazy("Your answer was sent; referral %(code)s waits for a decision again."))


def any_permission_required(*permissions):
    """Like ``permission_required(..., raise_exception=True)``, but one of them is enough."""

    def check(user):
        if any(user.has_perm(permission) for permission in permissions):
            return True
        raise PermissionDenied

    return user_passes_test(check)


@login_required
@any_permission_required("logistics.decide_referral", "logistics.add_referral")
@require_POST
def cancel(request, code):
    """The coordinator in any open state; the referring organisation before a decision
    (``workflow.available_actions`` holds that rule); a volunteer never."""
    # The box is always read: whether the kit was packed is the service's to decide, under
    # the referral's lock, not the page's (it may have been packed since the page was shown).
    form = CancelForm(request.POST, auto_id="id_cancel_%s", packed=True)

    def perform(referral, data):
        return services.cancel_referral(referral=referral, user=request.user,
                                        reason=data["reason"],
                                        return_goods=data.get("return_to_stock", False))

    def done(referral):
        return _("Referral %(code)s cancelled.") % {"code": referral.code}

    return _act(request, code, "cancel", form, perform, done)


# The referring organisation (or a coordinator) stops a planned follow-up kit.
stop = _reason_action(
    "stop", any_permission_required("logistics.decide_referral", "logistics.add_referral"),
    gettext_lazy("Why is it stopped?"), follow_ups.stop_follow_up,
    gettext_lazy("Follow-up kit %(code)s is stopped."))


@login_required
@permission_required("logistics.decide_referral", raise_exception=True)
@require_POST
def override(request, code):
    form = OverrideForm(request.POST, auto_id="id_override_%s")

    def perform(referral, data):
        return services.override_eligibility(referral=referral, user=request.user,
                                             outcome=data["outcome"], reason=data["reason"])

    def done(referral):
        return _("The outcome of %(code)s is now: %(outcome)s.") % {
            "code": referral.code,
            "outcome": EligibilityOverride(referral.eligibility_override).label}

    return _act(request, code, "override", form, perform, done)
