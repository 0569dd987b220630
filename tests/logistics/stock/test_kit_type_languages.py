"""A kit type's name and description in the page's language (issue 17): the Dutch ones are the
organisation's own, the English ones optional; a page, PDF or list in English shows the English
when it is filled in and the Dutch otherwise."""

import importlib

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import translation

from logistics.distribution import services as distribution
from logistics.models import KitType, Warehouse
from tests.helpers import approved_kits, pdf_text

pytestmark = pytest.mark.django_db

NL_NAME, EN_NAME = "Startpakket maat 50/56–62/68", "Start-kit sizes 50/56–62/68"
EN_DESCRIPTION = ("The first kit, before the birth: clothes in sizes 50/56 and 62/68, sleeping, "
                  "care and nappies. For twins, the clothes, sleeping bag and nappies come twice.")


def first_kit() -> KitType:
    return KitType.objects.get(code="start-50-68")


def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_shipped_kit_types_come_with_english_texts():
    kit = first_kit()
    assert (kit.name, kit.name_en, kit.description_en) == (NL_NAME, EN_NAME, EN_DESCRIPTION)
    assert KitType.objects.get(code="vervolg-74-92").name_en == "Follow-up kit sizes 74/80–86/92"


def test_the_text_follows_the_active_language():
    kit = first_kit()
    with translation.override("en"):
        assert (kit.display_name, str(kit), kit.display_description) == (
            EN_NAME, EN_NAME, EN_DESCRIPTION)
    with translation.override("nl"):
        assert (kit.display_name, str(kit)) == (NL_NAME, NL_NAME)
        assert kit.display_description.startswith("Het eerste pakket, voor de geboorte")


def test_without_english_texts_english_shows_the_dutch():
    KitType.objects.filter(code="start-50-68").update(name_en="", description_en="")
    kit = first_kit()
    with translation.override("en"):
        assert kit.display_name == NL_NAME
        assert kit.display_description == kit.description


def test_the_referral_form_in_english_explains_the_kits_in_english(referrer_client):
    page = in_english(referrer_client).get("/referrals/new/").content.decode()
    assert EN_NAME in page and EN_DESCRIPTION in page
    assert NL_NAME not in page and "Het eerste pakket" not in page
    assert f'<option value="start-50-68">{EN_NAME}</option>' in page


def test_the_referral_form_in_english_falls_back_to_the_dutch_texts(referrer_client):
    KitType.objects.filter(code="start-50-68").update(name_en="", description_en="")
    page = in_english(referrer_client).get("/referrals/new/").content.decode()
    assert NL_NAME in page and "Het eerste pakket, voor de geboorte" in page
    assert EN_NAME not in page


def test_the_referral_form_in_dutch_keeps_the_dutch_texts(referrer_client):
    page = referrer_client.get("/referrals/new/").content.decode()
    assert NL_NAME in page and "Het eerste pakket, voor de geboorte" in page
    assert EN_NAME not in page and EN_DESCRIPTION not in page


def test_the_pick_list_and_its_slips_in_english_name_the_kit_in_english(
        client, warehouse_user, coordinator, referrer):
    warehouse = Warehouse.objects.get(pk=warehouse_user.organisation_id)
    approved_kits(warehouse, coordinator, referrer, 1)
    pick_list = distribution.create_pick_list(warehouse=warehouse, user=warehouse_user)
    client.force_login(warehouse_user)
    in_english(client)

    page = client.get(f"/pick-lists/{pick_list.pk}/").content.decode()
    assert EN_NAME in page and NL_NAME not in page
    response = client.get(f"/pick-lists/{pick_list.pk}/delivery-slips/")
    _, text = pdf_text(response.content)
    text = " ".join(text.split())
    assert EN_NAME in text and NL_NAME not in text


def test_the_migration_translates_only_the_shipped_texts_left_as_shipped():
    migration = importlib.import_module("logistics.migrations.0014_kit_type_english_texts")
    KitType.objects.update(name_en="", description_en="")
    KitType.objects.filter(code="vervolg-74-92").update(name="Ons eigen vervolgpakket")

    migration.translate_shipped_kits(apps, None)

    kit = first_kit()
    assert (kit.name_en, kit.description_en) == (EN_NAME, EN_DESCRIPTION)
    # A renamed kit keeps no English name (it would say something else), its description does.
    follow_up = KitType.objects.get(code="vervolg-74-92")
    assert follow_up.name_en == ""
    assert follow_up.description_en.startswith("The second kit, at about six months")
