"""GET /api/v1/stats/distribution/ and /api/v1/stats/referrals/ (DESIGN §7.2): coordinators
only, field errors for bad input, every format read back and equal to ``distribution()``, a
query count that does not grow with the referrals."""

import csv
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from logistics.models import Referral
from logistics.statistics import figures, suppression
from logistics.statistics.figures import Period
from startpakket import audit
from startpakket.roles import Role
from tests.factories import UserFactory, make_referral

pytestmark = pytest.mark.django_db
URL = "/api/v1/stats/distribution/"
RESEARCH = "/api/v1/stats/referrals/"
Q1 = {"from": "2025-01", "to": "2025-03"}


@pytest.mark.parametrize("url", [URL, RESEARCH])
@pytest.mark.parametrize(("role", "status"), [
    (Role.COORDINATOR, 200), (Role.REFERRER, 403), (Role.WAREHOUSE, 403), (None, 401)])
def test_coordinators_only(token_client, api_client, url, role, status):
    client = token_client(UserFactory(role=role)) if role else api_client
    response = client.get(url, Q1)
    assert response.status_code == status
    if status != 200:
        assert response["Content-Type"] == "application/problem+json"


def test_only_the_coordinator_group_holds_the_permission():
    holders = Group.objects.filter(permissions__codename="view_statistics")
    assert set(holders.values_list("name", flat=True)) == {"coordinator"}


