"""Back after a booking (issue 15.1): the browser fetches the form again with a new one-time
token and may fill in the figures typed before. The stock forms ask the browser not to refill,
and the same booking by the same person within ten minutes is booked only after the page asked
"this was booked at 14:02 — book it again?".

The tests go through the pages as a browser does: fetch the form, send its hidden fields with
what was typed, fetch it again (Back), send the same again."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from logistics.models import Item, StockBooking, StockLevel, StockMovement
from logistics.stock import services as stock
from startpakket.roles import Role
from tests.factories import ItemFactory, UserFactory, WarehouseFactory

pytestmark = pytest.mark.django_db

# 13:02 UTC is 14:02 in Amsterdam in March (winter time).
FIRST_BOOKING = datetime.datetime(2026, 3, 10, 13, 2, tzinfo=datetime.UTC)


@pytest.fixture
def clock(monkeypatch):
    """The time the application sees (``timezone.now``, which also stamps the ledger); starts
    at ``FIRST_BOOKING`` and moves on with ``clock.advance(minutes=…)``."""

    class Clock:
        now = FIRST_BOOKING

        def advance(self, **delta):
            self.now += datetime.timedelta(**delta)

    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


@pytest.fixture
def romper(db):
    Item.objects.update(is_active=False)  # only this item on the forms
    return ItemFactory(sku="TEST-ROMPER", name="Rompertje test")


class Browser:
    """A browser on one stock form. It sends the form's hidden fields (the token, the ledger
    position of a count) with what was typed. A page with the form again (a refusal, the
    question) is the form it sends next. ``back()`` fetches the form anew, as Back does for a
    page that may not be cached."""

    def __init__(self, client, path):
        self.client, self.path = client, path

    def back(self):
        self._read(self.client.get(self.path))

    open = back

    def submit(self, typed, **extra):
        response = self.client.post(self.path, {**self.hidden, **typed, **extra})
        if response.status_code == 200:
            self._read(response)
        return response

    def _read(self, response):
        assert response.status_code == 200
        self.html = response.content.decode()
        self.hidden = dict(
            re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', self.html))
        assert "token" in self.hidden


def on_hand(item, warehouse):
    level = StockLevel.objects.filter(item=item, warehouse=warehouse).first()
    return level.on_hand if level else 0


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def replay(browser, clock, typed, minutes=3):
    """Back some minutes later, and the same figures sent again."""
    clock.advance(minutes=minutes)
    token = browser.hidden["token"]
    browser.back()
    assert browser.hidden["token"] != token  # a new form: the token alone cannot tell
    return browser.submit(typed)


@pytest.mark.parametrize("path", ["/stock/receive/", "/stock/count/", "/stock/adjust/",
                                  "/stock/transfer/"])
def test_the_browser_is_asked_not_to_fill_in_the_figures(coordinator_client, warehouse, romper,
                                                         path):
    WarehouseFactory()  # a second warehouse, so that moving is possible
    html = coordinator_client.get(path).content.decode()
    assert re.search(r'<form method="post"[^>]* autocomplete="off"', html)
    numbers = re.findall(r'<input type="number"[^>]*>', html)
    assert numbers and all('autocomplete="off"' in field for field in numbers)
    assert 'name="book_again"' not in html  # asked only when it is a repeat


def test_a_receipt_sent_again_after_back_asks_before_booking(warehouse_client, warehouse,
                                                             romper, clock):
    browser = Browser(warehouse_client, "/stock/receive/")
    browser.open()
    typed = {"item-TEST-ROMPER": "12", "note": "Donatie"}
    assert browser.submit(typed).status_code == 302
    assert (on_hand(romper, warehouse), StockMovement.objects.count()) == (12, 1)

    asked = replay(browser, clock, typed)

    assert asked.status_code == 200
    assert "Deze ontvangst is om 14:02 al geboekt. Nog een keer boeken?" in text(asked)
    assert 'name="book_again"' in asked.content.decode()
    assert (on_hand(romper, warehouse), StockMovement.objects.count()) == (12, 1)
    assert StockBooking.objects.count() == 1

    # Sent again without ticking the box: asked again, still nothing booked.
    assert "al geboekt" in text(browser.submit(typed))
    assert StockMovement.objects.count() == 1

    confirmed = browser.submit(typed, book_again="on")
    assert confirmed.status_code == 302
    assert (on_hand(romper, warehouse), StockMovement.objects.count()) == (24, 2)


def test_a_count_sent_again_does_not_undo_what_was_booked_in_between(
        warehouse_client, warehouse_user, warehouse, romper, clock):
    stock.receive(warehouse=warehouse, lines={romper: 10}, user=warehouse_user)
    browser = Browser(warehouse_client, "/stock/count/")
    browser.open()
    typed = {"item-TEST-ROMPER": "8"}
    assert browser.submit(typed).status_code == 302
    assert on_hand(romper, warehouse) == 8
    clock.advance(minutes=1)
    colleague = UserFactory(role=Role.WAREHOUSE, organisation=warehouse)
    stock.receive(warehouse=warehouse, lines={romper: 12}, user=colleague)  # a delivery
    movements = StockMovement.objects.count()

    asked = replay(browser, clock, typed)

    assert "Deze telling is om 14:02 al opgeslagen. Nog een keer opslaan?" in text(asked)
    assert on_hand(romper, warehouse) == 20  # the delivery stands
    assert StockMovement.objects.count() == movements

    assert browser.submit(typed, book_again="on").status_code == 302
    assert on_hand(romper, warehouse) == 8
    assert StockMovement.objects.order_by("-id").first().quantity == -12


def test_a_count_that_matched_the_books_is_recognised_too(warehouse_client, warehouse_user,
                                                          warehouse, romper, clock):
    stock.receive(warehouse=warehouse, lines={romper: 10}, user=warehouse_user)
    browser = Browser(warehouse_client, "/stock/count/")
    browser.open()
    assert browser.submit({"item-TEST-ROMPER": "10"}).status_code == 302
    assert StockMovement.objects.count() == 1  # nothing to correct, nothing in the ledger

    asked = replay(browser, clock, {"item-TEST-ROMPER": "10"})

    assert "Deze telling is om 14:02 al opgeslagen." in text(asked)


def test_an_adjustment_sent_again_asks_before_booking(coordinator_client, coordinator,
                                                      warehouse, romper, clock):
    stock.receive(warehouse=warehouse, lines={romper: 10}, user=coordinator)
    browser = Browser(coordinator_client, "/stock/adjust/")
    browser.open()
    typed = {"warehouse": warehouse.pk, "item": "TEST-ROMPER", "quantity": "-3",
             "reason": "Waterschade"}
    assert browser.submit(typed).status_code == 302
    assert on_hand(romper, warehouse) == 7

    asked = replay(browser, clock, typed)

    assert "Deze aanpassing is om 14:02 al geboekt. Nog een keer boeken?" in text(asked)
    assert on_hand(romper, warehouse) == 7
    assert StockMovement.objects.count() == 2

    assert browser.submit(typed, book_again="on").status_code == 302
    assert on_hand(romper, warehouse) == 4


def test_a_move_sent_again_asks_before_booking(coordinator_client, coordinator, warehouse,
                                               romper, clock):
    other = WarehouseFactory()
    stock.receive(warehouse=warehouse, lines={romper: 10}, user=coordinator)
    browser = Browser(coordinator_client, "/stock/transfer/")
    browser.open()
    typed = {"warehouse": warehouse.pk, "destination": other.pk, "item-TEST-ROMPER": "4"}
    assert browser.submit(typed).status_code == 302
    assert (on_hand(romper, warehouse), on_hand(romper, other)) == (6, 4)

    asked = replay(browser, clock, typed)

    assert "Deze verplaatsing is om 14:02 al geboekt. Nog een keer boeken?" in text(asked)
    assert (on_hand(romper, warehouse), on_hand(romper, other)) == (6, 4)

    assert browser.submit(typed, book_again="on").status_code == 302
    assert (on_hand(romper, warehouse), on_hand(romper, other)) == (2, 8)


def test_other_quantities_are_booked_directly(warehouse_client, warehouse, romper, clock):
    browser = Browser(warehouse_client, "/stock/receive/")
    browser.open()
    browser.submit({"item-TEST-ROMPER": "12"})
    assert replay(browser, clock, {"item-TEST-ROMPER": "13"}).status_code == 302
    assert on_hand(romper, warehouse) == 25


def test_after_ten_minutes_it_is_booked_directly(warehouse_client, warehouse, romper, clock):
    browser = Browser(warehouse_client, "/stock/receive/")
    browser.open()
    typed = {"item-TEST-ROMPER": "12"}
    browser.submit(typed)

    assert replay(browser, clock, typed, minutes=10).status_code == 200  # 14:12: still asked
    clock.advance(seconds=1)
    assert browser.submit(typed).status_code == 302
    assert on_hand(romper, warehouse) == 24


def test_a_colleague_booking_the_same_is_not_asked(warehouse_client, warehouse, romper, clock):
    browser = Browser(warehouse_client, "/stock/receive/")
    browser.open()
    browser.submit({"item-TEST-ROMPER": "12"})
    clock.advance(minutes=1)
    colleague = Client()
    colleague.force_login(UserFactory(role=Role.WAREHOUSE, organisation=warehouse))
    other_browser = Browser(colleague, "/stock/receive/")
    other_browser.open()
    assert other_browser.submit({"item-TEST-ROMPER": "12"}).status_code == 302
    assert on_hand(romper, warehouse) == 24


def test_the_same_form_sent_twice_is_still_booked_once_without_a_question(
        warehouse_client, warehouse, romper, clock):
    browser = Browser(warehouse_client, "/stock/receive/")
    browser.open()
    browser.submit({"item-TEST-ROMPER": "12"})
    again = browser.submit({"item-TEST-ROMPER": "12"}, book_again="on")  # same token
    assert again.status_code == 302
    assert on_hand(romper, warehouse) == 12
