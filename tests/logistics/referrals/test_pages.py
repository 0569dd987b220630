"""The referral pages (DESIGN §7.3): the nurse's form, the lists, a referral's page and the
approval queue, through the test client. Assertions are on status codes, form error keys, the
database and data; never on translated texts."""

import datetime
import re
import uuid

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from logistics.models import KitType, Referral, ReferralStatus, StockLevel
from logistics.referrals import services
from logistics.referrals.rules import add_months, urgency
from startpakket.roles import Role
from tests.factories import UserFactory, WarehouseFactory, make_referral, stock_for_kits

pytestmark = pytest.mark.django_db

S = ReferralStatus
NEW = "/referrals/new/"


def today():
    return timezone.localdate()


def form_data(**overrides) -> dict:
    """What a nurse types for a single parent of 30 with a low wage, due in four months."""
    data = {
        "parent_first_name": "Samira", "parent_last_name": "Bakker",
        "phone": "06 12345678", "email": "", "language": "nl",
        "street": "Dorpsstraat", "house_number": "12", "house_number_suffix": "",
        "postcode": "3511ab", "city": "Utrecht",
        "due_date": (today() + datetime.timedelta(days=120)).isoformat(),
        "babies": "1", "kit_type": "start-50-68", "delivery_notes": "",
        "consent": "on",
        "applicant_age": "30", "children": "0", "income_wages": "1200",
        "token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def check(client, data):
    return client.post(NEW, {**data, "check": "1"})


def refer(client, data):
    """Check, then refer with what the check answered: the way the page is used."""
    checked = check(client, data).context["checked"]
    assert checked
    return client.post(NEW, {**data, "refer": "1", "checked": checked})


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def stocked(warehouse, coordinator):
    stock_for_kits(warehouse, 3, user=coordinator)
    return warehouse


def reserved(warehouse) -> int:
    return sum(StockLevel.objects.filter(warehouse=warehouse).values_list("reserved", flat=True))


# ---------------------------------------------------------------------------------------------
# The nurse's form


def test_every_field_of_the_form_has_a_label(referrer_client):
    page = referrer_client.get(NEW)
    assert page.status_code == 200
    html = page.content.decode()
    for field in page.context["form"].visible_fields():
        if field.widget_type == "radioselect":
            # A group of choices: its legend, and a label for each choice.
            assert f"<legend>{field.label}</legend>" in html, field.name
            for choice in field:
                assert f'<label for="{choice.id_for_label}">' in html, field.name
            continue
        assert f'<label for="{field.id_for_label}">' in html, field.name
    assert 'type="tel"' in html and 'type="date"' in html
    assert 'name="refer"' not in html  # refer only after a check


def test_the_nurse_checks_then_refers(referrer_client, referrer):
    checked = check(referrer_client, form_data())
    assert checked.status_code == 200
    assert checked.context["outcome"]["decision"].outcome == "eligible"
    assert checked.context["outcome"]["explanation"]
    assert 'name="refer"' in checked.content.decode()
    assert not Referral.objects.exists()  # a check stores nothing

    response = referrer_client.post(NEW, {**form_data(), "refer": "1",
                                          "checked": checked.context["checked"]})
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/referrals/{referral.code}/"
    assert messages_of(response)
    assert (referral.status, referral.referred_by, referral.organisation_id) == (
        S.SUBMITTED, referrer, referrer.organisation_id)
    assert referral.postcode == "3511 AB" and referral.phone.as_e164 == "+31612345678"
    assert referral.household == {"version": 1, "applicant_age": 30, "has_partner": False,
                                  "partner_age": None, "children": 0}
    assert referral.incomes == [{"kind": "wages", "amount": "1200.00"}]
    assert referral.eligibility["outcome"] == "eligible"

    page = referrer_client.get(response["Location"])
    assert page.status_code == 200
    assert page.context["decision"].outcome == "eligible" and page.context["explanation"]


def test_refer_without_a_check_shows_the_outcome_first(referrer_client):
    response = referrer_client.post(NEW, {**form_data(), "refer": "1"})
    assert response.status_code == 200
    assert response.context["unseen"] and response.context["outcome"]
    assert not Referral.objects.exists()


def test_a_changed_income_after_the_check_is_shown_before_it_is_stored(referrer_client):
    checked = check(referrer_client, form_data()).context["checked"]
    response = referrer_client.post(NEW, {**form_data(income_wages="5000"), "refer": "1",
                                          "checked": checked})
    assert response.context["unseen"]
    assert response.context["outcome"]["decision"].outcome == "not_eligible"
    assert not Referral.objects.exists()
    # Seen now: the nurse may still refer, a coordinator decides.
    response = referrer_client.post(NEW, {**form_data(income_wages="5000"), "refer": "1",
                                          "checked": response.context["checked"]})
    assert response.status_code == 302
    assert Referral.objects.get().eligibility["outcome"] == "not_eligible"


def test_check_needs_only_the_household_and_income(referrer_client):
    response = check(referrer_client, {"applicant_age": "30", "children": "1",
                                       "income_wages": "1200,50"})
    assert response.status_code == 200
    assert not response.context["form"].errors
    assert response.context["outcome"]["decision"].outcome == "eligible"


def test_a_check_with_a_bad_income_says_so_at_the_field(referrer_client):
    response = check(referrer_client, form_data(income_wages="-5"))
    assert "income_wages" in response.context["form"].errors
    assert response.context["outcome"] is None


def test_a_bad_field_keeps_everything_the_nurse_typed(referrer_client):
    data = form_data(postcode="0123 AB", email="samira@example.org", house_number_suffix="B",
                     delivery_notes="Bel twee keer", income_benefit="80")
    response = referrer_client.post(NEW, {**data, "refer": "1"})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["postcode"]
    html = response.content.decode()
    for value in ["Samira", "Bakker", "06 12345678", "samira@example.org", "Dorpsstraat",
                  'value="12"', 'value="B"', "0123 AB", "Utrecht", data["due_date"],
                  "Bel twee keer", 'value="1200"', 'value="80"']:
        assert value in html, value
    assert re.search(r'<input[^>]*name="consent"[^>]*checked', html)
    assert not Referral.objects.exists()


@pytest.mark.parametrize(("change", "field"), [
    ({"parent_first_name": ""}, "parent_first_name"),
    ({"parent_first_name": "   "}, "parent_first_name"),
    ({"parent_last_name": "x" * 101}, "parent_last_name"),
    ({"phone": ""}, "phone"),
    ({"phone": "12345"}, "phone"),
    ({"phone": "06 1234"}, "phone"),
    ({"email": "geen-adres"}, "email"),
    ({"language": "xx"}, "language"),
    ({"street": ""}, "street"),
    ({"street": "x" * 201}, "street"),
    ({"house_number": ""}, "house_number"),
    ({"house_number": "0"}, "house_number"),
    ({"house_number": "12a"}, "house_number"),
    ({"house_number_suffix": "x" * 11}, "house_number_suffix"),
    ({"postcode": ""}, "postcode"),
    ({"postcode": "0123 AB"}, "postcode"),
    ({"postcode": "1234 SS"}, "postcode"),
    ({"postcode": "12345"}, "postcode"),
    ({"city": ""}, "city"),
    ({"city": "x" * 101}, "city"),
    ({"due_date": ""}, "due_date"),
    ({"due_date": "2026-02-31"}, "due_date"),
    ({"due_date": "later"}, "due_date"),
    ({"babies": "0"}, "babies"),
    ({"babies": "4"}, "babies"),
    ({"babies": ""}, "babies"),
    ({"kit_type": ""}, "kit_type"),
    ({"kit_type": "unknown-kit"}, "kit_type"),
    ({"kit_type": "start\x00"}, "kit_type"),
    ({"delivery_notes": "x" * 1001}, "delivery_notes"),
    ({"consent": None}, "consent"),
    ({"applicant_age": ""}, "applicant_age"),
    ({"applicant_age": "200"}, "applicant_age"),
    ({"has_partner": "on"}, "partner_age"),
    ({"children": "-1"}, "children"),
    ({"income_wages": "veel"}, "income_wages"),
    ({"income_wages": "12,3456"}, "income_wages"),  # more than 2 decimals
])
def test_bad_input_is_shown_next_to_the_field_and_stores_nothing(referrer_client, change,
                                                                  field):
    response = referrer_client.post(NEW, {**form_data(**change), "refer": "1"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert not Referral.objects.exists()


@pytest.mark.parametrize("offset", [-13, 11])
def test_a_due_date_outside_the_window_is_refused(referrer_client, offset):
    day = add_months(today(), offset)
    response = referrer_client.post(NEW, {**form_data(due_date=day.isoformat()), "refer": "1"})
    assert "due_date" in response.context["form"].errors
    assert not Referral.objects.exists()


@pytest.mark.parametrize("offset", [-12, 10])
def test_the_edges_of_the_due_date_window_are_accepted(referrer_client, offset):
    day = add_months(today(), offset)
    assert refer(referrer_client, form_data(due_date=day.isoformat())).status_code == 302


def test_an_inactive_kit_type_cannot_be_chosen(referrer_client):
    KitType.objects.filter(code="start-50-68").update(is_active=False)
    response = referrer_client.post(NEW, {**form_data(), "refer": "1"})
    assert "kit_type" in response.context["form"].errors


@pytest.mark.parametrize(("typed", "stored"), [
    ("06 12345678", "+31612345678"),
    ("+31 6 1234 5678", "+31612345678"),
    ("0031612345678", "+31612345678"),
    ("030 123 4567", "+31301234567"),
])
def test_phone_numbers_in_every_notation(referrer_client, typed, stored):
    assert refer(referrer_client, form_data(phone=typed)).status_code == 302
    assert Referral.objects.get().phone.as_e164 == stored


def test_twins_and_a_suffix_are_stored(referrer_client):
    refer(referrer_client, form_data(babies="2", house_number_suffix="bis", postcode="1234 ab"))
    referral = Referral.objects.get()
    assert (referral.babies, referral.house_number_suffix, referral.postcode) == (
        2, "bis", "1234 AB")


def test_only_referrers_refer(coordinator_client, warehouse_client):
    assert coordinator_client.post(NEW, form_data()).status_code == 403
    assert warehouse_client.post(NEW, form_data()).status_code == 403
    assert not Referral.objects.exists()


def test_an_over_long_email_is_a_field_error_on_the_form(referrer_client):
    response = referrer_client.post(NEW, {**form_data(email="a" * 250 + "@x.nl"), "refer": "1"})
    assert "email" in response.context["form"].errors
    assert not Referral.objects.exists()


def test_a_phone_extension_is_refused(referrer_client):
    response = referrer_client.post(NEW, {**form_data(phone="030 1234567 ext. 12"),
                                          "check": "1", "refer": "1"})
    assert "phone" in response.context["form"].errors
    assert not Referral.objects.exists()


def test_a_kit_type_without_contents_is_not_offered(referrer_client):
    KitType.objects.create(code="leeg", name="Leeg pakket")
    page = referrer_client.get(NEW).content.decode()
    assert 'value="leeg"' not in page


def test_the_nurses_form_sent_twice_stores_one_referral(referrer_client):
    data = {**form_data(), "refer": "1"}
    checked = referrer_client.post(NEW, {**form_data(token=data["token"]), "check": "1"})
    data["checked"] = checked.context["checked"]
    first = referrer_client.post(NEW, data)
    second = referrer_client.post(NEW, data)
    assert Referral.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]


# ---------------------------------------------------------------------------------------------
# The workflow through the pages


def test_the_coordinator_approves_from_the_queue(client, referrer, coordinator, stocked):
    client.force_login(referrer)
    refer(client, form_data())
    referral = Referral.objects.get()

    client.force_login(coordinator)
    queue = client.get("/referrals/queue/")
    assert [row.referral.code for row in queue.context["rows"]] == [referral.code]
    assert queue.context["rows"][0].warehouse == stocked
    response = client.post(f"/referrals/{referral.code}/approve/",
                           {"next": "queue", "warehouse": stocked.pk})
    assert response.status_code == 302 and response["Location"] == "/referrals/queue/"
    assert messages_of(response)
    referral.refresh_from_db()
    assert (referral.status, referral.warehouse_id) == (S.APPROVED, stocked.pk)
    assert not client.get("/referrals/queue/").context["rows"]
    # The stock page shows the reservation.
    rows = client.get(f"/stock/?warehouse={stocked.code}").context["sections"][0][1]
    assert sum(row.reserved for row in rows) == reserved(stocked) > 0

    # A second click: refused with a message, reserved once.
    before = reserved(stocked)
    again = client.post(f"/referrals/{referral.code}/approve/", {"next": "queue"})
    assert again["Location"] == "/referrals/queue/" and messages_of(again)
    assert reserved(stocked) == before


def test_approve_on_the_referral_page_with_the_default_warehouse(coordinator_client, referrer,
                                                                 stocked):
    referral = make_referral(referrer)
    page = coordinator_client.get(f"/referrals/{referral.code}/")
    form = page.context["forms"]["approve"]
    assert form["warehouse"].value() == stocked.pk
    response = coordinator_client.post(f"/referrals/{referral.code}/approve/",
                                       {"warehouse": ""})
    assert response["Location"] == f"/referrals/{referral.code}/"
    referral.refresh_from_db()
    assert referral.status == S.APPROVED and referral.warehouse_id == stocked.pk


def test_approve_without_enough_stock_changes_nothing(coordinator_client, referrer, warehouse):
    referral = make_referral(referrer)
    response = coordinator_client.post(f"/referrals/{referral.code}/approve/",
                                       {"warehouse": warehouse.pk})
    assert response.status_code == 200
    errors = response.context["forms"]["approve"].non_field_errors()
    assert errors and "Rompertje" in " ".join(errors)  # the short items by name
    from_queue = coordinator_client.post(f"/referrals/{referral.code}/approve/",
                                         {"warehouse": warehouse.pk, "next": "queue"})
    assert from_queue["Location"] == "/referrals/queue/"
    assert "Rompertje" in " ".join(messages_of(from_queue))
    referral.refresh_from_db()
    assert referral.status == S.SUBMITTED and referral.reservation is None
    assert reserved(warehouse) == 0


def test_approve_needs_a_warehouse_when_there_is_no_default(coordinator_client, referrer,
                                                            stocked):
    WarehouseFactory()
    referral = make_referral(referrer)
    queue = coordinator_client.get("/referrals/queue/")
    assert queue.context["rows"][0].warehouse is None
    response = coordinator_client.post(f"/referrals/{referral.code}/approve/", {"warehouse": ""})
    assert "warehouse" in response.context["forms"]["approve"].errors
    referral.refresh_from_db()
    assert referral.status == S.SUBMITTED


def test_ask_answer_and_reject(client, referrer, coordinator):
    referral = make_referral(referrer)
    client.force_login(coordinator)
    response = client.post(f"/referrals/{referral.code}/ask/",
                           {"reason": "Is er een WSNP-traject?", "next": "queue"})
    assert response["Location"] == "/referrals/queue/"
    referral.refresh_from_db()
    assert referral.status == S.NEEDS_INFO

    client.force_login(referrer)
    page = client.get(f"/referrals/{referral.code}/")
    assert page.context["question"].reason == "Is er een WSNP-traject?"
    # Still undecided: the referrer may answer, or withdraw it (workflow.available_actions).
    assert set(page.context["forms"]) == {"resubmit", "cancel"}
    empty = client.post(f"/referrals/{referral.code}/resubmit/", {"reason": "  "})
    assert "reason" in empty.context["forms"]["resubmit"].errors
    response = client.post(f"/referrals/{referral.code}/resubmit/",
                           {"reason": "Ja, sinds maart."})
    assert response["Location"] == f"/referrals/{referral.code}/"
    referral.refresh_from_db()
    assert referral.status == S.SUBMITTED

    client.force_login(coordinator)
    assert client.get("/referrals/queue/").context["rows"][0].referral == referral
    client.post(f"/referrals/{referral.code}/reject/", {"reason": "Inkomen te hoog"})
    referral.refresh_from_db()
    assert referral.status == S.REJECTED
    history = [(c.to_status, c.reason) for c in referral.history.all()]
    assert history == [(S.SUBMITTED, ""), (S.NEEDS_INFO, "Is er een WSNP-traject?"),
                       (S.SUBMITTED, "Ja, sinds maart."), (S.REJECTED, "Inkomen te hoog")]
    page = client.get(f"/referrals/{referral.code}/")
    assert [c.reason for c in page.context["history"]][-1] == "Inkomen te hoog"
    assert "reject" not in page.context["forms"]


@pytest.mark.parametrize("action", ["reject", "ask"])
def test_a_decision_without_a_reason_is_refused(coordinator_client, referrer, action):
    referral = make_referral(referrer)
    on_page = coordinator_client.post(f"/referrals/{referral.code}/{action}/", {"reason": ""})
    assert on_page.status_code == 200
    assert "reason" in on_page.context["forms"][action].errors
    too_long = coordinator_client.post(f"/referrals/{referral.code}/{action}/",
                                       {"reason": "x" * 1001})
    assert "reason" in too_long.context["forms"][action].errors
    from_queue = coordinator_client.post(f"/referrals/{referral.code}/{action}/",
                                         {"reason": "", "next": "queue"})
    assert from_queue["Location"] == "/referrals/queue/" and messages_of(from_queue)
    referral.refresh_from_db()
    assert referral.status == S.SUBMITTED and referral.history.count() == 1


def test_the_nurse_cancels_while_submitted(referrer_client, referrer):
    referral = make_referral(referrer)
    assert "cancel" in referrer_client.get(f"/referrals/{referral.code}/").context["forms"]
    response = referrer_client.post(f"/referrals/{referral.code}/cancel/",
                                    {"reason": "Verhuisd naar het buitenland"})
    assert response["Location"] == f"/referrals/{referral.code}/"
    referral.refresh_from_db()
    assert referral.status == S.CANCELLED
    assert referral.history.last().reason == "Verhuisd naar het buitenland"


def test_after_approval_only_the_coordinator_cancels_and_the_kit_is_released(
        client, referrer, coordinator, stocked):
    referral = make_referral(referrer)
    services.approve_referral(referral=referral, user=coordinator)
    client.force_login(referrer)
    assert "cancel" not in client.get(f"/referrals/{referral.code}/").context["forms"]
    refused = client.post(f"/referrals/{referral.code}/cancel/", {"reason": "Toch niet"})
    assert refused.status_code == 200 and refused.context["forms"]["cancel"].errors
    referral.refresh_from_db()
    assert referral.status == S.APPROVED and reserved(stocked) > 0

    client.force_login(coordinator)
    client.post(f"/referrals/{referral.code}/cancel/", {"reason": "Dubbel aangemeld"})
    referral.refresh_from_db()
    assert referral.status == S.CANCELLED and reserved(stocked) == 0


def test_the_coordinator_sets_the_outcome_then_approves(coordinator_client, referrer, stocked):
    from decimal import Decimal

    from eligibility import rules

    referral = make_referral(referrer, incomes=(rules.Income("wages", Decimal("5000")),))
    page = coordinator_client.get(f"/referrals/{referral.code}/")
    assert "approve" not in page.context["forms"] and "override" in page.context["forms"]
    queue = coordinator_client.get("/referrals/queue/")
    assert queue.context["rows"][0].outcome == "not_eligible"

    bad = coordinator_client.post(f"/referrals/{referral.code}/override/",
                                  {"outcome": "maybe", "reason": ""})
    assert {"outcome", "reason"} <= set(bad.context["forms"]["override"].errors)
    coordinator_client.post(f"/referrals/{referral.code}/override/",
                            {"outcome": "eligible", "reason": "Schuldsanering"})
    referral.refresh_from_db()
    assert (referral.eligibility_override, referral.override_reason) == (
        "eligible", "Schuldsanering")
    page = coordinator_client.get(f"/referrals/{referral.code}/")
    assert "approve" in page.context["forms"]
    coordinator_client.post(f"/referrals/{referral.code}/approve/", {"warehouse": stocked.pk})
    referral.refresh_from_db()
    assert referral.status == S.APPROVED


@pytest.mark.parametrize("action", ["approve", "reject", "ask", "resubmit", "cancel",
                                    "override"])
def test_actions_answer_405_to_get(client, referrer, coordinator, action):
    referral = make_referral(referrer)
    allowed = referrer if action == "resubmit" else coordinator
    client.force_login(allowed)
    assert client.get(f"/referrals/{referral.code}/{action}/").status_code == 405


# ---------------------------------------------------------------------------------------------
# Who sees what


def test_access_for_every_role_and_referral(client, referrer, coordinator, stocked):
    colleague = UserFactory(role=Role.REFERRER, organisation=referrer.organisation)
    stranger = UserFactory(role=Role.REFERRER)
    volunteer = UserFactory(role=Role.WAREHOUSE, organisation=stocked)
    other_volunteer = UserFactory(role=Role.WAREHOUSE)
    submitted = make_referral(referrer)
    approved = make_referral(referrer, postcode="1000 AA")
    services.approve_referral(referral=approved, user=coordinator, warehouse=stocked)

    expected = {
        referrer: {submitted: 200, approved: 200},
        colleague: {submitted: 200, approved: 200},
        stranger: {submitted: 404, approved: 404},
        volunteer: {submitted: 404, approved: 200},
        other_volunteer: {submitted: 404, approved: 404},
        coordinator: {submitted: 200, approved: 200},
    }
    for user, pages in expected.items():
        client.force_login(user)
        listed = {row.referral.code for row in client.get("/referrals/?status=all")
                  .context["rows"]}
        for referral, status in pages.items():
            path = f"/referrals/{referral.code}/"
            assert client.get(path).status_code == status, (user, referral)
            assert (referral.code in listed) == (status == 200), (user, referral)
    client.logout()
    response = client.get(f"/referrals/{submitted.code}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_volunteers_no_longer_see_a_cancelled_referral(warehouse_client, warehouse, referrer,
                                                       coordinator):
    stock_for_kits(warehouse, 1)
    referral = services.approve_referral(referral=make_referral(referrer), user=coordinator,
                                         warehouse=warehouse)
    assert warehouse_client.get(f"/referrals/{referral.code}/").status_code == 200
    services.cancel_referral(referral=referral, user=coordinator, reason="Verhuisd")
    assert warehouse_client.get(f"/referrals/{referral.code}/").status_code == 404


def test_another_organisation_cannot_act_on_a_referral(client, referrer, stocked):
    referral = make_referral(referrer)
    client.force_login(UserFactory(role=Role.REFERRER))
    assert client.post(f"/referrals/{referral.code}/cancel/",
                       {"reason": "x"}).status_code == 404
    assert client.post(f"/referrals/{referral.code}/resubmit/",
                       {"reason": "x"}).status_code == 404
    client.force_login(UserFactory(role=Role.WAREHOUSE, organisation=stocked))
    assert client.post(f"/referrals/{referral.code}/cancel/",
                       {"reason": "x"}).status_code == 403
    assert client.post(f"/referrals/{referral.code}/approve/", {}).status_code == 403
    referral.refresh_from_db()
    assert referral.status == S.SUBMITTED


@pytest.mark.parametrize("path", ["/referrals/BSP-2026-99999/", "/referrals/bsp-2026-00001/",
                                  "/referrals/BSP-2026/", "/referrals/%00/"])
def test_a_made_up_code_is_404(coordinator_client, path):
    assert coordinator_client.get(path).status_code == 404


def test_a_referrer_never_sees_duplicates(client, referrer, coordinator):
    own = make_referral(referrer)
    other = make_referral(UserFactory(role=Role.REFERRER), parent_first_name="Yara")
    client.force_login(referrer)
    page = client.get(f"/referrals/{own.code}/")
    assert not page.context["duplicates"]
    html = page.content.decode()
    assert other.code not in html and "Yara" not in html and 'id="duplicates"' not in html
    listing = client.get("/referrals/").content.decode()
    assert other.code not in listing and "badge-duplicate" not in listing

    client.force_login(coordinator)
    page = client.get(f"/referrals/{own.code}/")
    assert [d.code for d in page.context["duplicates"]] == [other.code]
    assert f'href="/referrals/{other.code}/"' in page.content.decode()
    rows = client.get("/referrals/").context["rows"]
    assert all(row.referral.possible_duplicate for row in rows)
    assert all(row.referral.possible_duplicate for row in
               client.get("/referrals/queue/").context["rows"])


def test_the_volunteer_page_has_no_income_household_or_check(client, referrer, coordinator,
                                                             stocked):
    referral = make_referral(referrer, delivery_notes="Bel aan bij de buren")
    services.approve_referral(referral=referral, user=coordinator, warehouse=stocked)
    client.force_login(UserFactory(role=Role.WAREHOUSE, organisation=stocked))
    page = client.get(f"/referrals/{referral.code}/")
    assert page.status_code == 200
    assert page.templates[0].name == "logistics/referral_delivery.html"
    for key in ("household", "incomes", "decision", "explanation", "outcome", "duplicates"):
        assert key not in page.context, key
    # Approved, not yet packed: nothing for the volunteer to record here yet.
    assert page.context["forms"] == {}
    html = page.content.decode()
    for shown in (referral.code, "Samira", "Bakker", "Dorpsstraat 12", "3511 AB",
                  "06 12345678", "Bel aan bij de buren"):
        assert shown in html, shown
    for hidden in ("1.200", "1200", "€", "outcome-", "wages"):
        assert hidden not in html, hidden

    listing = client.get("/referrals/")
    assert not listing.context["shows_names"]
    assert "Samira" not in listing.content.decode()


def test_the_referrer_list_shows_names_and_the_coordinator_list_more(client, referrer,
                                                                     coordinator):
    make_referral(referrer)
    client.force_login(referrer)
    page = client.get("/referrals/")
    assert page.context["shows_names"] and not page.context["coordinator"]
    assert "Samira" in page.content.decode()
    assert not page.context["rows"][0].outcome
    client.force_login(coordinator)
    page = client.get("/referrals/")
    assert page.context["coordinator"] and page.context["rows"][0].outcome == "eligible"
    assert referrer.organisation.name in page.content.decode()


# ---------------------------------------------------------------------------------------------
# The list


def test_the_list_is_most_urgent_first_and_marks_late_ones(coordinator_client, referrer):
    later = make_referral(referrer, due_date=today() + datetime.timedelta(days=200),
                          postcode="1111 AA")
    at_risk = make_referral(referrer, due_date=today() + datetime.timedelta(weeks=7),
                            postcode="2222 AA")
    late = make_referral(referrer, due_date=today() + datetime.timedelta(weeks=5),
                         postcode="3333 AA")
    rows = coordinator_client.get("/referrals/").context["rows"]
    assert [(row.referral, row.urgency) for row in rows] == [
        (late, "overdue"), (at_risk, "at_risk"), (later, "")]


def test_the_status_filter(coordinator_client, referrer, coordinator):
    open_one = make_referral(referrer)
    cancelled = make_referral(referrer, postcode="1000 AA")
    services.cancel_referral(referral=cancelled, user=coordinator, reason="Dubbel")

    def codes(query):
        response = coordinator_client.get(f"/referrals/{query}")
        assert response.status_code == 200
        return {row.referral.code for row in response.context["rows"]}, response

    assert codes("")[0] == {open_one.code}
    assert codes("?status=all")[0] == {open_one.code, cancelled.code}
    assert codes("?status=cancelled")[0] == {cancelled.code}
    for nonsense in ("nonsense", "%00", "SUBMITTED"):
        found, response = codes(f"?status={nonsense}")
        assert found == {open_one.code} and "status" in response.context["filters"].errors


def test_the_list_is_paginated(coordinator_client, referrer):
    for number in range(27):
        make_referral(referrer, house_number=number + 1)
    first = coordinator_client.get("/referrals/")
    assert len(first.context["rows"]) == 25 and first.context["page"].has_next
    second = coordinator_client.get("/referrals/?page=2")
    assert len(second.context["rows"]) == 2
    for nonsense in ("0", "-1", "abc", "99999999999999999999"):
        assert coordinator_client.get(f"/referrals/?page={nonsense}").status_code == 200


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(path).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("role", [Role.REFERRER, Role.WAREHOUSE, Role.COORDINATOR])
def test_the_list_costs_the_same_queries_for_more_referrals(client, referrer, coordinator,
                                                            stocked, role):
    stock_for_kits(stocked, 20, user=coordinator)
    viewer = {Role.REFERRER: referrer, Role.COORDINATOR: coordinator}.get(role) or UserFactory(
        role=Role.WAREHOUSE, organisation=stocked)

    def add(count):
        for _ in range(count):
            referral = make_referral(referrer, house_number=Referral.objects.count() + 1)
            services.approve_referral(referral=referral, user=coordinator, warehouse=stocked)

    client.force_login(viewer)
    add(2)
    # The first request in a process also reads what it keeps (reference_data).
    _queries(client, "/referrals/")
    few = _queries(client, "/referrals/")
    add(18)
    assert len(client.get("/referrals/").context["rows"]) == 20
    assert _queries(client, "/referrals/") == few


def test_the_queue_costs_the_same_queries_for_more_referrals(coordinator_client, referrer,
                                                             stocked):
    for _ in range(2):
        make_referral(referrer)
    # The first request in a process also reads what it keeps (reference_data).
    _queries(coordinator_client, "/referrals/queue/")
    few = _queries(coordinator_client, "/referrals/queue/")
    for number in range(18):
        make_referral(UserFactory(role=Role.REFERRER), house_number=number + 2)
    assert len(coordinator_client.get("/referrals/queue/").context["rows"]) == 20
    assert _queries(coordinator_client, "/referrals/queue/") == few


def test_urgency_is_late_past_the_target_and_at_risk_two_weeks_before():
    day = datetime.date(2026, 11, 26)
    assert urgency(day - datetime.timedelta(days=1), day) == "overdue"
    assert urgency(day, day) == "at_risk"
    assert urgency(day + datetime.timedelta(days=14), day) == "at_risk"
    assert urgency(day + datetime.timedelta(days=15), day) == ""


def test_the_navigation_links_follow_the_permissions(client, referrer, coordinator,
                                                     warehouse_user):
    for user, links in [(referrer, {"/referrals/"}), (warehouse_user, {"/referrals/"}),
                        (coordinator, {"/referrals/", "/referrals/queue/"})]:
        client.force_login(user)
        html = client.get("/").content.decode()
        for path in ("/referrals/", "/referrals/queue/", "/referrals/new/"):
            expected = path in links or (path == "/referrals/new/" and user == referrer)
            assert (f'href="{path}"' in html) == expected, (user, path)
