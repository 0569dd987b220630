"""Search and filters of the referral list (issue #15, point 2), through both doors: the page
``/referrals/`` and ``GET /api/v1/referrals/``, which share one FilterSet. And the list on a
phone (point 8): every row keeps its status and deliver-by date in view."""

import datetime
import re
import zoneinfo
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from logistics.models import KitType, Referral, ReferralStatus
from logistics.referrals import services
from startpakket import audit
from startpakket.roles import Role
from tests.factories import UserFactory, make_referral

pytestmark = pytest.mark.django_db

PAGE, API = "page", "api"
URL = "/api/v1/referrals/"
AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
PROBLEM = "application/problem+json"


def today():
    return timezone.localdate()


def referred_at(referral, year, month, day, hour=10, minute=0):
    """As if the nurse had sent it then (Amsterdam time)."""
    moment = datetime.datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM)
    Referral.objects.filter(pk=referral.pk).update(created_at=moment)


class Door:
    """One way into the list: ``find(user, **params)`` answers the codes it shows (every page of
    them), ``errors(user, **params)`` the messages per field."""

    def __init__(self, kind, client, token_client):
        self.kind, self.client, self.token_client = kind, client, token_client

    def get(self, user, params):
        if self.kind == PAGE:
            self.client.force_login(user)
            return self.client.get("/referrals/", params)
        return self.token_client(user).get(URL, params, HTTP_ACCEPT_LANGUAGE="nl")

    def find(self, user, **params) -> set[str]:
        if self.kind == PAGE:
            # The page shows the referrals under way unless told otherwise; the API all.
            params.setdefault("status", "all")
        response = self.get(user, params)
        assert response.status_code == 200, response.content
        if self.kind == PAGE:
            assert not response.context["filters"].errors
            return {row.referral.code for row in response.context["rows"]}
        body = response.json()
        assert body["next"] is None
        return {row["code"] for row in body["results"]}

    def errors(self, user, **params) -> dict[str, list[str]]:
        response = self.get(user, params)
        if self.kind == PAGE:
            assert response.status_code == 200
            errors = response.context["filters"].errors
            html = response.content.decode()
            for messages in errors.values():
                for message in messages:  # shown at the field, in the page's language
                    assert f'<p class="field-error">{message}</p>' in unescape(html)
            return {field: list(messages) for field, messages in errors.items()}
        assert response.status_code == 400, response.content
        assert response["Content-Type"] == PROBLEM
        return response.json()["errors"]


@pytest.fixture(params=[PAGE, API])
def door(request, client, token_client):
    return Door(request.param, client, token_client)


@pytest.fixture
def family(referrer, coordinator):
    """Three referrals of one organisation, told apart by every filter."""
    anna = make_referral(referrer, parent_first_name="Anna", parent_last_name="de Vries",
                         postcode="1234 AB", house_number=1,
                         due_date=today() + datetime.timedelta(days=100))
    bert = make_referral(referrer, parent_first_name="Bert", parent_last_name="Öztürk",
                         postcode="1234 CD", house_number=2,
                         due_date=today() + datetime.timedelta(days=200),
                         kit_type=KitType.objects.get(code="vervolg-74-92"))
    carla = make_referral(referrer, parent_first_name="Carla", parent_last_name="Jansen",
                          postcode="5678 EF", house_number=3,
                          due_date=today() + datetime.timedelta(days=30))
    services.cancel_referral(referral=carla, user=coordinator, reason="Verhuisd")
    referred_at(anna, 2026, 1, 10)
    referred_at(bert, 2026, 2, 10, 23, 30)  # late in the evening: still the 10th here
    referred_at(carla, 2026, 3, 1, 0, 5)
    return {"anna": anna, "bert": bert, "carla": carla}


