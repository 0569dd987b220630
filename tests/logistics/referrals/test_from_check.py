"""From the eligibility check's outcome to the referral form (issue 15, point 5): "Refer this
family" carries the household and incomes, in a POST, to a referral form that has them filled
in; the nurse adds the rest and refers."""

import datetime
import html
import re
import uuid

import pytest
from django.utils import timezone

from logistics.models import Referral

pytestmark = pytest.mark.django_db

CHECK = "/eligibility/check/"
NEW = "/referrals/new/"


def checked_page(client, **overrides):
    data = {"reference_date": timezone.localdate().isoformat(), "applicant_age": "30",
            "has_partner": "on", "partner_age": "31", "children": "1",
            "income_wages": "1.100,00", "income_child_benefit": "300"}
    data.update(overrides)
    response = client.post(CHECK, {k: v for k, v in data.items() if v is not None})
    assert response.status_code == 200
    return response.content.decode()


def next_step_form(page: str) -> tuple[str, dict]:
    """The "Refer this family" form under the outcome: where it posts, and what it sends."""
    found = re.search(r'<form method="post" action="([^"]*)" class="next-step">(.*?)</form>',
                      page, re.S)
    assert found, "no next-step form"
    action, body = found.groups()
    data = {html.unescape(name): html.unescape(value) for name, value in
            re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', body)}
    button = re.search(r'<button type="submit" name="([^"]+)" value="([^"]*)"', body)
    data[button.group(1)] = button.group(2)
    return action, data


def shown(page) -> dict:
    """What the browser sends back for the form as the page shows it: amounts as their input
    shows them (``1.100,00``)."""
    data = {}
    for field in page.context["form"]:
        value = field.value()
        if value is None or value is False or value == "":
            continue
        if field.name.startswith("income_"):
            value = field.field.widget.format_value(value)
        data[field.html_name] = "on" if value is True else str(value)
    return data


def the_rest() -> dict:
    """What the nurse adds on the referral form: everything but the household and income."""
    return {
        "parent_first_name": "Samira", "parent_last_name": "Bakker",
        "phone": "06 12345678", "email": "", "language": "nl",
        "street": "Dorpsstraat", "house_number": "12", "postcode": "3511 AB",
        "city": "Utrecht",
        "due_date": (timezone.localdate() + datetime.timedelta(days=120)).isoformat(),
        "babies": "1", "kit_type": "start-50-68", "consent": "on",
    }


def test_the_nurse_refers_the_family_she_just_checked(referrer_client, referrer):
    action, data = next_step_form(checked_page(referrer_client))
    # A POST to the form itself: the incomes travel in the body, never in a URL.
    assert action == NEW
    assert "csrfmiddlewaretoken" in data
    assert data["income_wages"] == "1100.00"
    assert "reference_date" not in data

    opened = referrer_client.post(action, data)
    assert opened.status_code == 200
    page = opened.content.decode()
    # Filled in, in Dutch notation, and nothing marked wrong yet.
    assert 'value="1.100,00"' in page and 'value="300,00"' in page
    assert re.search(r'<input type="checkbox" name="has_partner"[^>]* checked', page)
    assert 'name="partner_age" value="31"' in page and 'name="children" value="1"' in page
    assert not opened.context["form"].errors and "form-errors" not in page
    assert 'name="parent_first_name"' in page and 'name="parent_first_name" value' not in page
    # The outcome, as after "Check": the nurse can refer once the rest is filled in.
    assert opened.context["outcome"]["decision"].outcome == "eligible"
    assert 'name="refer"' in page

    response = referrer_client.post(NEW, {**shown(opened), **the_rest(), "refer": "1",
                                          "checked": opened.context["checked"]})
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.referred_by == referrer
    assert referral.household == {"version": 1, "applicant_age": 30, "has_partner": True,
                                  "partner_age": 31, "children": 1}
    assert referral.incomes == [{"kind": "wages", "amount": "1100.00"},
                                {"kind": "child_benefit", "amount": "300.00"}]


def test_without_a_partner_no_partner_age_is_carried(referrer_client):
    _, data = next_step_form(checked_page(referrer_client, has_partner=None))
    assert "has_partner" not in data and "partner_age" not in data
    opened = referrer_client.post(NEW, data)
    assert opened.context["form"]["has_partner"].value() is False
    assert opened.context["form"]["partner_age"].value() is None


def test_a_family_that_does_not_qualify_can_still_be_referred(referrer_client):
    _, data = next_step_form(checked_page(referrer_client, income_wages="9000"))
    opened = referrer_client.post(NEW, data)
    assert opened.context["outcome"]["decision"].outcome == "not_eligible"
    assert 'name="refer"' in opened.content.decode()


def test_a_tampered_post_fills_in_what_parses_and_shows_no_outcome(referrer_client):
    opened = referrer_client.post(NEW, {"from_check": "1", "applicant_age": "30",
                                        "income_wages": "veel", "children": "0"})
    assert opened.status_code == 200
    assert not opened.context["form"].errors
    assert opened.context["outcome"] is None
    assert opened.context["form"]["applicant_age"].value() == 30
    assert opened.context["form"]["income_wages"].value() is None
    assert 'name="refer"' not in opened.content.decode()
    assert not Referral.objects.exists()


def test_opening_the_form_from_a_check_stores_nothing_even_with_everything(referrer_client):
    referrer_client.post(NEW, {**the_rest(), "from_check": "1", "applicant_age": "30",
                               "children": "0", "income_wages": "1200",
                               "token": str(uuid.uuid4()), "refer": "1"})
    assert not Referral.objects.exists()


@pytest.mark.parametrize("role", ["coordinator", "warehouse_user"])
def test_who_may_not_refer_cannot_open_the_form_from_a_check(client, request, role):
    client.force_login(request.getfixturevalue(role))
    data = {"from_check": "1", "applicant_age": "30", "children": "0", "income_wages": "1200"}
    assert client.post(NEW, data).status_code == 403


def test_a_checked_amount_and_the_form_agree_on_what_was_seen(referrer_client):
    """A whole amount carried ("1100.00") and shown back ("1.100,00") is the same check: the
    nurse is not asked to look at the outcome again."""
    _, data = next_step_form(checked_page(referrer_client, income_wages="1100",
                                          income_child_benefit=None))
    opened = referrer_client.post(NEW, data)
    assert shown(opened)["income_wages"] == "1.100,00"
    response = referrer_client.post(NEW, {**shown(opened), **the_rest(), "refer": "1",
                                          "checked": opened.context["checked"]})
    assert response.status_code == 302
    assert Referral.objects.get().incomes == [{"kind": "wages", "amount": "1100.00"}]
