"""The coordinator's dashboard (/dashboard/): who may see it, that its numbers are the figures'
(small counts hidden), bad filters, and a query count that does not grow with the referrals."""

import html as htmllib
import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from logistics.statistics import figures, suppression
from logistics.statistics.figures import UNKNOWN, Period
from startpakket.roles import Role
from tests.factories import UserFactory, make_referral

pytestmark = pytest.mark.django_db
URL = "/dashboard/"
Q1 = {"from": "2025-01", "to": "2025-03"}


@pytest.mark.parametrize(("role", "status"), [
    (Role.COORDINATOR, 200), (Role.REFERRER, 403), (Role.WAREHOUSE, 403)])
@pytest.mark.parametrize("path", [URL, URL + "report.pdf?month=2025-02"])
def test_access_per_role(client, role, status, path):
    client.force_login(UserFactory(role=role))
    assert client.get(path).status_code == status


@pytest.mark.parametrize("path", [URL, URL + "report.pdf"])
def test_anonymous_goes_to_the_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def cells(html: str, table_id: str) -> list[list[str]]:
    """The text of each row's cells (th and td) of the table with that id."""
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S)[0]
    return [[htmllib.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in
             re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)]


def expected_rows(table) -> list[list[str]]:
    shown = suppression.suppress(table)
    return [[row.keys[0].name, *(str(row.counts[m]) for m in figures.MEASURES)]
            for row in shown.rows] + [["Totaal", *(str(shown.totals[m])
                                                   for m in figures.MEASURES)]]


@pytest.mark.parametrize("grouping", ["month", "organisation", "municipality", "kit_type"])
def test_the_tables_are_the_figures_with_small_counts_hidden(client, world, grouping):
    client.force_login(world.coordinator)
    html = client.get(URL, Q1).content.decode()
    table = figures.distribution(Period.parse("2025-01", "2025-03"), [grouping])
    assert cells(html, f"table-{grouping}")[1:] == expected_rows(table)
    # By hand from conftest.PLAN, e.g. Utrecht: 5 referred, 4 approved, 3 delivered.
    if grouping == "municipality":
        assert cells(html, "table-municipality")[1:] == [
            ["Amersfoort", "<5", "<5", "<5", "<5", "0", "0"],
            ["Utrecht", "5", "<5", "0", "0", "<5", "<5"],
            [table.rows[-1].keys[0].name, "<5", "<5", "0", "0", "0", "0"],  # unknown
            ["Totaal", "10", "7", "<5", "<5", "<5", "<5"],
        ]


def test_key_figures_statuses_and_definitions(client, world):
    client.force_login(world.coordinator)
    response = client.get(URL, Q1)
    html = response.content.decode()
    data = response.context["data"]
    key = figures.key_figures(Period.parse("2025-01", "2025-03"))
    assert data.key == key
    assert data.totals == {m: suppression.show(c) for m, c in key.totals.items()}
    # 7 approved of 8 decided: 1 rejected is a small count, so the rate would give it away.
    assert data.approval_rate == "x"
    assert cells(html, "table-status")[1:] == [
        [label, str(count)] for label, count in response.context["statuses"]] + [["Totaal", "10"]]
    for text in figures.DEFINITIONS.values():
        assert str(text) in htmllib.unescape(html)


def test_charts_are_inline_svg_without_style_attributes(client, world):
    client.force_login(world.coordinator)
    response = client.get(URL, Q1)
    html = response.content.decode()
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    # Per kit type every count is hidden (8 is hidden too, or the total would give 2
    # away): no bars to draw, the table says so. Every kit here is delivered at the door.
    assert [section["grouping"] for section in response.context["sections"]
            if section["svg"]] == ["month", "organisation", "municipality", "method"]
    assert len(svgs) == 4
    for svg in svgs:
        root = ET.fromstring(svg)  # noqa: S314 - the app's own output
        assert root.get("role") == "img"
        assert root.find("{http://www.w3.org/2000/svg}title").text
        assert not [e for e in root.iter() if "style" in e.attrib]
    # The page's policy forbids inline styles; the SVG needs none.
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "style=" not in html


@pytest.mark.parametrize(("query", "field", "message"), [
    ({"from": "2025-13"}, "from", "JJJJ-MM"),
    ({"from": "banaan"}, "from", "JJJJ-MM"),
    ({"to": "2025-00"}, "to", "JJJJ-MM"),
    ({"from": "2025-05", "to": "2025-01"}, "to", "voor de eerste"),
    ({"from": "2010-01", "to": "2025-01"}, "to", "60"),
    ({"municipality": "GM9999"}, "municipality", "geen beschikbare keuze"),
    ({"from": "2025-01\x00"}, "from", "JJJJ-MM"),
])
def test_bad_filters_are_field_errors(coordinator_client, query, field, message):
    response = coordinator_client.get(URL, query)
    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert message in " ".join(form.errors[field])
    assert message in response.content.decode()


def test_filter_by_municipality_and_unknown(client, world):
    client.force_login(world.coordinator)
    utrecht = client.get(URL, {**Q1, "municipality": "GM0344"}).context["data"]
    assert utrecht.key.totals["referred"] == 5
    unknown = client.get(URL, {**Q1, "municipality": UNKNOWN}).context["data"]
    assert unknown.key.totals["referred"] == 2


def test_downloads_link_the_exports_with_the_filter(client, world):
    client.force_login(world.coordinator)
    html = client.get(URL, {**Q1, "municipality": "GM0344"}).content.decode()
    for kind in ("csv", "xlsx", "json"):
        assert ("/api/v1/stats/distribution/?from=2025-01&amp;to=2025-03&amp;municipality=GM0344"
                f"&amp;group_by=month&amp;format={kind}") in html
    assert "/dashboard/report.pdf?month=2025-03&amp;lang=nl&amp;municipality=GM0344" in html


def test_default_period_is_the_last_twelve_months(coordinator_client):
    form = coordinator_client.get(URL).context["form"]
    period = form.cleaned_data["period"]
    assert len(period.months) == 12


@pytest.mark.parametrize(("role", "links"), [
    (Role.COORDINATOR, 2), (Role.REFERRER, 0), (Role.WAREHOUSE, 0)])
def test_home_and_menu_link_to_the_dashboard(client, role, links):
    client.force_login(UserFactory(role=role))
    html = client.get("/").content.decode()
    assert html.count('href="/dashboard/"') == links  # the menu and the home page
    assert "binnenkort" not in html


def test_query_count_does_not_grow_with_the_referrals(coordinator_client, referrer):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert coordinator_client.get(URL).status_code == 200
        return len(queries)

    for _ in range(2):
        make_referral(referrer)
    # The first request in a process also reads what it keeps (reference_data).
    count()
    make_referral(referrer)
    first, kept = count(), count()  # after a change; then kept (test_kept_figures.py)
    for _ in range(10):
        make_referral(referrer, postcode="9999 ZZ")
    assert (count(), count()) == (first, kept)
