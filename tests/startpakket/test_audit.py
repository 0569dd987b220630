"""The audit trail (startpakket.audit): changes with their actor and without personal values,
every read of personal data, and a log that coordinators read and nobody edits."""

import datetime
from decimal import Decimal

import phonenumbers
import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from eligibility import rules
from eligibility.models import NormTable, Policy
from logistics.audit import REFERRAL_FIELDS
from logistics.models import (
    Item,
    Referral,
    ReferralStatus,
    ReferralStatusChange,
    StockMovement,
)
from logistics.referrals import services
from logistics.stock import services as stock
from startpakket import audit
from startpakket.roles import Role
from tests.factories import UserFactory, make_referral, stock_for_kits

pytestmark = pytest.mark.django_db

ACCESS, CREATE, UPDATE = LogEntry.Action.ACCESS, LogEntry.Action.CREATE, LogEntry.Action.UPDATE
LOG = "/admin/auditlog/logentry/"

# A family whose every detail is easy to find back in a dump of the log.
FAMILY = {
    "parent_first_name": "Zoraida",
    "parent_last_name": "Quaglieri",
    "phone": phonenumbers.parse("0687654329", "NL"),
    "email": "zoraida.quaglieri@example.net",
    "street": "Wulpenkade",
    "house_number": 417,
    "house_number_suffix": "zwq",
    "postcode": "9876 ZX",
    "city": "Oudeschild",
    "delivery_notes": "Bel aan bij de buren",
    "due_date": datetime.date.today() + datetime.timedelta(days=131),
    "household": rules.Household(applicant_age=29, has_partner=False, children=0),
    "incomes": (rules.Income("wages", Decimal("1234.56")),
                rules.Income("child_benefit", Decimal("321.09"))),
}
# (Not the house number: three digits may turn up in any timestamp.)
PERSONAL_VALUES = [
    "Zoraida", "Quaglieri", "687654329", "zoraida.quaglieri", "Wulpenkade", "zwq", "9876 ZX",
    "9876ZX", "Oudeschild", "Bel aan", FAMILY["due_date"].isoformat(), "1234.56", "1234,56",
    "321.09", "applicant_age", "child_benefit",
]


def entries_for(obj, action=None):
    found = LogEntry.objects.get_for_object(obj)
    return found.filter(action=action) if action is not None else found


def the_whole_log() -> str:
    return str(list(LogEntry.objects.values()))


def assert_no_personal_values():
    dump = the_whole_log()
    assert [value for value in PERSONAL_VALUES if value in dump] == []


@pytest.fixture
def stocked(warehouse, coordinator):
    stock_for_kits(warehouse, 2, user=coordinator)
    return warehouse


@pytest.fixture
def referral(referrer):
    with set_actor(referrer):
        return make_referral(referrer, **FAMILY)


@pytest.fixture
def approved(referral, coordinator, stocked):
    with set_actor(coordinator):
        return services.approve_referral(referral=referral, user=coordinator, warehouse=stocked)


def test_every_model_of_the_brief_is_registered():
    for label in audit.TRACKED:
        assert auditlog.contains(apps.get_model(label)), label


# --- changes -----------------------------------------------------------------------------------

def test_a_new_referral_is_logged_with_its_referrer_and_id_and_nothing_personal(referral,
                                                                                referrer):
    created = entries_for(referral, CREATE).get()
    assert (created.actor, created.object_id, created.object_repr) == (
        referrer, referral.pk, referral.code)
    assert created.changes["status"] == ["None", ReferralStatus.SUBMITTED]
    assert set(created.changes) <= set(REFERRAL_FIELDS)
    history = ReferralStatusChange.objects.get(referral=referral)
    assert entries_for(history, CREATE).get().actor == referrer
    assert_no_personal_values()


def test_an_approval_is_logged_with_the_coordinator(approved, coordinator, stocked):
    change = entries_for(approved, UPDATE).get()
    assert change.actor == coordinator
    assert change.changes["status"] == [ReferralStatus.SUBMITTED, ReferralStatus.APPROVED]
    assert change.changes["warehouse"] == ["None", str(stocked.pk)]
    assert entries_for(approved.reservation, CREATE).get().actor == coordinator
    assert_no_personal_values()