def test_each_filter_finds_what_it_names(door, referrer, family):
    anna, bert, carla = family["anna"], family["bert"], family["carla"]

    def find(**params):
        return {name for name, referral in family.items()
                if referral.code in door.find(referrer, **params)}

    assert find() == {"anna", "bert", "carla"}
    # code: whole or a part, any case
    assert find(code=anna.code) == {"anna"}
    assert find(code=bert.code.lower()) == {"bert"}
    assert find(code=carla.code[-5:]) == {"carla"}
    # name: every word in the first or the last name, any case, also beyond ASCII
    assert find(name="anna") == {"anna"}
    assert find(name="VRIES") == {"anna"}
    assert find(name="anna vries") == {"anna"}
    assert find(name="anna jansen") == set()
    assert find(name="öztürk") == {"bert"}
    assert find(name="ÖZTÜRK") == {"bert"}
    assert find(name="Öztürk Bert") == {"bert"}
    # postcode: any spelling of the whole one, or its four digits
    for spelling in ("1234AB", "1234 AB", "1234ab", " 1234  ab "):
        assert find(postcode=spelling) == {"anna"}, spelling
    assert find(postcode="1234") == {"anna", "bert"}
    assert find(postcode="5678 ef") == {"carla"}
    # status, kit type
    assert find(status="cancelled") == {"carla"}
    assert find(status="submitted") == {"anna", "bert"}
    assert find(kit_type="vervolg-74-92") == {"bert"}
    assert find(kit_type="start-50-68") == {"anna", "carla"}
    # referred between two days, both included, in local time
    assert find(submitted_from="2026-02-10") == {"bert", "carla"}
    assert find(submitted_from="2026-02-11") == {"carla"}
    assert find(submitted_to="2026-02-10") == {"anna", "bert"}
    assert find(submitted_to="2026-02-09") == {"anna"}
    assert find(submitted_from="2026-02-10", submitted_to="2026-02-10") == {"bert"}
    assert find(submitted_to="2026-02-28") == {"anna", "bert"}
    assert find(submitted_from="2026-03-01") == {"carla"}
    # due before a day, that day excluded
    assert find(due_before=(carla.due_date + datetime.timedelta(days=1)).isoformat()) == {
        "carla"}
    assert find(due_before=carla.due_date.isoformat()) == set()
    assert find(due_before=bert.due_date.isoformat()) == {"anna", "carla"}
    # together: all of them must hold
    assert find(postcode="1234", kit_type="start-50-68") == {"anna"}
    assert find(name="anna", status="cancelled") == set()


def test_the_page_shows_the_referrals_under_way_unless_a_status_is_chosen(client, referrer,
                                                                          family):
    client.force_login(referrer)
    for query in ("", "?status=", "?name=&postcode="):
        rows = client.get(f"/referrals/{query}").context["rows"]
        assert {row.referral for row in rows} == {family["anna"], family["bert"]}, query


def test_a_nurse_sees_only_her_organisations_referrals_whatever_she_asks(door, referrer,
                                                                         family):
    elsewhere = make_referral(UserFactory(role=Role.REFERRER), parent_first_name="Anna",
                              parent_last_name="de Vries", postcode="1234 AB", house_number=9)
    own = {referral.code for referral in family.values()}
    assert door.find(referrer) == own
    # Not offered to her, and ignored when sent: the scope is hers.
    assert door.find(referrer, organisation=elsewhere.organisation.code) == own
    assert door.find(referrer, name="anna", postcode="1234 AB") == {family["anna"].code}
    assert door.find(referrer, code=elsewhere.code) == set()
    if door.kind == PAGE:
        door.client.force_login(referrer)
        html = door.client.get("/referrals/").content.decode()
        assert 'name="organisation"' not in html and 'name="name"' in html


def test_a_coordinator_filters_by_organisation(door, coordinator, referrer, family):
    other = UserFactory(role=Role.REFERRER)
    elsewhere = make_referral(other, house_number=9)
    own = {referral.code for referral in family.values()}
    assert door.find(coordinator) == own | {elsewhere.code}
    assert door.find(coordinator, organisation=referrer.organisation.code) == own
    assert door.find(coordinator, organisation=other.organisation.code) == {elsewhere.code}
    assert door.find(coordinator, organisation=other.organisation.code, name="anna") == set()
    assert "organisation" in door.errors(coordinator, organisation="no-such-organisation")


def test_a_volunteer_finds_her_kits_by_code_not_by_name(door, coordinator, referrer):
    volunteer = UserFactory(role=Role.WAREHOUSE)
    anna = make_referral(referrer, parent_first_name="Anna", house_number=1)
    bert = make_referral(referrer, parent_first_name="Bert", house_number=2)
    Referral.objects.update(warehouse=volunteer.organisation, status=ReferralStatus.APPROVED)
    assert door.find(volunteer, code=anna.code) == {anna.code}
    # The list shows her codes, not names: a name finds nothing out, it is not a filter.
    assert door.find(volunteer, name="anna") == {anna.code, bert.code}
    if door.kind == PAGE:
        door.client.force_login(volunteer)
        assert 'name="name"' not in door.client.get("/referrals/").content.decode()


