"""An item's name is kept in Dutch only: on a page in English it is marked as Dutch
(``lang="nl"``), so that a screen reader reads it with a Dutch voice (WCAG 3.1.2); on a Dutch
page it is plain text. Wherever a page shows one, escaped as any text."""

import re

import pytest
from django.conf import settings

from logistics.models import Item
from logistics.stock import services as stock
from tests.factories import ItemFactory

pytestmark = pytest.mark.django_db

NAME = "Rompertje <b>zacht</b> & warm"
SHOWN = "Rompertje &lt;b&gt;zacht&lt;/b&gt; &amp; warm"
MARKED = f'<span lang="nl">{SHOWN}</span>'


@pytest.fixture
def low_item(warehouse, warehouse_user):
    Item.objects.update(is_active=False)  # only this item on the pages' short lists
    item = ItemFactory(sku="TEST-ROMPER", name=NAME, low_stock_level=10)
    stock.receive(warehouse=warehouse, lines={item: 3}, user=warehouse_user)  # below its level
    return item


def body(client, path: str, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(path)
    assert response.status_code == 200, path
    # The window's title is text only: no element can mark a part of it.
    return re.sub(r"<title>.*?</title>", "", response.content.decode(), flags=re.S)


PAGES = [("warehouse_client", "/stock/"),
         ("warehouse_client", "/stock/items/TEST-ROMPER/"),
         ("warehouse_client", "/stock/receive/"), ("warehouse_client", "/stock/count/"),
         ("coordinator_client", "/"), ("coordinator_client", "/dashboard/")]


@pytest.mark.parametrize(("who", "path"), PAGES)
def test_an_english_page_marks_the_item_name_as_dutch(request, who, path, low_item):
    page = body(request.getfixturevalue(who), path, "en")
    assert MARKED in page
    assert page.count(SHOWN) == page.count(MARKED), "an item name not marked as Dutch"


@pytest.mark.parametrize(("who", "path"), PAGES)
def test_a_dutch_page_shows_the_item_name_as_it_is(request, who, path, low_item):
    page = body(request.getfixturevalue(who), path, "nl")
    assert SHOWN in page
    assert MARKED not in page


@pytest.mark.parametrize(("language", "marked"), [("en", True), ("nl", False)])
def test_the_adjust_forms_items_are_marked_as_dutch_in_english(coordinator_client, low_item,
                                                               language, marked):
    page = body(coordinator_client, "/stock/adjust/", language)
    options = re.findall(r"<option[^>]*>[^<]*</option>", page[page.index('name="item"'):])
    option = next(option for option in options if 'value="TEST-ROMPER"' in option)
    assert SHOWN in option
    assert ('lang="nl"' in option) is marked
    empty = next(option for option in options if 'value=""' in option)
    assert 'lang="nl"' not in empty
