"""The site's icon (issue 15 point 16): named by every page, and at /favicon.ico for what names
none (a PDF, the API's JSON)."""

import pytest

pytestmark = pytest.mark.django_db


def test_every_page_names_the_icon_and_it_is_served(client):
    html = client.get("/accounts/login/").content.decode()
    assert '<link rel="icon" href="/static/startpakket/favicon.svg" type="image/svg+xml">' in html
    icon = client.get("/static/startpakket/favicon.svg")
    assert icon.status_code == 200 and b"<svg" in b"".join(icon.streaming_content)


def test_favicon_ico_is_not_a_404(client):
    response = client.get("/favicon.ico", follow=True)
    assert response.redirect_chain == [("/static/startpakket/favicon.ico", 302)]
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file
