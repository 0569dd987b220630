import pytest

from startpakket.roles import Role
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_login_page_has_labelled_fields_and_works_on_a_phone(client):
    page = client.get("/accounts/login/").content.decode()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert '<label for="id_username">' in page
    assert '<label for="id_password">' in page
    assert "Inloggen" in page  # Dutch by default


def test_logging_in_leads_to_the_role_home_page(client):
    UserFactory(username="anne", role=Role.REFERRER, first_name="Anne")
    response = client.post(
        "/accounts/login/", {"username": "anne", "password": TEST_PASSWORD}, follow=True
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/"
    assert "Welkom, Anne" in page
    assert "Verwijzer" in page
    assert "Een gezin aanmelden" in page


def test_a_wrong_password_says_so_and_does_not_log_in(client):
    UserFactory(username="anne")
    response = client.post("/accounts/login/", {"username": "anne", "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "gebruikersnaam en wachtwoord" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "dutch", "english"),
    [
        (Role.REFERRER, "Een gezin aanmelden", "Refer a family"),
        (Role.WAREHOUSE, "Paklijsten en afleverbonnen", "Make and print pick lists"),
        (Role.COORDINATOR, "Organisaties en gebruikers beheren", "Manage organisations and users"),
    ],
)
def test_each_role_sees_its_home_page_in_dutch_and_in_english(client, role, dutch, english):
    client.force_login(UserFactory(role=role))
    assert dutch in client.get("/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    page = response.content.decode()
    assert english in page
    assert dutch not in page
    assert '<html lang="en">' in page


def test_logout_ends_the_session(referrer_client):
    response = referrer_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert referrer_client.get("/").status_code == 302


def test_the_demo_banner_shows_only_in_demo_mode(referrer_client, settings):
    settings.DEMO = False
    assert "demo-banner" not in referrer_client.get("/").content.decode()
    settings.DEMO = True
    assert "demo-banner" in referrer_client.get("/").content.decode()


def test_the_page_for_an_unknown_url_is_a_friendly_404(referrer_client):
    response = referrer_client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()


def test_the_api_docs_need_no_cdn(client):
    import re

    page = client.get("/api/docs/").content.decode()
    # Every script, stylesheet and image comes from this site (the CSRF token in the page is
    # random text, so the test looks at addresses, not for the letters "cdn").
    addresses = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)', page)
    addresses += re.findall(r'url\s*:\s*["\']([^"\']+)', page)
    assert addresses
    assert not [a for a in addresses if re.match(r"^(https?:)?//", a)], addresses
    assert "/static/drf_spectacular_sidecar/" in page


def test_pages_are_dutch_even_for_an_english_browser(referrer_client):
    page = referrer_client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Welkom" in page
    assert '<html lang="nl">' in page
