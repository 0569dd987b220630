"""The dashboard's figures are kept between requests (``logistics.statistics.kept_figures``) and
never shown stale: a new referral, a count changed by another worker, a renamed organisation,
kit type, municipality or item, another period or language each show at the next request."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from logistics.models import FigureCount, Item, KitType, Municipality, ReferralStatus
from logistics.referrals import changes, services
from logistics.statistics import figures, kept_figures
from logistics.statistics.figures import Period
from startpakket.models import Organisation
from tests.factories import make_referral
from tests.logistics.statistics.test_dashboard import Q1, URL, cells

pytestmark = pytest.mark.django_db


def total_referred(client, query=None) -> str:
    """The referrals' total under the table by status."""
    return cells(client.get(URL, query).content.decode(), "table-status")[-1][1]


def queries_of(client, query=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, query).status_code == 200
    return len(queries)


def test_a_new_referral_shows_at_the_next_request(coordinator_client, referrer):
    for _ in range(5):
        make_referral(referrer)
    assert total_referred(coordinator_client) == "5"
    assert total_referred(coordinator_client) == "5"  # now kept
    make_referral(referrer)
    assert total_referred(coordinator_client) == "6"


def test_a_decision_shows_at_the_next_request(coordinator_client, coordinator, referrer):
    def rejected() -> str:
        rows = cells(coordinator_client.get(URL).content.decode(), "table-status")
        return dict(rows[1:-1]).get(str(ReferralStatus.REJECTED.label))

    referrals = [make_referral(referrer) for _ in range(5)]
    assert rejected() == "0"
    services.reject_referral(referral=referrals[0], user=coordinator, reason="Te hoog inkomen")
    assert rejected() == "<5"


def test_kept_until_another_workers_commit_removes_the_stamp(coordinator_client, referrer):
    for _ in range(5):
        make_referral(referrer)
    assert total_referred(coordinator_client) == "5"
    # Another worker counts a referral: the rows change, nothing reaches this process...
    FigureCount.objects.update(referred=F("referred") + 1)
    assert total_referred(coordinator_client) == "5"  # still kept
    # ...until its commit removes the shared stamp.
    cache.delete(kept_figures.VERSION_KEY)
    assert total_referred(coordinator_client) == "6"


def test_a_committed_change_removes_the_shared_stamp(coordinator_client, referrer,
                                                      django_capture_on_commit_callbacks):
    coordinator_client.get(URL)
    assert cache.get(kept_figures.VERSION_KEY) is not None
    with django_capture_on_commit_callbacks(execute=True):
        make_referral(referrer)
    assert cache.get(kept_figures.VERSION_KEY) is None


def test_a_change_that_counts_nothing_keeps_them(coordinator_client, referrer):
    referral = make_referral(referrer)
    queries_of(coordinator_client)
    kept = queries_of(coordinator_client)
    changes.changed([referral.pk])  # recounted as it was: no count moves
    assert queries_of(coordinator_client) == kept


def _first_issued_item() -> Item:
    # Packed when the world was made: this month, not in Q1.
    this_month = figures.month_code(timezone.localdate())
    return Item.objects.get(sku=figures.items_issued(Period.parse(this_month))[0].sku)


@pytest.mark.parametrize(("row", "table", "query"), [
    (lambda: Organisation.objects.get(name="JGZ Noord"), "table-organisation", Q1),
    (lambda: Municipality.objects.get(name="Utrecht"), "table-municipality", Q1),
    (lambda: KitType.objects.get(code="vervolg-74-92"), "table-kit_type", Q1),
    (_first_issued_item, "table-items", None),
])
def test_a_renamed_row_shows_its_new_name_at_the_next_request(client, world, row, table,
                                                                query):
    def names() -> list[str]:
        return [line[0] for line in cells(client.get(URL, query).content.decode(), table)[1:]]

    client.force_login(world.coordinator)
    row = row()
    old = row.name
    assert any(name.startswith(old) for name in names())
    row.name = "Hernoemd"
    row.save()
    assert any(name.startswith("Hernoemd") for name in names())
    assert not any(name.startswith(old) for name in names())


def test_kept_per_period_and_language(client, world):
    client.force_login(world.coordinator)
    dutch = cells(client.get(URL, Q1).content.decode(), "table-month")
    assert [row[0] for row in dutch[1:4]] == ["januari 2025", "februari 2025", "maart 2025"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = cells(client.get(URL, Q1).content.decode(), "table-month")
    assert [row[0] for row in english[1:4]] == ["January 2025", "February 2025", "March 2025"]
    assert english[1:] != dutch[1:]
    january = cells(client.get(URL, {"from": "2025-01", "to": "2025-01"}).content.decode(),
                    "table-month")
    assert [row[0] for row in january[1:-1]] == ["January 2025"]


def test_a_kept_page_reads_only_what_is_not_kept(coordinator_client, referrer):
    for _ in range(2):
        make_referral(referrer)
    queries_of(coordinator_client)  # the first request in a process also reads reference_data
    make_referral(referrer)
    first = queries_of(coordinator_client)
    again = queries_of(coordinator_client)
    # The stamp, the session and user, the municipalities (the filter), low stock; not the
    # counts, their names or the items issued.
    assert again < first
    with CaptureQueriesContext(connection) as queries:
        coordinator_client.get(URL)
    read = " ".join(query["sql"] for query in queries.captured_queries)
    assert "logistics_figurecount" not in read
    assert "logistics_figuretally" not in read
