"""A page past the first reads its keys first, then its rows: the same rows, in the same order,
as slicing the list, and its computed columns made for the page's rows only."""

import pytest
from django.db import connection
from django.db.models import Count, F
from django.test.utils import CaptureQueriesContext

from logistics.models import Referral
from startpakket.models import Organisation
from startpakket.paging import page_of, rows_of
from tests.factories import OrganisationFactory, make_referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisations():
    for n in range(7):
        OrganisationFactory(name=f"Organisatie {n % 3}")  # ties in the order, broken by pk
    # A computed column of each row's own, as the referral lists have (``possible_duplicate``).
    return (Organisation.objects.annotate(people=Count("users"), same_name=F("name"))
            .order_by("name", "pk"))


@pytest.mark.parametrize("start, stop", [(0, 3), (2, 5), (3, 4), (5, 20), (7, 9), (20, 30)])
def test_the_rows_of_a_slice(organisations, start, stop):
    expected = list(organisations[start:stop])
    got = rows_of(organisations, start, stop)
    assert [row.pk for row in got] == [row.pk for row in expected]
    assert [(row.people, row.same_name) for row in got] == [
        (row.people, row.same_name) for row in expected]


def test_past_the_first_page_one_query_more(organisations):
    with CaptureQueriesContext(connection) as first:
        page_of(organisations, 1, 3)
    with CaptureQueriesContext(connection) as second:
        page = page_of(organisations, 2, 3)
    assert len(first) == 1 and len(second) == 2
    assert page.has_next and [row.pk for row in page] == [
        row.pk for row in list(organisations)[3:6]]


def test_a_list_is_sliced():
    assert rows_of(list(range(10)), 2, 4) == [2, 3]


def test_the_api_pages_through_every_referral_once(referrer, token_client):
    made = [make_referral(user=referrer).code for _n in range(5)]
    api = token_client(referrer)
    seen = []
    for number in (1, 2, 3):
        answer = api.get(f"/api/v1/referrals/?page_size=2&page={number}").json()
        assert answer["count"] == 5
        seen += [row["code"] for row in answer["results"]]
    assert sorted(seen) == sorted(made) and len(set(seen)) == 5
    expected = list(Referral.objects.order_by("deliver_by", "id").values_list("code", flat=True))
    assert seen == expected
