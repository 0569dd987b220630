"""A person's own settings page (``/accounts/settings/``) and the language switch: the language
is one choice for the pages and the e-mails; a coordinator also chooses how she hears of
referrals (issue 15 point 4)."""

import pytest
from django.conf import settings

from logistics.models import ReferralMail, ReferralMailSettings
from startpakket.models import User

pytestmark = pytest.mark.django_db

URL = "/accounts/settings/"


def test_the_menu_leads_to_the_settings(referrer_client):
    assert f'href="{URL}"' in referrer_client.get("/").content.decode()


def test_a_referrer_sets_her_language_and_the_pages_follow(referrer_client, referrer):
    page = referrer_client.get(URL)
    html = page.content.decode()
    assert 'for="id_account-language"' in html and "referral_mail" not in html
    response = referrer_client.post(URL, {"account-language": "en"})
    assert response.status_code == 302 and response["Location"] == URL
    assert User.objects.get(pk=referrer.pk).language == "en"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Your settings have been saved." in referrer_client.get(URL).content.decode()


def test_a_coordinator_chooses_each_or_a_daily_digest(coordinator_client, coordinator):
    page = coordinator_client.get(URL)
    assert page.context["forms"][1]["choice"].value() == ReferralMail.EACH
    assert 'for="id_referral_mail-choice"' in page.content.decode()
    coordinator_client.post(URL, {"account-language": "nl", "referral_mail-choice": "digest"})
    row = ReferralMailSettings.objects.get(user=coordinator)
    assert row.choice == ReferralMail.DIGEST and row.digest_up_to is not None


def test_a_bad_choice_is_shown_at_its_field_and_nothing_is_saved(coordinator_client, coordinator):
    response = coordinator_client.post(URL, {"account-language": "en",
                                             "referral_mail-choice": "hourly"})
    assert response.status_code == 200
    assert response.context["forms"][1].errors["choice"]
    assert User.objects.get(pk=coordinator.pk).language == "nl"
    assert not ReferralMailSettings.objects.exists()


def test_the_language_switch_remembers_the_choice_of_who_is_logged_in(client, referrer):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})  # logged out: only the page
    client.force_login(referrer)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert User.objects.get(pk=referrer.pk).language == "en"
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert User.objects.get(pk=referrer.pk).language == "en"


def test_the_settings_page_needs_a_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_logging_in_on_a_new_computer_brings_the_stored_language(client, referrer):
    from tests.factories import TEST_PASSWORD

    User.objects.filter(pk=referrer.pk).update(language="en")
    response = client.post("/accounts/login/", {"username": referrer.username,
                                                 "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert 'lang="en"' in client.get("/").content.decode()


def test_a_language_chosen_on_the_login_page_is_stored_at_login(client, referrer):
    from tests.factories import TEST_PASSWORD

    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    client.post("/accounts/login/", {"username": referrer.username, "password": TEST_PASSWORD})
    assert User.objects.get(pk=referrer.pk).language == "en"
    assert 'lang="en"' in client.get("/").content.decode()
