"""A kit goes on a pick list only once its kit type's time window has opened (DESIGN §4): a
follow-up kit approved weeks after the birth waits until 13 weeks after it."""

import datetime

import pytest
from django.utils import formats, timezone

from logistics.distribution import services as pick_lists
from logistics.models import KitType
from logistics.referrals import services
from tests.factories import make_referral, stock_for_kits
from tests.helpers import approved_kits

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """Moves the day the application sees (``timezone.now``, so also ``localdate``)."""

    class Clock:
        def set(self, day: datetime.date):
            noon = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
            monkeypatch.setattr(timezone, "now", lambda: noon)

    return Clock()


@pytest.fixture
def follow_up(warehouse, coordinator, referrer):
    """An approved follow-up kit for a baby born ten weeks ago: its window opens in three
    weeks (13 weeks after the birth)."""
    stock_for_kits(warehouse, 1, kit_code="vervolg-74-92", user=coordinator)
    born = timezone.localdate() - datetime.timedelta(weeks=10)
    referral = make_referral(referrer, due_date=born, house_number=77,
                             kit_type=KitType.objects.get(code="vervolg-74-92"))
    referral = services.approve_referral(referral=referral, user=coordinator,
                                         warehouse=warehouse)
    assert referral.window_opens == born + datetime.timedelta(weeks=13)
    return referral


def test_a_kit_waits_for_its_window_and_goes_on_the_list_the_day_it_opens(
        follow_up, clock, warehouse, warehouse_user, coordinator, referrer):
    [first_kit] = approved_kits(warehouse, coordinator, referrer, 1)

    clock.set(follow_up.window_opens - datetime.timedelta(days=1))
    before = pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)
    assert [entry.referral for entry in before.entries.all()] == [first_kit]

    clock.set(follow_up.window_opens)
    opened = pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)
    assert [entry.referral for entry in opened.entries.all()] == [follow_up]


def test_with_only_kits_before_their_window_the_volunteer_hears_when_the_first_opens(
        follow_up, warehouse, warehouse_user):
    with pytest.raises(pick_lists.NothingToSchedule) as refused:
        pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)
    opens = formats.date_format(follow_up.window_opens, "DATE_FORMAT")
    assert str(refused.value) == (
        f"Bij {warehouse.name} wachten geen goedgekeurde pakketten op een paklijst. De "
        f"bezorgperiode van het volgende pakket begint op {opens}.")


def test_the_volunteer_sees_how_many_kits_wait_for_their_window(
        follow_up, client, warehouse_user, warehouse, coordinator, referrer):
    approved_kits(warehouse, coordinator, referrer, 2)
    client.force_login(warehouse_user)

    lists_page = client.get("/pick-lists/").content.decode()
    assert (f"{warehouse.name}: 2 pakketten wachten op een lijst. Nog 1 pakket wacht tot de "
            "bezorgperiode begint.") in lists_page
    home = client.get("/").content.decode()
    assert "<strong>2</strong> pakketten wachten op een paklijst." in home
    assert "Nog 1 goedgekeurd pakket wacht tot de bezorgperiode begint." in home


def test_the_kits_page_says_from_when_it_may_be_delivered(follow_up, client, warehouse_user):
    client.force_login(warehouse_user)
    page = client.get(f"/referrals/{follow_up.code}/").content.decode()
    day = "DATE_FORMAT"
    assert (f"uiterlijk bezorgen op {formats.date_format(follow_up.deliver_by, day)}, niet vóór "
            f"{formats.date_format(follow_up.window_opens, day)}") in page