@pytest.mark.parametrize(("params", "field", "message"), [
    ({"status": "nonsense"}, "status", "Selecteer een geldige keuze"),
    ({"status": "SUBMITTED"}, "status", "Selecteer een geldige keuze"),
    ({"kit_type": "no-such-kit"}, "kit_type", "Selecteer een geldige keuze"),
    ({"kit_type": "start\x00"}, "kit_type", "Selecteer een geldige keuze"),
    ({"postcode": "12"}, "postcode", "Vul een postcode in, zoals 1234 AB, of alleen de vier"),
    ({"postcode": "0123 AB"}, "postcode", "Vul een postcode in"),
    ({"postcode": "1234 SS"}, "postcode", "Vul een postcode in"),
    ({"postcode": "١٢٣٤"}, "postcode", "Vul een postcode in"),
    ({"submitted_from": "2026-13-01"}, "submitted_from", "Voer een geldige datum in"),
    ({"submitted_to": "gisteren"}, "submitted_to", "Voer een geldige datum in"),
    ({"submitted_to": "9999-12-31"}, "submitted_to", "2099"),
    ({"due_before": "1999-12-31"}, "due_before", "2000"),
    ({"submitted_from": "2026-03-01", "submitted_to": "2026-02-01"}, "submitted_to",
     "Deze datum ligt vóór de begindatum."),
    ({"code": "BSP\x00"}, "code", "Null"),
    ({"name": "x" * 101}, "name", "101"),
])
def test_bad_input_is_named_at_its_field(door, coordinator, family, params, field, message):
    errors = door.errors(coordinator, **params)
    assert list(errors) == [field]
    assert any(message in text for text in errors[field]), errors


def test_the_valid_filters_still_apply_beside_a_bad_one(client, referrer, family):
    client.force_login(referrer)
    response = client.get("/referrals/", {"status": "all", "name": "anna",
                                          "due_before": "morgen"})
    assert "due_before" in response.context["filters"].errors
    assert {row.referral for row in response.context["rows"]} == {family["anna"]}
    # and the form shows what was typed, so it can be put right
    assert 'value="morgen"' in response.content.decode()


def test_the_pages_keep_the_filters(client, coordinator, referrer):
    for number in range(27):
        make_referral(referrer, parent_last_name="Bakker", house_number=number + 1)
    make_referral(referrer, parent_last_name="Jansen", house_number=99)
    client.force_login(coordinator)
    query = {"name": "bakker", "status": "submitted",
             "organisation": referrer.organisation.code}
    first = client.get("/referrals/", query)
    assert len(first.context["rows"]) == 25
    (href,) = re.findall(r'href="(\?[^"]*page=2[^"]*)"', first.content.decode())
    kept = parse_qs(urlsplit(unescape(href)).query)
    assert kept == {**{key: [value] for key, value in query.items()}, "page": ["2"]}
    second = client.get("/referrals/" + unescape(href))
    rows = second.context["rows"]
    assert len(rows) == 2 and all(row.referral.parent_last_name == "Bakker" for row in rows)
    assert second.context["page"].has_previous and not second.context["page"].has_next
    # the form on the second page still holds the filters
    assert 'value="bakker"' in second.content.decode()


def test_the_api_pages_keep_the_filters(token_client, coordinator, referrer):
    for number in range(5):
        make_referral(referrer, parent_last_name="Bakker", house_number=number + 1)
    make_referral(referrer, parent_last_name="Jansen", house_number=99)
    api = token_client(coordinator)
    body = api.get(URL, {"name": "bakker", "postcode": "3511ab", "page_size": 3}).json()
    assert body["count"] == 5 and len(body["results"]) == 3
    kept = parse_qs(urlsplit(body["next"]).query)
    assert kept == {"name": ["bakker"], "postcode": ["3511ab"], "page_size": ["3"],
                    "page": ["2"]}
    rest = api.get(body["next"]).json()
    assert len(rest["results"]) == 2 and rest["next"] is None


def _queries(get) -> int:
    with CaptureQueriesContext(connection) as context:
        response = get()
        assert response.status_code == 200
    return len(context.captured_queries)


SEARCH = {"name": "bakker", "postcode": "3511", "status": "submitted",
          "kit_type": "start-50-68", "submitted_from": "2000-01-01", "due_before": "2099-01-01"}


@pytest.mark.parametrize("role", [Role.REFERRER, Role.COORDINATOR])
def test_a_search_costs_the_same_queries_for_5_and_30_rows(client, token_client, referrer,
                                                           coordinator, role):
    viewer = referrer if role == Role.REFERRER else coordinator
    params = {**SEARCH, **({"organisation": referrer.organisation.code}
                           if role == Role.COORDINATOR else {})}
    client.force_login(viewer)

    def add(count):
        for _ in range(count):
            make_referral(referrer, parent_last_name="Bakker",
                          house_number=Referral.objects.count() + 1)

    def page():
        return client.get("/referrals/", params)

    def listed():
        return token_client(viewer).get(URL, {**params, "page_size": 30})

    add(5)
    assert len(page().context["rows"]) == 5 and listed().json()["count"] == 5
    few_page, few_api = _queries(page), _queries(listed)
    add(25)
    assert len(page().context["rows"]) == 25 and len(listed().json()["results"]) == 30
    assert _queries(page) == few_page
    assert _queries(listed) == few_api


