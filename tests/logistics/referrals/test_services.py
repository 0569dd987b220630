"""The referral workflow through its services (DESIGN §4): every transition, its guard, stock
and history."""

import datetime
import uuid

import pytest
from django.core import mail

from logistics.models import (
    OrganisationSettings,
    Referral,
    ReferralStatus,
    ReservationState,
    StockLevel,
)
from logistics.referrals import follow_ups, services
from logistics.referrals.workflow import NotNow, TransitionNotAllowed
from logistics.stock import ledger
from logistics.stock import services as stock
from startpakket.errors import ConflictError, FieldError
from startpakket.roles import Role
from tests.factories import (
    UserFactory,
    WarehouseFactory,
    make_referral,
    referral_input,
    stock_for_kits,
)

pytestmark = pytest.mark.django_db

S = ReferralStatus


@pytest.fixture
def stocked(warehouse, coordinator):
    stock_for_kits(warehouse, 2, user=coordinator)
    return warehouse


def test_a_referral_gets_a_readable_code_a_snapshot_and_a_history(referrer):
    first, second = make_referral(referrer), make_referral(referrer)
    year = datetime.date.today().year
    assert first.code == f"BSP-{year}-00001" and second.code == f"BSP-{year}-00002"
    assert first.status == S.SUBMITTED
    assert first.eligibility["outcome"] == "eligible"
    assert services.decision_of(first).threshold is not None
    assert first.consent_date == datetime.date.today()
    assert first.phone.as_e164 == "+31612345678"
    change = first.history.get()
    assert (change.from_status, change.to_status, change.by) == ("", S.SUBMITTED, referrer)


def test_approve_reserves_the_kit_and_tells_the_referrer(referrer, coordinator, stocked,
                                                         django_capture_on_commit_callbacks):
    referral = make_referral(referrer, babies=2)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_referral(referral=referral, user=coordinator)
    referral.refresh_from_db()
    assert referral.status == S.APPROVED and referral.warehouse_id == stocked.pk
    assert referral.reservation.state == ReservationState.ACTIVE
    assert referral.reservation.babies == 2
    assert ledger.find_drift() == []
    (message,) = mail.outbox
    assert message.to == [referrer.email] and referral.code in message.subject
    assert "Samira" not in message.body  # no family details in e-mail
    assert [c.to_status for c in referral.history.all()] == [S.SUBMITTED, S.APPROVED]


def test_approve_without_stock_is_a_409_with_the_short_items_and_changes_nothing(
        referrer, coordinator, warehouse):
    referral = make_referral(referrer)
    with pytest.raises(stock.InsufficientStock) as error:
        services.approve_referral(referral=referral, user=coordinator)
    assert error.value.status == 409 and error.value.extra()["short"]
    referral.refresh_from_db()
    assert referral.status == S.SUBMITTED and referral.reservation is None
    assert not mail.outbox


def test_a_double_approve_reserves_once(referrer, coordinator, stocked):
    referral = make_referral(referrer)
    services.approve_referral(referral=referral, user=coordinator)
    with pytest.raises(TransitionNotAllowed):
        services.approve_referral(referral=referral, user=coordinator)
    level = StockLevel.objects.filter(warehouse=stocked).first()
    assert level.reserved == level.on_hand // 2


def test_the_warehouse_is_chosen_or_defaults(referrer, coordinator, stocked):
    other = WarehouseFactory()
    referral = make_referral(referrer)
    with pytest.raises(FieldError) as error:
        services.approve_referral(referral=referral, user=coordinator)
    assert error.value.field == "warehouse"
    OrganisationSettings.objects.create(organisation=referrer.organisation,
                                        default_warehouse=stocked)
    referral = services.approve_referral(referral=referral, user=coordinator)
    assert referral.warehouse_id == stocked.pk
    assert other.pk != stocked.pk