def test_a_correction_by_the_referrer_is_logged_without_the_new_details(referral, referrer,
                                                                        coordinator):
    from tests.factories import referral_input

    with set_actor(coordinator):
        services.ask_for_information(referral=referral, user=coordinator,
                                     reason="Klopt het adres Wulpenkade 417?")
    with set_actor(referrer):
        services.update_referral(referral=referral, user=referrer, answer="Zoraida is verhuisd",
                                 data=referral_input(**{**FAMILY, "street": "Wulpenkade",
                                                        "city": "Oudeschild"}))
    changes = entries_for(referral, UPDATE).filter(actor=referrer).get().changes
    assert changes["status"] == [ReferralStatus.NEEDS_INFO, ReferralStatus.SUBMITTED]
    assert_no_personal_values()  # neither the question nor the answer either


def test_a_cancellation_releases_the_reservation_in_the_log(approved, coordinator):
    with set_actor(coordinator):
        services.cancel_referral(referral=approved, user=coordinator, reason="Verhuisd")
    released = entries_for(approved.reservation, UPDATE).get()
    assert released.actor == coordinator
    assert released.changes["state"] == ["active", "released"]


def test_every_referral_entry_holds_only_the_fields_the_trail_may_keep(approved, coordinator):
    """The options come from ``logistics.audit``, registered by the app at start-up."""
    with set_actor(coordinator):
        services.cancel_referral(referral=approved, user=coordinator, reason="Verhuisd")
    changes = [entry.changes for entry in entries_for(approved).exclude(action=ACCESS)]
    assert len(changes) == 3  # submitted, approved, cancelled
    assert set().union(*changes) <= set(REFERRAL_FIELDS)
    assert {"status", "warehouse", "reservation"} <= set().union(*changes)
    assert_no_personal_values()


def test_the_api_logs_the_token_user_as_actor(token_client, coordinator, referral, stocked):
    # DRF checks the token after the middleware has run; the actor must still be known.
    response = token_client(coordinator).post(
        f"/api/v1/referrals/{referral.code}/approve/", {"warehouse": stocked.code}, format="json")
    assert response.status_code == 200, response.json()
    change = entries_for(referral, UPDATE).get()
    assert (change.actor, change.actor_email) == (coordinator, coordinator.email)
    assert_no_personal_values()


def test_a_stock_receipt_is_logged_per_line_with_who_booked_it(token_client, warehouse_user,
                                                               warehouse):
    romper, hat = Item.objects.get(sku="ROMPER-50-56"), Item.objects.get(sku="MUTS-50-56")
    response = token_client(warehouse_user).post("/api/v1/stock/receipts/", {
        "warehouse": warehouse.code, "note": "Gift van de kerk",
        "lines": [{"item": romper.sku, "quantity": 12}, {"item": hat.sku, "quantity": 3}],
    }, format="json")
    assert response.status_code == 201, response.json()
    for movement in StockMovement.objects.filter(warehouse=warehouse):
        entry = entries_for(movement, CREATE).get()
        assert (entry.actor, entry.object_id) == (warehouse_user, movement.pk)
        assert entry.changes["quantity"] == ["None", str(movement.quantity)]
        assert "note" not in entry.changes


def test_a_stock_service_call_logs_its_user(coordinator, warehouse):
    (movement,) = stock.receive(warehouse=warehouse, user=coordinator,
                                lines={Item.objects.get(sku="ROMPER-50-56"): 5})
    assert entries_for(movement, CREATE).get().actor == coordinator


def test_a_policy_change_in_the_admin_is_logged(coordinator_client, coordinator):
    policy = Policy.objects.get()
    url = f"/admin/eligibility/policy/{policy.pk}/change/"
    form = coordinator_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data.update(threshold_percent="120", valid_from=policy.valid_from.isoformat(),
                counted_income_kinds=policy.counted_income_kinds)
    data = {key: value for key, value in data.items() if value not in (None, False)}
    assert coordinator_client.post(url, data).status_code == 302
    change = entries_for(policy, UPDATE).get()
    assert change.actor == coordinator
    assert change.changes["threshold_percent"] == ["130.00", "120"]


