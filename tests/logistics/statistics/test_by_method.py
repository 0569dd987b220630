"""The statistics by delivery method (DESIGN §6): a grouping of the figures, the API's
``group_by=method`` and a table on the dashboard. A kit collected at a pick-up point counts as
delivered on the day it was collected, a kit by post on the day it was shipped."""

import datetime

import pytest
from django.utils import timezone

from logistics.distribution import services as distribution
from logistics.models import Referral
from logistics.statistics import figures, tally
from logistics.statistics.figures import Period
from tests.factories import PickupPointFactory
from tests.helpers import approved_kits

pytestmark = pytest.mark.django_db


@pytest.fixture
def handed_over(warehouse, coordinator, referrer, warehouse_user):
    """This month: two kits at the door (one delivered), three for a pick-up point (one
    collected, one not collected, one still packed) and two by post (one shipped)."""
    point = PickupPointFactory(warehouse=warehouse)
    door = approved_kits(warehouse, coordinator, referrer, 2)
    pickup = approved_kits(warehouse, coordinator, referrer, 3, delivery_method="pickup",
                           pickup_point=point)
    post = approved_kits(warehouse, coordinator, referrer, 2, delivery_method="post")
    pick_list = distribution.create_pick_list(warehouse=warehouse, user=warehouse_user)
    distribution.pack(pick_list=pick_list, user=warehouse_user)
    distribution.record_delivery(referral=door[0], user=warehouse_user)
    distribution.record_collected(referral=pickup[0], user=warehouse_user)
    distribution.record_not_collected(referral=pickup[1], user=warehouse_user)
    distribution.record_shipped(referral=post[0], user=warehouse_user, tracking_number="3S1")
    return {"delivery": door, "pickup": pickup, "post": post}


def this_month() -> Period:
    return Period.month(timezone.localdate())


def test_method_is_a_grouping_and_collected_and_shipped_kits_count_as_delivered(handed_over):
    table = figures.distribution(this_month(), ["method"])
    assert [(row.keys[0].code, row.keys[0].name, row.counts["referred"],
             row.counts["approved"], row.counts["delivered"]) for row in table.rows] == [
        ("delivery", "Bezorgen aan de deur", 2, 2, 1),
        ("pickup", "Afhaalpunt", 3, 3, 1),
        ("post", "Per post", 2, 2, 1),
    ]
    assert table.totals["delivered"] == 3
    # Delivered well before the deliver-by day: in time, whatever the method.
    assert table.totals["delivered_in_time"] == 3
    assert table.columns()[:2] == ["method", "method_name"]


def test_the_method_combines_with_the_other_groupings(handed_over, referrer):
    table = figures.distribution(this_month(), ["method", "month", "organisation"])
    assert table.group_by == ("month", "organisation", "method")
    assert [row.keys[2].code for row in table.rows] == ["delivery", "pickup", "post"]
    assert {row.keys[1].code for row in table.rows} == {referrer.organisation.code}


def test_the_delivery_day_is_the_day_of_collection_or_shipping(handed_over, warehouse_user):
    collected = handed_over["pickup"][0]
    shipped = handed_over["post"][0]
    last_month = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    Referral.objects.filter(pk__in=[collected.pk, shipped.pk]).update(delivered_on=last_month)
    tally.recount([collected.pk, shipped.pk])
    counts = {row.keys[0].code: row.counts["delivered"]
              for row in figures.distribution(Period.month(last_month), ["method"]).rows}
    assert counts == {"pickup": 1, "post": 1}


def test_the_median_days_to_delivery_counts_collected_and_shipped_kits(handed_over):
    # The kit at the door was referred ten days before its delivery, the others today.
    door = handed_over["delivery"][0]
    Referral.objects.filter(pk=door.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=10))
    tally.recount([door.pk])
    key = figures.key_figures(Period(timezone.localdate() - datetime.timedelta(days=10),
                                     timezone.localdate()))
    assert key.totals["delivered"] == 3
    assert key.median_days_to_delivery == 0  # 0, 0 and 10: the collected and shipped count


def test_the_api_groups_by_method(token_client, coordinator, handed_over):
    month = timezone.localdate().strftime("%Y-%m")
    answer = token_client(coordinator).get("/api/v1/stats/distribution/", {
        "from": month, "to": month, "group_by": "method"})
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["group_by"] == ["method"]
    assert [(row["method"], row["method_name"], row["referred"], row["delivered"])
            for row in body["rows"]] == [
        ("delivery", "Bezorgen aan de deur", "<5", "<5"),
        ("pickup", "Afhaalpunt", "<5", "<5"),
        ("post", "Per post", "<5", "<5")]
    csv = token_client(coordinator).get("/api/v1/stats/distribution/", {
        "from": month, "to": month, "group_by": "method", "format": "csv"})
    assert csv.content.decode().splitlines()[0].startswith("method,method_name,referred")


def test_the_dashboard_has_a_table_per_delivery_method(coordinator_client, handed_over):
    page = coordinator_client.get("/dashboard/")
    sections = {section["grouping"]: section for section in page.context["sections"]}
    assert sections["method"]["title"] == "Per bezorgwijze"
    assert [name for name, _counts in sections["method"]["rows"]] == [
        "Bezorgen aan de deur", "Afhaalpunt", "Per post"]
    assert "group_by=method" in page.content.decode()