def searches():
    return LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, object_pk="",
        content_type=ContentType.objects.get_for_model(Referral))


def test_a_search_is_logged_without_the_names_and_postcodes_searched_for(
        client, token_client, referrer, family):
    client.force_login(referrer)
    query = {"name": "Anna", "postcode": "1234AB", "status": "all",
             "kit_type": "start-50-68", "submitted_from": "2026-01-01", "code": "BSP"}
    assert client.get("/referrals/", query).status_code == 200
    assert token_client(referrer).get(URL, query).status_code == 200
    expected = {"what": audit.REFERRALS_SEARCHED, "filters": {
        "name": "***", "postcode": "***", "status": "all", "kit_type": "start-50-68",
        "submitted_from": "2026-01-01", "code": "BSP"}}
    assert [entry.additional_data for entry in searches().order_by("pk")] == [expected] * 2
    assert "Anna" not in str(list(LogEntry.objects.values_list("additional_data", flat=True)))


def test_the_schema_lists_the_filters(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json",
                            HTTP_ACCEPT_LANGUAGE="en").json()
    operation = schema["paths"][URL]["get"]
    parameters = {p["name"]: p["schema"] for p in operation["parameters"] if p["in"] == "query"}
    assert set(parameters) == {"code", "name", "postcode", "status", "kit_type", "organisation",
                               "submitted_from", "submitted_to", "due_before", "page",
                               "page_size"}
    for name in ("submitted_from", "submitted_to", "due_before"):
        assert parameters[name] == {"type": "string", "format": "date"}
    assert set(parameters["status"]["enum"]) == {"all", *ReferralStatus.values}
    assert "400" in operation["responses"]


def test_on_a_phone_every_row_keeps_its_status_and_deliver_by_date(referrer_client, family):
    """The narrow layout stacks each row (app.css, ``table.referrals`` below 40rem); it can only
    do so if the status and the date are cells of their own that no width hides."""
    html = referrer_client.get("/referrals/").content.decode()
    rows = re.findall(r"<tr[^>]*>\s*<td class=\"referral-cell\">.*?</tr>", html, re.S)
    assert len(rows) == 2
    for row in rows:
        cells = re.findall(r"<td([^>]*)>", row)
        hidden = [cell for cell in cells if "wide-only" in cell]
        assert hidden == []  # a referrer has no wide-only columns
        assert 'class="status-cell"' in row and 'data-label="Uiterlijk bezorgen"' in row
    css = (settings.BASE_DIR / "startpakket/static/startpakket/app.css").read_text()
    narrow = css[css.index("@media (max-width: 39.99rem) {\n  table.referrals"):]
    assert "table.referrals tr {" in narrow and "flex-wrap: wrap" in narrow


def test_four_digits_find_every_letter_pair_and_an_anonymised_postcode_only(door, referrer):
    """A range of the stored postcodes (the address index serves it), from "1234" to
    "1234 ZZ": not the neighbours on either side."""
    made = {postcode: make_referral(referrer, postcode=postcode, house_number=number + 1)
            for number, postcode in enumerate(["1233 ZZ", "1234 AA", "1234 ZZ", "1235 AA",
                                               "1234 KL"])}
    # Anonymised: only the digits are left (``referrals.retention``).
    Referral.objects.filter(pk=made.pop("1234 KL").pk).update(postcode="1234")
    found = door.find(referrer, postcode="1234")
    by_code = {referral.code: postcode for postcode, referral in made.items()}
    assert sorted(by_code.get(code, "1234") for code in found) == ["1234", "1234 AA", "1234 ZZ"]


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            return "\n".join(row[-1] for row in cursor.fetchall())
        # A test's few rows, just written, are cheaper to read from the table; what matters
        # here is that the index alone can answer. SET LOCAL ends with the test's transaction.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def test_counting_a_search_by_name_reads_the_names_index_not_the_referrals(
        token_client, coordinator, referrer):
    make_referral(referrer, parent_last_name="Smit")
    make_referral(referrer, parent_first_name="Smitha")
    make_referral(referrer, parent_last_name="Jansen")
    with CaptureQueriesContext(connection) as queries:
        body = token_client(coordinator).get(URL, {"name": "smit"}).json()
    assert body["count"] == 2
    count = next(query["sql"] for query in queries
                 if "COUNT(*)" in query["sql"] and "logistics_referral" in query["sql"])
    plan = _plan(count)
    if connection.vendor == "sqlite":
        assert "USING COVERING INDEX referral_name_idx" in plan, plan
    else:
        assert "Index Only Scan using referral_name_idx" in plan, plan