def test_a_new_norm_table_in_the_admin_is_logged(coordinator_client, coordinator):
    response = coordinator_client.post("/admin/eligibility/normtable/add/", {
        "valid_from": "2031-01-01", "note": "Normenbrief januari",
        "rows-TOTAL_FORMS": "0", "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0", "rows-MAX_NUM_FORMS": "1000",
    })
    assert response.status_code == 302
    table = NormTable.objects.get(valid_from="2031-01-01")
    created = entries_for(table, CREATE).get()
    assert created.actor == coordinator and created.changes["note"][1] == "Normenbrief januari"


def test_a_user_change_masks_names_and_email_and_leaves_out_the_password(coordinator):
    user = UserFactory(role=Role.REFERRER, first_name="Wilhelmina", email="w.vos@example.org")
    with set_actor(coordinator):
        user.first_name, user.email = "Mina", "mina.vos@example.org"
        user.set_password("een-heel-nieuw-wachtwoord")
        user.save()
    (change,) = [entry for entry in entries_for(user, UPDATE) if "groups" not in entry.changes]
    assert change.actor == coordinator
    assert change.changes["first_name"] == [audit.REDACTED, audit.REDACTED]
    assert change.changes["email"] == [audit.REDACTED, audit.REDACTED]
    assert "password" not in change.changes
    dump = the_whole_log()
    assert "Wilhelmina" not in dump and "mina.vos" not in dump and "w.vos" not in dump
    assert user.password not in dump


def test_a_role_change_is_logged(coordinator):
    from startpakket.services import set_role

    user = UserFactory(role=Role.REFERRER)
    with set_actor(coordinator):
        set_role(user, Role.COORDINATOR)
    groups = [entry.changes["groups"] for entry in entries_for(user, UPDATE)
              if "groups" in entry.changes]
    assert {"type": "m2m", "operation": "add", "objects": ["coordinator"]} in groups


# --- reads -------------------------------------------------------------------------------------

def assert_read_logged(referral, viewer, before: int, what=audit.REFERRAL_VIEWED):
    reads = entries_for(referral, ACCESS)
    assert reads.count() == before + 1
    read = reads.latest()
    assert (read.actor, read.object_id, read.additional_data) == (
        viewer, referral.pk, {"what": what})


@pytest.mark.parametrize("role", [Role.REFERRER, Role.WAREHOUSE, Role.COORDINATOR])
def test_viewing_a_referral_page_is_logged(client, approved, referrer, coordinator, stocked,
                                           role):
    viewer = {Role.REFERRER: referrer, Role.COORDINATOR: coordinator}.get(role) or UserFactory(
        role=Role.WAREHOUSE, organisation=stocked)
    client.force_login(viewer)
    before = entries_for(approved, ACCESS).count()
    assert client.get(f"/referrals/{approved.code}/").status_code == 200
    assert_read_logged(approved, viewer, before)
    assert_no_personal_values()


@pytest.mark.parametrize("role", [Role.REFERRER, Role.WAREHOUSE, Role.COORDINATOR])
def test_reading_a_referral_through_the_api_is_logged(token_client, approved, referrer,
                                                      coordinator, stocked, role):
    viewer = {Role.REFERRER: referrer, Role.COORDINATOR: coordinator}.get(role) or UserFactory(
        role=Role.WAREHOUSE, organisation=stocked)
    before = entries_for(approved, ACCESS).count()
    assert token_client(viewer).get(f"/api/v1/referrals/{approved.code}/").status_code == 200
    assert_read_logged(approved, viewer, before)


def test_a_refused_action_shows_the_page_again_and_is_logged(coordinator_client, coordinator,
                                                             referral):
    before = entries_for(referral, ACCESS).count()
    response = coordinator_client.post(f"/referrals/{referral.code}/reject/", {"reason": ""})
    assert response.status_code == 200  # the page again, with the form's error
    assert_read_logged(referral, coordinator, before)


def test_opening_the_edit_form_is_logged(referrer_client, referrer, coordinator, referral):
    services.ask_for_information(referral=referral, user=coordinator, reason="Welk adres?")
    before = entries_for(referral, ACCESS).count()
    assert referrer_client.get(f"/referrals/{referral.code}/edit/").status_code == 200
    assert_read_logged(referral, referrer, before, what=audit.REFERRAL_EDIT_VIEWED)


def test_viewing_a_referral_in_the_admin_is_logged(coordinator_client, coordinator, referral):
    before = entries_for(referral, ACCESS).count()
    url = f"/admin/logistics/referral/{referral.pk}/change/"
    assert coordinator_client.get(url).status_code == 200
    assert_read_logged(referral, coordinator, before)