@pytest.mark.parametrize(("query", "field"), [
    ({"to": "2025-03"}, "from"),
    ({"from": "2025-01"}, "to"),
    ({"from": "2025-1", "to": "2025-03"}, "from"),
    ({"from": "2025-01", "to": "2025-13"}, "to"),
    ({"from": "2025-03", "to": "2025-01"}, "to"),
    ({**Q1, "group_by": "month,weekday"}, "group_by"),
    ({**Q1, "format": "pdf"}, "format"),
    ({**Q1, "municipality": "GM9999"}, "municipality"),
])
def test_bad_queries_are_field_errors(token_client, query, field):
    response = token_client(UserFactory(role=Role.COORDINATOR)).get(URL, query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert set(response.json()["errors"]) == {field}


def test_json_is_the_suppressed_distribution(token_client, world):
    response = token_client(world.coordinator).get(
        URL, {**Q1, "group_by": "municipality,organisation"})
    assert response.status_code == 200
    body = response.json()
    assert body["from"] == "2025-01" and body["to"] == "2025-03"
    assert body["group_by"] == ["organisation", "municipality"]
    table = suppression.suppress(figures.distribution(Period.parse("2025-01", "2025-03"),
                                                      ["organisation", "municipality"]))
    assert body["rows"] == table.records()
    assert body["totals"] == table.totals
    utrecht_a = next(row for row in body["rows"]
                     if row["organisation"] == "jgz-noord" and row["municipality"] == "GM0344")
    # r1, r2, r7 referred; r1, r2, r11 delivered: all small.
    assert utrecht_a == {
        "organisation": "jgz-noord", "organisation_name": "JGZ Noord",
        "municipality": "GM0344", "municipality_name": "Utrecht",
        "referred": "<5", "approved": "<5", "rejected": 0, "cancelled": 0,
        "delivered": "<5", "delivered_in_time": "<5"}
    assert body["totals"] == {"referred": 10, "approved": 7, "rejected": "<5",
                              "cancelled": "<5", "delivered": "<5", "delivered_in_time": "<5"}


def test_per_month_in_json(token_client, world):
    body = token_client(world.coordinator).get(URL, Q1).json()
    assert [(row["month"], row["referred"], row["approved"]) for row in body["rows"]] == [
        # Referred 5, 3, 2: the 3 and 2 are hidden; approved 2, 3, 2: all hidden.
        ("2025-01", 5, "<5"), ("2025-02", "<5", "<5"), ("2025-03", "<5", "<5")]


def _expected_lines(group_by):
    table = suppression.suppress(figures.distribution(Period.parse("2025-01", "2025-03"),
                                                      group_by))
    lines = [[record[column] for column in table.columns()] for record in table.records()]
    keys = len(table.group_by) * 2 - ("month" in table.group_by)
    lines.append(["total"] + [""] * (keys - 1) + [table.totals[m] for m in table.measures])
    return table.columns(), lines


def _as_text(lines):
    return [["" if cell is None else str(cell) for cell in line] for line in lines]


def test_csv_reads_back_equal(token_client, world):
    response = token_client(world.coordinator).get(
        URL, {**Q1, "group_by": "month,municipality", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == (
        'attachment; filename="statistics-2025-01_2025-03-month-municipality.csv"')
    found = list(csv.reader(io.StringIO(response.content.decode())))
    columns, lines = _expected_lines(["month", "municipality"])
    assert found[0] == columns
    assert found[1:] == _as_text(lines)


def test_xlsx_reads_back_equal(token_client, world):
    response = token_client(world.coordinator).get(
        URL, {**Q1, "group_by": "kit_type", "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    found = [list(row) for row in sheet.iter_rows(values_only=True)]
    columns, lines = _expected_lines(["kit_type"])
    assert found[0] == columns
    # Numbers stay numbers, hidden counts are text.
    assert found[1:] == [[None if cell == "" else cell for cell in line] for line in lines]
    assert isinstance(found[-1][2], int)


@pytest.mark.parametrize("name", ['=HYPERLINK("x")', "+cmd", "@SUM(A1)", "-2+3", "\tx", "\rx"])
def test_formulas_are_escaped_in_csv_and_xlsx(token_client, world, name):
    world.organisations["A"].__class__.objects.filter(code="jgz-noord").update(name=name)
    client = token_client(world.coordinator)
    query = {**Q1, "group_by": "organisation"}
    rows = list(csv.reader(io.StringIO(client.get(URL, {**query, "format": "csv"})
                                       .content.decode(), newline="")))
    assert {row[0]: row[1] for row in rows[1:3]} == {"ggd-zuid": "GGD Zuid",
                                                     "jgz-noord": "'" + name}
    sheet = openpyxl.load_workbook(io.BytesIO(
        client.get(URL, {**query, "format": "xlsx"}).content)).active
    cells = {row[0].value: row[1] for row in sheet.iter_rows(min_row=2, max_row=3)}
    # (XML stores a carriage return as a line feed.)
    assert cells["jgz-noord"].value == "'" + name.replace("\r", "\n")
    assert cells["jgz-noord"].data_type == "s"
    # JSON is data, not a spreadsheet: the name as it is.
    assert {row["organisation"]: row["organisation_name"]
            for row in client.get(URL, query).json()["rows"]}["jgz-noord"] == name


def test_query_count_does_not_grow_with_referrals(token_client):
    client = token_client(UserFactory(role=Role.COORDINATOR))
    month = figures.month_code(timezone.localdate())
    # The first request in a process also reads what it keeps (reference_data).
    client.get(URL, {"from": month, "to": month})
    counts = []
    for total in (2, 12):
        while Referral.objects.count() < total:
            make_referral(UserFactory(role=Role.REFERRER))
        with CaptureQueriesContext(connection) as context:
            response = client.get(URL, {"from": month, "to": month,
                                        "group_by": ",".join(figures.GROUPINGS)})
        assert response.status_code == 200
        assert response.json()["totals"]["referred"] == ("<5" if total < 5 else total)
        counts.append(len(context))
    assert counts[0] == counts[1]


def band(referral):
    """The check's percentage of the norm, in its band of ten: 93.2 → "90-100"."""
    percent = int(Decimal(referral.eligibility["percent_of_norm"]["$decimal"]))
    return f"{percent // 10 * 10}-{percent // 10 * 10 + 10}"


def test_research_export_has_no_personal_data_and_is_audited(token_client, world):
    client = token_client(world.coordinator)
    before = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.get(RESEARCH, Q1)
    assert response.status_code == 200 and response.streaming
    assert response["Content-Disposition"] == (
        'attachment; filename="referrals-pseudonymised-2025-01_2025-03.csv"')
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 10  # r11 was made in December
    text = json.dumps(rows)
    for referral in world.referrals.values():
        for personal in (referral.parent_last_name, referral.parent_first_name, referral.street,
                         str(referral.phone), referral.postcode, referral.due_date.isoformat()):
            assert personal not in text
    assert "@" not in text
    by_area = {row["postcode_area"]: row for row in rows}
    assert by_area["3511"] == {
        "postcode_area": "3511", "municipality": "GM0344", "organisation": "jgz-noord",
        "kit_type": "start-50-68", "babies": "1", "status": "delivered", "outcome": "eligible",
        "income_band": band(world.referrals["r1"]), "due_month": "2025-04",
        "referred_month": "2025-01",
        "approved_month": "2025-01", "delivered_month": "2025-02", "days_to_delivery": "24",
        "delivered_in_time": "yes"}
    assert by_area["3512"]["delivered_in_time"] == "no"
    assert by_area["9999"]["municipality"] == "" and by_area["9999"]["approved_month"] == ""
    exported = LogEntry.objects.filter(pk__gt=before, additional_data__what=audit.EXPORTED)
    assert exported.count() == 1
    entry = exported.get()
    assert entry.actor == world.coordinator
    assert entry.additional_data == {"what": audit.EXPORTED, "filters": {
        "format": "csv", "from": "2025-01", "to": "2025-03"}}


def test_research_export_filters(token_client, world):
    client = token_client(world.coordinator)
    body = b"".join(client.get(RESEARCH, {"municipality": "unknown"}).streaming_content)
    assert sorted(row["postcode_area"] for row in csv.DictReader(io.StringIO(body.decode()))) \
        == ["9998", "9999"]
    assert client.get(RESEARCH, {"to": "2025-01"}).json()["errors"].keys() == {"from"}