def test_reject_and_ask_need_a_reason_and_mail_the_referrer(
        referrer, coordinator, django_capture_on_commit_callbacks):
    referral = make_referral(referrer)
    with pytest.raises(FieldError):
        services.reject_referral(referral=referral, user=coordinator, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.ask_for_information(referral=referral, user=coordinator,
                                                reason="Klopt het inkomen van de partner?")
    assert referral.status == S.NEEDS_INFO
    referral = services.resubmit_referral(referral=referral, user=referrer,
                                          reason="Ja, dat klopt.")
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.reject_referral(referral=referral, user=coordinator,
                                            reason="Te hoog inkomen")
    assert referral.status == S.REJECTED
    assert len(mail.outbox) == 2  # the resubmit mails nobody
    # The question and the reason stay on the page, behind a login; the mail links to it.
    assert all(referral.code in m.body and f"/referrals/{referral.code}/" in m.body
               for m in mail.outbox)
    assert "Klopt het inkomen" not in mail.outbox[0].body
    assert "Te hoog inkomen" not in mail.outbox[1].body
    assert [c.reason for c in referral.history.all()][1:] == [
        "Klopt het inkomen van de partner?", "Ja, dat klopt.", "Te hoog inkomen"]


def test_cancel_releases_the_reservation(referrer, coordinator, stocked):
    referral = make_referral(referrer)
    services.approve_referral(referral=referral, user=coordinator)
    services.cancel_referral(referral=referral, user=coordinator, reason="Verhuisd")
    referral.refresh_from_db()
    assert referral.status == S.CANCELLED
    assert referral.reservation.state == ReservationState.RELEASED
    assert not StockLevel.objects.filter(warehouse=stocked, reserved__gt=0).exists()
    assert ledger.find_drift() == []


def test_a_referrer_cancels_only_while_submitted(referrer, coordinator, stocked):
    waiting, approved = make_referral(referrer), make_referral(referrer)
    waiting = services.cancel_referral(referral=waiting, user=referrer,
                                       reason="Dubbel aangemeld")
    assert waiting.status == S.CANCELLED
    services.approve_referral(referral=approved, user=coordinator)
    with pytest.raises(TransitionNotAllowed):
        services.cancel_referral(referral=approved, user=referrer, reason="Toch niet")


def test_a_referrer_may_cancel_while_her_answer_is_awaited(referrer, coordinator):
    referral = make_referral(referrer)
    services.ask_for_information(referral=referral, user=coordinator, reason="Partner?")
    referral = services.cancel_referral(referral=referral, user=referrer, reason="Verhuisd")
    assert referral.status == S.CANCELLED


def test_another_organisations_referrer_cannot_answer(referrer, coordinator):
    from django.core.exceptions import PermissionDenied

    referral = make_referral(referrer)
    services.ask_for_information(referral=referral, user=coordinator, reason="Partner?")
    with pytest.raises(PermissionDenied):
        services.resubmit_referral(referral=referral, user=UserFactory(role=Role.REFERRER),
                                   reason="Ja")


def test_not_eligible_needs_an_override_to_be_approved(referrer, coordinator, stocked):
    from decimal import Decimal

    from eligibility import rules

    referral = make_referral(referrer, incomes=(rules.Income("wages", Decimal("4000")),))
    assert services.outcome_of(referral) == "not_eligible"
    with pytest.raises(ConflictError):
        services.approve_referral(referral=referral, user=coordinator)
    with pytest.raises(FieldError):
        services.override_eligibility(referral=referral, user=coordinator,
                                      outcome="eligible", reason="")
    services.override_eligibility(referral=referral, user=coordinator, outcome="eligible",
                                  reason="Schulden, zie gesprek met schuldhulp")
    referral = services.approve_referral(referral=referral, user=coordinator)
    assert referral.status == S.APPROVED
    assert "Schulden" in referral.history.all()[1].reason


# The steps a coordinator (or, to answer, the referrer) takes through the services, and the
# statuses each is allowed in, written out from DESIGN §4: a decision only while submitted, an
# answer only to a question, the coordinator cancels any open referral.
STEPS = {
    "approve": lambda referral, referrer, coordinator: services.approve_referral(
        referral=referral, user=coordinator),
    "reject": lambda referral, referrer, coordinator: services.reject_referral(
        referral=referral, user=coordinator, reason="r"),
    "ask": lambda referral, referrer, coordinator: services.ask_for_information(
        referral=referral, user=coordinator, reason="r"),
    "resubmit": lambda referral, referrer, coordinator: services.resubmit_referral(
        referral=referral, user=referrer, reason="r"),
    "cancel": lambda referral, referrer, coordinator: services.cancel_referral(
        referral=referral, user=coordinator, reason="r"),
    "stop": lambda referral, referrer, coordinator: follow_ups.stop_follow_up(
        referral=referral, user=referrer, reason="r"),
}
# A planned follow-up kit is stopped, not cancelled (``NotNow``, a 409 as the others).
ALLOWED_STEPS = {
    ("planned", "stop"),
    ("submitted", "approve"), ("submitted", "reject"), ("submitted", "ask"),
    ("submitted", "cancel"),
    ("needs_info", "resubmit"), ("needs_info", "cancel"),
    ("approved", "cancel"), ("scheduled", "cancel"), ("packed", "cancel"),
    ("delivery_failed", "cancel"),
    ("not_collected", "cancel"),  # still at the pick-up point
}
FORBIDDEN_STEPS = [(status, step) for status in S.values for step in STEPS
                   if (status, step) not in ALLOWED_STEPS]


@pytest.mark.parametrize(("source", "step"), FORBIDDEN_STEPS)
def test_every_forbidden_step_is_refused(source, step, referrer, coordinator):
    referral = make_referral(referrer)
    referral.status = source
    referral.save(update_fields=["status"])
    with pytest.raises(TransitionNotAllowed if (source, step) != ("planned", "cancel")
                       else NotNow) as error:
        STEPS[step](referral, referrer, coordinator)
    assert error.value.status == 409
    referral.refresh_from_db()
    assert referral.status == source
    assert referral.history.count() == 1


def test_consent_is_required(referrer):
    with pytest.raises(FieldError) as error:
        make_referral(referrer, consent=False)
    assert error.value.field == "consent"


def test_a_token_used_once_refuses_a_second_referral(referrer):
    token = uuid.uuid4()
    first = services.submit_referral(user=referrer, data=referral_input(), token=token)
    with pytest.raises(services.AlreadySubmitted) as error:
        services.submit_referral(user=referrer, data=referral_input(), token=token)
    assert error.value.referral == first
    assert Referral.objects.count() == 1


def test_codes_count_per_year_and_other_organisations_share_the_counter():
    a, b = UserFactory(role="referrer"), UserFactory(role="referrer")
    codes = [make_referral(a).code, make_referral(b).code]
    assert codes[0] != codes[1] and codes[1].endswith("00002")


def test_only_a_referrer_of_an_organisation_refers(coordinator):
    from django.core.exceptions import PermissionDenied

    from startpakket.models import User

    for user in (coordinator, User.objects.create(username="nobody")):
        with pytest.raises(PermissionDenied):
            make_referral(user)


def test_no_norms_in_force_is_not_the_nurses_field_error(referrer):
    from eligibility.models import NormTable
    from startpakket.errors import UnprocessableError

    NormTable.objects.all().delete()
    with pytest.raises(UnprocessableError):
        make_referral(referrer)
