"""The referral API (DESIGN §4, §7.2): submit with the check's decision at once, read within the
role's scope, decide; every bad field a 400 that writes nothing."""

import datetime
import re

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from logistics.models import (
    KitType,
    Referral,
    ReferralStatus,
    ReferralStatusChange,
    ReservationState,
    StockLevel,
)
from logistics.referrals import services
from logistics.referrals.rules import add_months
from startpakket.roles import Role
from tests.factories import (
    OrganisationFactory,
    UserFactory,
    WarehouseFactory,
    kit_with,
    make_referral,
    stock_for_kits,
)
from tests.helpers import DROP, referral_payload

pytestmark = pytest.mark.django_db

URL = "/api/v1/referrals/"
PROBLEM = "application/problem+json"
S = ReferralStatus

DELIVERY_FIELDS = {
    "code", "status", "parent_first_name", "parent_last_name", "phone", "language", "street",
    "house_number", "house_number_suffix", "postcode", "city", "due_date", "window_opens",
    "deliver_by", "babies", "kit_type", "delivery_notes", "warehouse", "actions",
    "delivery_method", "pickup_point", "tracking_number",
}
REFERRER_FIELDS = DELIVERY_FIELDS | {
    "organisation", "referred_by", "email", "consent", "consent_date", "household", "incomes",
    "eligibility", "outcome", "eligibility_override", "override_reason", "follows",
    "follow_up", "created_at", "updated_at", "anonymised_at",
}
COORDINATOR_FIELDS = REFERRER_FIELDS | {"possible_duplicate"}
DECISION_FIELDS = {
    "outcome", "eligible", "category", "norm", "includes_holiday_allowance",
    "threshold_percent", "threshold", "counted_income", "excluded_income", "percent_of_norm",
    "norm_table", "warnings", "explanation",
}


def today():
    return timezone.localdate()


def url(referral, action=""):
    code = referral if isinstance(referral, str) else referral.code
    return f"{URL}{code}/{action + '/' if action else ''}"


def assert_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    return response.json()


def reserved_at(warehouse) -> int:
    return StockLevel.objects.filter(warehouse=warehouse).aggregate(n=Sum("reserved"))["n"] or 0


@pytest.fixture
def stocked(warehouse, coordinator):
    stock_for_kits(warehouse, 2, user=coordinator)
    return warehouse


@pytest.fixture
def other_referrer(db):
    return UserFactory(role=Role.REFERRER)


# --- submitting --------------------------------------------------------------------------------