def searches():
    """Reads of the referrals as a whole: of no one referral."""
    return LogEntry.objects.filter(action=ACCESS, object_pk="",
                                   content_type=ContentType.objects.get_for_model(Referral))


def test_a_filtered_list_is_logged_as_a_search_with_its_filters(referrer_client, referrer,
                                                                token_client, referral):
    assert referrer_client.get("/referrals/?status=all").status_code == 200
    assert token_client(referrer).get("/api/v1/referrals/?status=submitted").status_code == 200
    logged = [(entry.actor, entry.object_id, entry.object_pk, entry.additional_data)
              for entry in searches().order_by("pk")]
    assert logged == [
        (referrer, None, "", {"what": audit.REFERRALS_SEARCHED, "filters": {"status": "all"}}),
        (referrer, None, "", {"what": audit.REFERRALS_SEARCHED,
                              "filters": {"status": "submitted"}}),
    ]


def test_the_plain_list_is_no_search(referrer_client, token_client, referrer, referral):
    assert referrer_client.get("/referrals/?page=1").status_code == 200
    assert token_client(referrer).get("/api/v1/referrals/").status_code == 200
    assert not searches().exists()


def test_a_batch_of_reads_is_one_entry_per_object(coordinator, referrer,
                                                  django_assert_num_queries):
    referrals = [make_referral(referrer, house_number=n) for n in (1, 2, 3)]
    with django_assert_num_queries(1):
        audit.record_reads(user=coordinator, objects=referrals, what=audit.SLIP_PRINTED)
    for referral in referrals:
        assert entries_for(referral, ACCESS).get().additional_data == {
            "what": audit.SLIP_PRINTED}


# --- browsing the log --------------------------------------------------------------------------

def test_coordinators_browse_the_log_and_see_what_was_read(coordinator_client, coordinator,
                                                           approved):
    coordinator_client.get(f"/referrals/{approved.code}/")
    coordinator_client.get("/referrals/?status=approved")
    response = coordinator_client.get(LOG)
    assert response.status_code == 200
    shown = {entry.pk for entry in response.context["cl"].result_list}
    read, search = entries_for(approved, ACCESS).get(), searches().get()
    assert {*entries_for(approved).values_list("pk", flat=True), search.pk} <= shown
    for entry in (read, search):
        assert coordinator_client.get(f"{LOG}{entry.pk}/change/").status_code == 200
    with translation.override("en"):
        summary = response.context["cl"].model_admin.summary
        assert summary(read) == "referral viewed"
        assert summary(search) == "referrals searched (status=approved)"


@pytest.mark.parametrize("fixture", ["referrer_client", "warehouse_client"])
def test_referrers_and_volunteers_cannot_open_the_log(request, fixture):
    response = request.getfixturevalue(fixture).get(LOG)
    # Not staff: the admin sends them to its own login page.
    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={LOG}"


def test_staff_without_the_permission_cannot_open_the_log(client):
    client.force_login(UserFactory(role=Role.REFERRER, is_staff=True))
    assert client.get(LOG).status_code == 403


@pytest.mark.parametrize("fixture", ["coordinator_client", "admin_client"])
def test_nobody_adds_changes_or_deletes_an_entry(request, fixture, approved):
    client = request.getfixturevalue(fixture)
    entry = entries_for(approved, UPDATE).get()
    before = (LogEntry.objects.count(), entry.changes, entry.actor_id)

    assert client.post(f"{LOG}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get(f"{LOG}{entry.pk}/delete/").status_code == 403
    assert client.post(f"{LOG}{entry.pk}/change/", {"action": "0"}).status_code == 403
    assert client.post(f"{LOG}add/", {"action": "0"}).status_code == 403
    page = client.get(f"{LOG}{entry.pk}/change/")
    assert page.status_code == 200 and not page.context["has_change_permission"]
    # The log has no bulk actions at all, so no "delete selected" either.
    assert client.get(LOG).context["action_form"] is None
    client.post(LOG, {"action": "delete_selected", "_selected_action": [entry.pk],
                      "post": "yes"})

    entry.refresh_from_db()
    assert (LogEntry.objects.count(), entry.changes, entry.actor_id) == before
