"""Dates read one way in each language, on every page: British English ("30 Nov 2026", a 24-hour
clock) and Dutch ("30 november 2026", in lists "30 nov 2026"). Templates and code name a format
(startpakket/formats) instead of spelling one out, which would be right in one language only."""

import datetime
import re
import zoneinfo

import pytest
from django import forms
from django.utils import formats, translation

from logistics.distribution import services as pick_lists
from logistics.models import PickList
from startpakket.models import ApiToken
from startpakket.tokens import create_token
from tests.helpers import ROOT, approved_kits

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
AFTERNOON = datetime.datetime(2026, 11, 30, 14, 2, tzinfo=AMSTERDAM)


@pytest.mark.parametrize(("language", "expected"), [
    ("en", {"DATE_FORMAT": "30 Nov 2026", "SHORT_DATE_FORMAT": "30 Nov 2026",
            "DATETIME_FORMAT": "30 Nov 2026 14:02", "SHORT_DATETIME_FORMAT": "30 Nov 2026 14:02",
            "TIME_FORMAT": "14:02", "YEAR_MONTH_FORMAT": "November 2026"}),
    ("nl", {"DATE_FORMAT": "30 november 2026", "SHORT_DATE_FORMAT": "30 nov 2026",
            "DATETIME_FORMAT": "30 november 2026 14:02",
            "SHORT_DATETIME_FORMAT": "30 nov 2026 14:02",
            "TIME_FORMAT": "14:02", "YEAR_MONTH_FORMAT": "november 2026"}),
])
def test_each_named_format_in_each_language(language, expected):
    with translation.override(language):
        assert {name: formats.date_format(AFTERNOON, name) for name in expected} == expected


def test_a_date_typed_in_english_puts_the_day_first():
    """The admin's date fields: 01/07/2026 is 1 July in Britain (and in the Netherlands)."""
    for language in ("en", "nl"):
        with translation.override(language):
            assert forms.DateField().clean("01/07/2026") == datetime.date(2026, 7, 1)
            assert forms.DateField().clean("2026-07-01") == datetime.date(2026, 7, 1)


def in_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})


@pytest.mark.django_db
def test_an_english_page_shows_british_dates_and_a_24_hour_clock(referrer_client, referrer):
    token, _key = create_token(user=referrer, name="Ons systeem")
    ApiToken.objects.filter(pk=token.pk).update(created=AFTERNOON)
    in_english(referrer_client)
    page = referrer_client.get("/accounts/tokens/").content.decode()
    assert "30 Nov 2026 14:02" in page
    assert "p.m." not in page and "2:02" not in page.replace("14:02", "")


@pytest.fixture
def list_of_30_november(warehouse, warehouse_user, coordinator, referrer):
    approved_kits(warehouse, coordinator, referrer, 1)
    pick_list = pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)
    PickList.objects.filter(pk=pick_list.pk).update(created_at=AFTERNOON)
    return pick_list


def test_the_pick_list_index_shows_a_dutch_month_in_dutch(warehouse_client, list_of_30_november):
    page = warehouse_client.get("/pick-lists/").content.decode()
    assert "30 nov 2026" in page
    assert "Nov" not in page


def test_the_pick_list_index_shows_a_british_date_in_english(warehouse_client,
                                                             list_of_30_november):
    in_english(warehouse_client)
    page = warehouse_client.get("/pick-lists/").content.decode()
    assert "30 Nov 2026" in page


def source_files(pattern: str):
    for folder in ("eligibility", "logistics", "startpakket", "templates"):
        yield from (ROOT / folder).rglob(pattern)


def test_no_template_or_code_spells_out_a_date_format():
    """``|date:"j M Y"`` or ``date_format(d, "j F Y")`` is right in one language only."""
    spelled_out = re.compile(r'\|date:"(?![A-Z_]+_FORMAT")|date_format\([^)]*,\s*"(?![A-Z_]+")')
    found = [f"{path.relative_to(ROOT)}: {match.group(0)}"
             for path in [*source_files("*.html"), *source_files("*.txt"), *source_files("*.py")]
             for match in spelled_out.finditer(path.read_text(encoding="utf-8"))]
    assert found == []
