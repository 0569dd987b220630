"""Errors tied to their fields (issue 17.2): an invalid field's ``aria-describedby`` names the
element that holds its error, so a screen reader reads the error with the field."""

import pytest

from tests.helpers import field_descriptions

pytestmark = pytest.mark.django_db


def test_the_login_form_reads_out_each_fields_error(client):
    page = client.get("/accounts/login/").content.decode()
    assert field_descriptions(page) == {}  # nothing invalid yet, and no description dangles

    response = client.post("/accounts/login/", {"username": "", "password": ""})

    assert response.status_code == 200
    assert field_descriptions(response.content.decode()) == {
        "username": "Dit veld is vereist.", "password": "Dit veld is vereist."}