def test_a_referrer_submits_a_referral_and_sees_the_decision_at_once(token_client, referrer):
    response = token_client(referrer).post(URL, referral_payload(), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == REFERRER_FIELDS
    assert re.fullmatch(rf"BSP-{today().year}-\d{{5}}", body["code"])
    assert body["status"] == "submitted"
    assert body["postcode"] == "3511 AB"
    assert body["phone"] == "06 12345678"
    assert body["organisation"] == referrer.organisation.code
    assert body["referred_by"] == referrer.username
    assert body["kit_type"] == "start-50-68"
    assert body["warehouse"] is None
    assert (body["consent"], body["consent_date"]) == (True, today().isoformat())
    assert body["household"] == {"applicant_age": 30, "has_partner": False, "partner_age": None,
                                 "children": 0}
    assert body["incomes"] == [{"kind": "wages", "amount": "1200.00"},
                               {"kind": "child_benefit", "amount": "300.00"}]
    assert set(body["eligibility"]) == DECISION_FIELDS
    assert body["eligibility"]["outcome"] == body["outcome"] == "eligible"
    assert body["eligibility"]["counted_income"] == "1200.00"
    assert body["eligibility"]["excluded_income"] == "300.00"
    assert body["eligibility"]["explanation"]
    # The first kit's window: from 16 to 6 weeks before the due date.
    assert body["window_opens"] == (today() + datetime.timedelta(days=120 - 112)).isoformat()
    assert body["deliver_by"] == (today() + datetime.timedelta(days=120 - 42)).isoformat()

    referral = Referral.objects.get(code=body["code"])
    assert referral.phone.as_e164 == "+31612345678"
    assert (referral.organisation, referral.referred_by) == (referrer.organisation, referrer)
    assert (referral.house_number_suffix, referral.language) == ("bis", "ar")
    assert list(referral.history.values_list("to_status", flat=True)) == [S.SUBMITTED]


def test_optional_fields_may_be_left_out(token_client, referrer):
    body = referral_payload(email=DROP, language=DROP, house_number_suffix=DROP, babies=DROP,
                            delivery_notes=DROP, incomes=[])
    response = token_client(referrer).post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    referral = Referral.objects.get()
    assert (referral.email, referral.language, referral.house_number_suffix, referral.babies,
            referral.delivery_notes) == ("", "nl", "", 1, "")


def test_twins_and_a_baby_already_born(token_client, referrer):
    born = (today() - datetime.timedelta(days=60)).isoformat()
    response = token_client(referrer).post(URL, referral_payload(babies=2, due_date=born),
                                           format="json")
    assert response.status_code == 201, response.json()
    assert (response.json()["babies"], response.json()["due_date"]) == (2, born)


def test_an_applicant_under_18_is_left_to_a_coordinator(token_client, referrer):
    body = referral_payload(household={"applicant_age": 17, "has_partner": False, "children": 0})
    response = token_client(referrer).post(URL, body, format="json")
    assert response.status_code == 201
    assert response.json()["eligibility"]["outcome"] == "manual_review"


@pytest.mark.parametrize(("notation", "e164", "shown"), [
    ("06 12345678", "+31612345678", "06 12345678"),
    ("0612345678", "+31612345678", "06 12345678"),
    ("+31 6 1234 5678", "+31612345678", "06 12345678"),
    ("0031612345678", "+31612345678", "06 12345678"),
    ("06-12345678", "+31612345678", "06 12345678"),
    ("030 123 4567", "+31301234567", "030 123 4567"),
    ("020-1234567", "+31201234567", "020 123 4567"),
    ("+32 470 12 34 56", "+32470123456", "+32 470 12 34 56"),
])
def test_phone_numbers_in_any_notation_are_stored_e164_and_shown_national(
        token_client, referrer, notation, e164, shown):
    response = token_client(referrer).post(URL, referral_payload(phone=notation), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["phone"] == shown
    assert Referral.objects.get().phone.as_e164 == e164


@pytest.mark.parametrize("postcode", ["1234ab", "1234 ab", " 1234  AB ", "1234AB"])
def test_postcodes_are_normalised(token_client, referrer, postcode):
    response = token_client(referrer).post(URL, referral_payload(postcode=postcode), format="json")
    assert response.status_code == 201, response.json()
    assert Referral.objects.get().postcode == "1234 AB"


def test_the_due_date_window_includes_its_ends(token_client, referrer):
    api = token_client(referrer)
    earliest, latest = add_months(today(), -12), add_months(today(), 10)
    one_day = datetime.timedelta(days=1)
    for day, expected in [(earliest, 201), (latest, 201), (earliest - one_day, 400),
                          (latest + one_day, 400)]:
        response = api.post(URL, referral_payload(due_date=day.isoformat()), format="json")
        assert response.status_code == expected, (day, response.json())
    assert Referral.objects.count() == 2


def _months(months):
    return add_months(timezone.localdate(), months).isoformat()


BAD_FIELDS = [
    # names, street, city: empty, blank, too long, not text
    ({"parent_first_name": ""}, "parent_first_name"),
    ({"parent_first_name": "   "}, "parent_first_name"),
    ({"parent_first_name": DROP}, "parent_first_name"),
    ({"parent_first_name": "x" * 101}, "parent_first_name"),
    ({"parent_first_name": ["Samira"]}, "parent_first_name"),
    ({"parent_first_name": "Sam\u0000ira"}, "parent_first_name"),
    ({"parent_last_name": None}, "parent_last_name"),
    ({"parent_last_name": "x" * 101}, "parent_last_name"),
    ({"street": ""}, "street"),
    ({"street": "x" * 201}, "street"),
    ({"city": ""}, "city"),
    ({"city": "x" * 101}, "city"),
    ({"city": {"name": "Utrecht"}}, "city"),
    # phone
    ({"phone": ""}, "phone"),
    ({"phone": DROP}, "phone"),
    ({"phone": "12345"}, "phone"),
    ({"phone": "06 1234"}, "phone"),
    ({"phone": "bel maar"}, "phone"),
    ({"phone": "06" + "1" * 40}, "phone"),
    ({"phone": True}, "phone"),
    # e-mail and language
    ({"email": "geen e-mail"}, "email"),
    ({"email": "a" * 250 + "@example.org"}, "email"),
    ({"language": "klingon"}, "language"),
    ({"language": ""}, "language"),
    # address
    ({"house_number": 0}, "house_number"),
    ({"house_number": 100000}, "house_number"),
    ({"house_number": "twaalf"}, "house_number"),
    ({"house_number": 12.5}, "house_number"),
    ({"house_number": None}, "house_number"),
    ({"house_number_suffix": "x" * 11}, "house_number_suffix"),
    ({"postcode": "0123 AB"}, "postcode"),
    ({"postcode": "1234 SS"}, "postcode"),
    ({"postcode": "12345"}, "postcode"),
    ({"postcode": "1234 ABC"}, "postcode"),
    ({"postcode": ""}, "postcode"),
    ({"postcode": 1234}, "postcode"),
    ({"postcode": "1234" + " " * 30 + "AB"}, "postcode"),
    # due date
    ({"due_date": _months(11)}, "due_date"),
    ({"due_date": _months(-13)}, "due_date"),
    ({"due_date": "2026-13-01"}, "due_date"),
    ({"due_date": "volgende maand"}, "due_date"),
    ({"due_date": None}, "due_date"),
    ({"due_date": DROP}, "due_date"),
    # babies
    ({"babies": 0}, "babies"),
    ({"babies": 4}, "babies"),
    ({"babies": -1}, "babies"),
    ({"babies": "twee"}, "babies"),
    ({"babies": 1.5}, "babies"),
    # kit type
    ({"kit_type": "nope"}, "kit_type"),
    ({"kit_type": "old-kit"}, "kit_type"),
    ({"kit_type": 42}, "kit_type"),
    ({"kit_type": None}, "kit_type"),
    ({"kit_type": DROP}, "kit_type"),
    ({"kit_type": "start\u0000"}, "kit_type"),
    # notes, consent
    ({"delivery_notes": "x" * 1001}, "delivery_notes"),
    ({"consent": False}, "consent"),
    ({"consent": DROP}, "consent"),
    ({"consent": None}, "consent"),
    ({"consent": "misschien"}, "consent"),
    # household and incomes, as in the eligibility check
    ({"household": DROP}, "household"),
    ({"household": "eenoudergezin"}, "household"),
    ({"household": {"applicant_age": -1}}, "household.applicant_age"),
    ({"household": {"applicant_age": "dertig"}}, "household.applicant_age"),
    ({"household": {"has_partner": False}}, "household.applicant_age"),
    ({"household": {"applicant_age": 30, "children": -1}}, "household.children"),
    ({"household": {"applicant_age": 30, "has_partner": True}}, "household.partner_age"),
    ({"household": {"applicant_age": 30, "partner_age": 31}}, "household.partner_age"),
    ({"incomes": DROP}, "incomes"),
    ({"incomes": "laag"}, "incomes"),
    ({"incomes": [{"kind": "lottery", "amount": "10.00"}]}, "incomes.0.kind"),
    ({"incomes": [{"kind": "wages", "amount": "-1"}]}, "incomes.0.amount"),
    ({"incomes": [{"kind": "wages", "amount": "1.234"}]}, "incomes.0.amount"),
    ({"incomes": [{"kind": "wages", "amount": "veel"}]}, "incomes.0.amount"),
    ({"incomes": [{"kind": "wages"}]}, "incomes.0.amount"),
    ({"incomes": [{"kind": "wages", "amount": "1"}] * 21}, "incomes"),
]


@pytest.mark.parametrize(("changes", "field"), BAD_FIELDS,
                         ids=[f"{field}-{i}" for i, (_, field) in enumerate(BAD_FIELDS)])
def test_each_bad_field_is_a_400_keyed_by_field_and_writes_nothing(
        token_client, referrer, changes, field):
    kit_with([], code="old-kit", is_active=False)
    response = token_client(referrer).post(URL, referral_payload(**changes), format="json")

    body = assert_problem(response, 400)
    assert field in body["errors"], body
    assert all(isinstance(m, str) for messages in body["errors"].values() for m in messages)
    assert not Referral.objects.exists()
    assert not ReferralStatusChange.objects.exists()


def test_a_body_that_is_no_object_is_a_400(token_client, referrer):
    api = token_client(referrer)
    assert_problem(api.post(URL, [referral_payload()], format="json"), 400)
    assert_problem(api.post(URL, "{not json", content_type="application/json"), 400)
    assert not Referral.objects.exists()


def test_an_account_without_organisation_cannot_submit(token_client):
    admin = UserFactory(groups=[], organisation=None, is_superuser=True)
    assert_problem(token_client(admin).post(URL, referral_payload(), format="json"), 403)
    assert not Referral.objects.exists()


@pytest.mark.parametrize("role", [Role.WAREHOUSE, Role.COORDINATOR])
def test_only_referrers_submit(token_client, role):
    response = token_client(UserFactory(role=role)).post(URL, referral_payload(), format="json")
    assert_problem(response, 403)
    assert not Referral.objects.exists()


def test_a_phone_extension_is_refused(token_client, referrer):
    answer = token_client(referrer).post(URL, referral_payload(phone="+31 30 1234567 ext. 12"),
                                         format="json")
    assert answer.status_code == 400 and "phone" in answer.json()["errors"]
    assert not Referral.objects.exists()


def test_a_kit_type_without_contents_is_refused(token_client, referrer):
    KitType.objects.create(code="leeg", name="Leeg pakket")
    answer = token_client(referrer).post(URL, referral_payload(kit_type="leeg"), format="json")
    assert answer.status_code == 400 and "kit_type" in answer.json()["errors"]


# --- reading: who sees what ----------------------------------------------------------------------

@pytest.fixture
def referrals(referrer, other_referrer, coordinator, stocked):
    """``own``: the referrer's organisation's, approved at the volunteer's warehouse; ``other``:
    another organisation's, still submitted."""
    own = make_referral(referrer)
    services.approve_referral(referral=own, user=coordinator, warehouse=stocked)
    other = make_referral(other_referrer, house_number=99)
    return {"own": own, "other": other}


SCOPE = [
    ("referrer", "own", 200), ("referrer", "other", 404),
    ("colleague", "own", 200), ("colleague", "other", 404),
    ("warehouse", "own", 200), ("warehouse", "other", 404),
    ("other_warehouse", "own", 404), ("other_warehouse", "other", 404),
    ("coordinator", "own", 200), ("coordinator", "other", 200),
    ("anonymous", "own", 401), ("anonymous", "other", 401),
]


@pytest.fixture
def viewer(referrer, warehouse_user, coordinator, token_client, api_client):
    def make(who):
        users = {
            "referrer": lambda: referrer,
            "colleague": lambda: UserFactory(role=Role.REFERRER,
                                             organisation=referrer.organisation),
            "warehouse": lambda: warehouse_user,
            "other_warehouse": lambda: UserFactory(role=Role.WAREHOUSE),
            "coordinator": lambda: coordinator,
        }
        return api_client if who == "anonymous" else token_client(users[who]())

    return make


@pytest.mark.parametrize(("who", "which", "expected"), SCOPE)
def test_each_role_reads_only_referrals_in_its_scope(viewer, referrals, who, which, expected):
    api = viewer(who)
    referral = referrals[which]

    response = api.get(url(referral))
    assert response.status_code == expected, response.content
    listed = api.get(URL)
    if expected == 401:
        assert_problem(listed, 401)
        return
    codes = [row["code"] for row in listed.json()["results"]]
    assert (referral.code in codes) == (expected == 200)
    if expected == 404:
        assert response["Content-Type"] == PROBLEM


@pytest.mark.parametrize("path", ["%00/", "%00/approve/", "bsp-2026-00001/", "BSP-26-1/cancel/"])
def test_a_code_of_the_wrong_shape_is_404(token_client, coordinator, path):
    assert token_client(coordinator).get(f"{URL}{path}").status_code == 404


def test_volunteers_no_longer_see_a_cancelled_referral(token_client, warehouse_user, warehouse,
                                                       referrer, coordinator):
    stock_for_kits(warehouse, 1)
    referral = services.approve_referral(referral=make_referral(referrer), user=coordinator,
                                         warehouse=warehouse)
    api = token_client(warehouse_user)
    assert api.get(url(referral)).status_code == 200
    services.cancel_referral(referral=referral, user=coordinator, reason="Verhuisd")
    assert api.get(url(referral)).status_code == 404
    assert api.get(f"{URL}?status=cancelled").json()["count"] == 0


def test_a_volunteer_sees_no_household_income_or_eligibility(token_client, warehouse_user,
                                                              referrals):
    api = token_client(warehouse_user)
    detail = api.get(url(referrals["own"])).json()
    assert set(detail) == DELIVERY_FIELDS
    (row,) = api.get(URL).json()["results"]
    assert set(row) == DELIVERY_FIELDS
    assert row["warehouse"] == warehouse_user.organisation.code
    assert row["status"] == "approved"


def test_a_referrer_sees_everything_but_the_duplicate_flag(token_client, referrer, referrals):
    body = token_client(referrer).get(url(referrals["own"])).json()
    assert set(body) == REFERRER_FIELDS
    assert set(body["eligibility"]) == DECISION_FIELDS


def test_a_coordinator_sees_possible_duplicates_of_any_organisation(token_client, coordinator,
                                                                    referrer, other_referrer):
    first = make_referral(referrer)
    twin = make_referral(other_referrer,
                         due_date=first.due_date + datetime.timedelta(days=30))
    elsewhere = make_referral(referrer, house_number=13)

    rows = token_client(coordinator).get(URL).json()["results"]

    assert all(set(row) == COORDINATOR_FIELDS for row in rows)
    flags = {row["code"]: row["possible_duplicate"] for row in rows}
    assert flags == {first.code: True, twin.code: True, elsewhere.code: False}
    detail = token_client(coordinator).get(url(elsewhere)).json()
    assert detail["possible_duplicate"] is False


def test_the_most_urgent_come_first_and_status_filters(token_client, coordinator, referrer):
    later = make_referral(referrer, due_date=today() + datetime.timedelta(days=200))
    sooner = make_referral(referrer, due_date=today() + datetime.timedelta(days=20))
    born = make_referral(referrer, due_date=today() - datetime.timedelta(days=20))
    services.reject_referral(referral=later, user=coordinator, reason="Dubbel")
    api = token_client(coordinator)

    body = api.get(URL).json()
    assert body["count"] == 3 and {"next", "previous"} <= set(body)
    assert [row["code"] for row in body["results"]] == [born.code, sooner.code, later.code]
    rejected = api.get(f"{URL}?status=rejected").json()["results"]
    assert [row["code"] for row in rejected] == [later.code]
    submitted = api.get(f"{URL}?status=submitted").json()["results"]
    assert [row["code"] for row in submitted] == [born.code, sooner.code]
    page = api.get(f"{URL}?page_size=2").json()
    assert len(page["results"]) == 2 and page["next"]


@pytest.mark.parametrize("status", ["nope", "SUBMITTED", "submitted\u0000", "x" * 1000])
def test_an_unknown_status_filter_is_a_400(token_client, coordinator, status):
    body = assert_problem(token_client(coordinator).get(URL, {"status": status}), 400)
    assert "status" in body["errors"]


def test_an_empty_status_filter_filters_nothing(token_client, coordinator, referrer):
    make_referral(referrer)
    assert token_client(coordinator).get(f"{URL}?status=").json()["count"] == 1


@pytest.mark.parametrize("role", [Role.REFERRER, Role.WAREHOUSE, Role.COORDINATOR])
def test_the_list_costs_the_same_queries_for_more_referrals(token_client, referrer, warehouse,
                                                            role):
    viewer = {Role.REFERRER: referrer, Role.WAREHOUSE: UserFactory(
        role=Role.WAREHOUSE, organisation=warehouse), Role.COORDINATOR: UserFactory(
        role=Role.COORDINATOR)}[role]
    api = token_client(viewer)

    def add(n):
        for _ in range(n):
            make_referral(referrer)
        # Assigned as approval would; only the scope matters here.
        Referral.objects.update(warehouse=warehouse, status=ReferralStatus.APPROVED)

    def queries():
        with CaptureQueriesContext(connection) as context:
            response = api.get(f"{URL}?page_size=200")
        assert response.status_code == 200
        return len(context.captured_queries), response.json()["count"]

    add(2)
    # The first request in a process also reads what it keeps (reference_data).
    queries()
    few, count = queries()
    assert count == 2
    add(18)
    assert queries() == (few, 20)


# --- the workflow ------------------------------------------------------------------------------

def test_the_whole_way_create_approve_reserve_cancel_release(token_client, referrer, coordinator,
                                                             warehouse_user, warehouse):
    stock_for_kits(warehouse, 1, user=coordinator)
    nurse, coord = token_client(referrer), token_client(coordinator)

    code = nurse.post(URL, referral_payload(), format="json").json()["code"]
    response = coord.post(url(code, "approve"), {"warehouse": warehouse.code}, format="json")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["code"], body["status"], body["warehouse"]) == (code, "approved", warehouse.code)
    assert set(body) == COORDINATOR_FIELDS
    rows = coord.get(f"/api/v1/stock/?warehouse={warehouse.code}&page_size=200").json()["results"]
    stocked_rows = [row for row in rows if row["on_hand"]]
    assert stocked_rows and all(row["reserved"] == row["on_hand"] and row["available"] == 0
                                for row in stocked_rows)
    assert token_client(warehouse_user).get(url(code)).status_code == 200
    assert nurse.get(url(code)).json()["status"] == "approved"

    response = coord.post(url(code, "cancel"), {"reason": "Verhuisd"}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "cancelled"
    assert reserved_at(warehouse) == 0
    referral = Referral.objects.get(code=code)
    assert referral.reservation.state == ReservationState.RELEASED
    assert list(referral.history.values_list("to_status", "by", "reason")) == [
        (S.SUBMITTED, referrer.pk, ""), (S.APPROVED, coordinator.pk, ""),
        (S.CANCELLED, coordinator.pk, "Verhuisd")]


def test_ask_resubmit_reject(token_client, referrer, coordinator):
    referral = make_referral(referrer)
    nurse, coord = token_client(referrer), token_client(coordinator)

    response = coord.post(url(referral, "ask"), {"reason": "Inkomen partner?"}, format="json")
    assert (response.status_code, response.json()["status"]) == (200, "needs_info")
    assert nurse.get(url(referral)).json()["status"] == "needs_info"
    response = nurse.post(url(referral, "resubmit"), {"reason": "Geen partner."}, format="json")
    assert (response.status_code, response.json()["status"]) == (200, "submitted")
    assert set(response.json()) == REFERRER_FIELDS
    response = coord.post(url(referral, "reject"), {"reason": "Te hoog inkomen"}, format="json")
    assert (response.status_code, response.json()["status"]) == (200, "rejected")

    assert list(referral.history.values_list("to_status", "reason")) == [
        (S.SUBMITTED, ""), (S.NEEDS_INFO, "Inkomen partner?"), (S.SUBMITTED, "Geen partner."),
        (S.REJECTED, "Te hoog inkomen")]
    body = assert_problem(coord.post(url(referral, "approve"), {}, format="json"), 409)
    assert body["code"] == "transition_not_allowed"
    # Written when read (``workflow._written_when_read``), in the reader's language.
    assert body["detail"] == "Een aanmelding die afgewezen is, kan niet goedgekeurd worden."


def test_approve_with_too_little_stock_is_a_409_with_the_short_items(token_client, referrer,
                                                                    coordinator, warehouse):
    referral = make_referral(referrer)
    response = token_client(coordinator).post(url(referral, "approve"),
                                              {"warehouse": warehouse.code}, format="json")
    body = assert_problem(response, 409)
    assert body["code"] == "insufficient_stock"
    assert body["short"]
    assert all(set(line) == {"item", "needed", "available"} and line["available"] == 0
               and line["needed"] > 0 for line in body["short"])
    referral.refresh_from_db()
    assert (referral.status, referral.warehouse, referral.reservation) == (S.SUBMITTED, None, None)


def test_a_double_approve_reserves_once(token_client, referrer, coordinator, stocked):
    referral = make_referral(referrer)
    api = token_client(coordinator)
    assert api.post(url(referral, "approve"), {"warehouse": stocked.code},
                    format="json").status_code == 200
    once = reserved_at(stocked)

    body = assert_problem(api.post(url(referral, "approve"), {"warehouse": stocked.code},
                                   format="json"), 409)
    assert body["code"] == "transition_not_allowed"
    assert reserved_at(stocked) == once > 0
    assert referral.history.filter(to_status=S.APPROVED).count() == 1


def test_approve_picks_the_only_warehouse_or_asks_for_one(token_client, referrer, coordinator,
                                                          stocked):
    api = token_client(coordinator)
    referral = make_referral(referrer)
    response = api.post(url(referral, "approve"), {}, format="json")
    assert (response.status_code, response.json()["warehouse"]) == (200, stocked.code)

    WarehouseFactory()
    second = make_referral(referrer)
    body = assert_problem(api.post(url(second, "approve"), {"warehouse": None}, format="json"),
                          400)
    assert "warehouse" in body["errors"]
    body = assert_problem(api.post(url(second, "approve"), {"warehouse": "nope"},
                                   format="json"), 400)
    assert "warehouse" in body["errors"]


def test_a_family_that_does_not_qualify_needs_an_override_first(token_client, referrer,
                                                                coordinator, stocked):
    body = referral_payload(incomes=[{"kind": "wages", "amount": "4000.00"}])
    code = token_client(referrer).post(URL, body, format="json").json()["code"]
    api = token_client(coordinator)
    assert api.get(url(code)).json()["outcome"] == "not_eligible"
    assert assert_problem(api.post(url(code, "approve"), {}, format="json"), 409)["code"] == (
        "not_eligible")

    for bad, field in [({"outcome": "maybe", "reason": "x"}, "outcome"),
                       ({"outcome": "eligible"}, "reason"),
                       ({"outcome": "eligible", "reason": " "}, "reason"),
                       ({"outcome": "eligible", "reason": "x" * 501}, "reason")]:
        assert field in assert_problem(api.post(url(code, "override"), bad, format="json"),
                                       400)["errors"]
    response = api.post(url(code, "override"),
                        {"outcome": "eligible", "reason": "Schuldsanering"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["outcome"], body["eligibility_override"], body["override_reason"]) == (
        "eligible", "eligible", "Schuldsanering")
    assert body["eligibility"]["outcome"] == "not_eligible"  # the check itself stays as it was
    assert api.post(url(code, "approve"), {}, format="json").status_code == 200
    # Once decided, the outcome cannot be set any more: a conflict with the state.
    assert_problem(api.post(url(code, "override"),
                            {"outcome": "not_eligible", "reason": "Toch niet"}, format="json"),
                   409)


@pytest.mark.parametrize("action", ["reject", "ask", "cancel"])
@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": "x" * 1001},
                                  {"reason": ["a"]}, {"reason": None}])
def test_reasons_are_required(token_client, referrer, coordinator, action, body):
    referral = make_referral(referrer)
    response = token_client(coordinator).post(url(referral, action), body, format="json")
    assert "reason" in assert_problem(response, 400)["errors"]
    referral.refresh_from_db()
    assert referral.status == S.SUBMITTED
    assert referral.history.count() == 1


def test_a_resubmit_needs_a_reason_too(token_client, referrer, coordinator):
    referral = make_referral(referrer)
    services.ask_for_information(referral=referral, user=coordinator, reason="Vraag")
    response = token_client(referrer).post(url(referral, "resubmit"), {}, format="json")
    assert "reason" in assert_problem(response, 400)["errors"]


def test_transitions_that_are_not_allowed_are_409(token_client, referrer, coordinator):
    referral = make_referral(referrer)
    body = assert_problem(token_client(referrer).post(url(referral, "resubmit"),
                                                      {"reason": "?"}, format="json"), 409)
    assert body["code"] == "transition_not_allowed"
    services.reject_referral(referral=referral, user=coordinator, reason="Nee")
    for action in ("reject", "ask", "cancel"):
        response = token_client(coordinator).post(url(referral, action), {"reason": "Nog eens"},
                                                  format="json")
        assert assert_problem(response, 409)["code"] == "transition_not_allowed"


def test_a_referrer_cancels_only_while_submitted(token_client, referrer, coordinator, stocked):
    waiting, approved = make_referral(referrer), make_referral(referrer)
    services.approve_referral(referral=approved, user=coordinator, warehouse=stocked)
    api = token_client(referrer)

    response = api.post(url(waiting, "cancel"), {"reason": "Dubbel aangemeld"}, format="json")
    assert (response.status_code, response.json()["status"]) == (200, "cancelled")
    response = api.post(url(approved, "cancel"), {"reason": "Toch niet"}, format="json")
    assert assert_problem(response, 409)["code"] == "transition_not_allowed"
    assert reserved_at(stocked) > 0


# Who may take each step, on a referral of the referrer's organisation in the state the step
# starts from: 403 for a role that may never do it (whatever the code), 404 outside the scope.
ACTIONS = {
    "approve": {},
    "reject": {"reason": "Nee"},
    "ask": {"reason": "Vraag"},
    "override": {"outcome": "eligible", "reason": "Schuldsanering"},
    "cancel": {"reason": "Verhuisd"},
    "resubmit": {"reason": "Antwoord"},
}
ACTION_ACCESS = {
    #            referrer  other org  warehouse  coordinator  anonymous
    "approve": (403, 403, 403, 200, 401),
    "reject": (403, 403, 403, 200, 401),
    "ask": (403, 403, 403, 200, 401),
    "override": (403, 403, 403, 200, 401),
    "cancel": (200, 404, 403, 200, 401),
    "resubmit": (200, 404, 403, 403, 401),
}
WHO = ["referrer", "other_org", "warehouse", "coordinator", "anonymous"]


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_who_may_take_each_step(token_client, api_client, referrer, other_referrer,
                                warehouse_user, coordinator, stocked, action, who):
    referral = make_referral(referrer)
    if action == "resubmit":
        services.ask_for_information(referral=referral, user=coordinator, reason="Vraag")
    before = referral.history.count()
    users = {"referrer": referrer, "other_org": other_referrer, "warehouse": warehouse_user,
             "coordinator": coordinator}
    api = api_client if who == "anonymous" else token_client(users[who])
    expected = ACTION_ACCESS[action][WHO.index(who)]

    response = api.post(url(referral, action), ACTIONS[action], format="json")

    assert response.status_code == expected, response.content
    if expected != 200:
        assert response["Content-Type"] == PROBLEM
        assert referral.history.count() == before
        assert reserved_at(stocked) == 0


@pytest.mark.parametrize(("action", "role"), [
    ("approve", Role.COORDINATOR), ("reject", Role.COORDINATOR), ("ask", Role.COORDINATOR),
    ("override", Role.COORDINATOR), ("cancel", Role.COORDINATOR), ("cancel", Role.REFERRER),
    ("resubmit", Role.REFERRER),
])
def test_an_unknown_code_is_a_404(token_client, action, role):
    response = token_client(UserFactory(role=role)).post(url("BSP-2000-99999", action),
                                                         ACTIONS[action], format="json")
    assert_problem(response, 404)


def test_a_volunteer_cannot_decide_even_on_an_assigned_referral(token_client, warehouse_user,
                                                                referrals):
    api = token_client(warehouse_user)
    for action in ("approve", "reject", "ask", "override", "cancel", "resubmit"):
        assert_problem(api.post(url(referrals["own"], action), ACTIONS[action], format="json"),
                       403)


def test_the_schema_describes_the_referral_api(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path in ("/api/v1/referrals/", "/api/v1/referrals/{code}/",
                 *(f"/api/v1/referrals/{{code}}/{action}/" for action in ACTIONS)):
        assert path in schema["paths"], path
    post = schema["paths"]["/api/v1/referrals/"]["post"]
    assert "Idempotency-Key" in [p["name"] for p in post["parameters"]]
    assert {"201", "400", "422"} <= set(post["responses"])


def test_referrals_of_other_organisations_never_show(token_client, referrer):
    other = OrganisationFactory()
    make_referral(UserFactory(role=Role.REFERRER, organisation=other))
    assert token_client(referrer).get(URL).json()["count"] == 0


def openapi(api_client):
    return api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def test_the_schema_lists_the_conflict_of_an_override_after_the_decision(
        token_client, coordinator, api_client, referrals):
    """Found by the fuzz test (tests/test_api_fuzz.py): a 409 the schema did not list."""
    response = token_client(coordinator).post(url(referrals["own"], "override"),
                                              ACTIONS["override"], format="json")
    assert_problem(response, 409)
    responses = openapi(api_client)["paths"]["/api/v1/referrals/{code}/override/"]["post"][
        "responses"]
    assert PROBLEM in responses["409"]["content"]


def test_the_schema_lets_a_referral_have_no_email_and_no_override(token_client, referrer,
                                                                  api_client):
    """Found by the fuzz test: DRF drops ``allow_blank`` from read-only model fields, so the
    schema called the empty e-mail address and the empty override of most referrals invalid."""
    body = token_client(referrer).get(url(make_referral(referrer))).json()
    assert (body["email"], body["eligibility_override"]) == ("", "")
    fields = openapi(api_client)["components"]["schemas"]["Referral"]["properties"]
    assert fields["email"]["type"] == "string"
    assert "format" not in fields["email"]
    assert {"$ref": "#/components/schemas/BlankEnum"} in fields["eligibility_override"]["oneOf"]


def test_submitting_takes_a_fixed_number_of_queries(token_client, referrer, coordinator,
                                                   django_assert_num_queries):
    """Issue #18: 26 queries a referral before; what each process keeps (norms, policy, the
    groups' permissions, the kit types that may be chosen, the postcode ranges) is read by the
    first request only."""
    api = token_client(referrer)
    assert api.post(URL, referral_payload(), format="json",
                    HTTP_IDEMPOTENCY_KEY="first").status_code == 201
    # Checked before the transaction: token with user and organisation, the user's groups and
    # own permissions, the key, the kit type. Then written (here two
    # savepoints stand for the transaction and its savepoint): the number, the referral, its
    # history, two audit entries, the statistics' counts (two upserts of counts, what it
    # counts now: nothing read back), the key with its answer. The coordinators to tell are
    # read after the commit (none in a test).
    with django_assert_num_queries(18):
        response = api.post(URL, referral_payload(parent_first_name="Fatima"), format="json",
                            HTTP_IDEMPOTENCY_KEY="second")
    assert response.status_code == 201
    with django_assert_num_queries(18):
        response = api.post(URL, referral_payload(parent_first_name="Noor"), format="json",
                            HTTP_IDEMPOTENCY_KEY="third")
    assert response.status_code == 201
