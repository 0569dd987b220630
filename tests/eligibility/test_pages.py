import pytest

from eligibility.models import NormTable
from startpakket.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/eligibility/check/"


def form(**overrides):
    data = {"reference_date": "2026-03-01", "applicant_age": "30", "children": "1",
            "income_wages": "1730,86", "income_child_benefit": "300"}
    data.update(overrides)
    return data


def test_the_nurse_sees_the_outcome_explained_in_dutch(referrer_client):
    page = referrer_client.post(URL, form()).content.decode()
    assert "Komt in aanmerking" in page
    assert "1.730,86" in page
    assert "nog niet bevestigd" in page  # the 2026 norms are uncertain


def test_one_cent_more_does_not_qualify(referrer_client):
    page = referrer_client.post(URL, form(income_wages="1730.87")).content.decode()
    assert "Komt niet in aanmerking" in page


def test_every_field_has_a_label(referrer_client):
    page = referrer_client.get(URL).content.decode()
    for name in ["reference_date", "applicant_age", "has_partner", "partner_age", "children",
                 "income_wages", "income_rent_allowance"]:
        assert f'<label for="id_{name}">' in page, name


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (form(applicant_age=""), "applicant_age", "Dit veld is vereist"),
        (form(has_partner="on"), "partner_age", "leeftijd van de partner"),
        (form(income_wages="-1"), "income_wages", "minstens 0"),
        (form(income_wages="veel"), "income_wages", "Voer een getal in"),
        (form(reference_date="2020-01-01"), "reference_date", "norm"),
    ],
)
def test_bad_input_is_shown_next_to_the_field(referrer_client, data, field, message):
    response = referrer_client.post(URL, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert "Komt in aanmerking" not in response.content.decode()


def test_coordinators_see_a_banner_when_the_newest_norms_are_stale(client):
    # The newest shipped table is 2026-01-01; today (2026-11) is more than 7 months later.
    client.force_login(UserFactory(role=Role.COORDINATOR))
    assert "De nieuwste normtabel is van" in client.get("/").content.decode()
    NormTable.objects.create(valid_from="2026-10-01")
    assert "De nieuwste normtabel is van" not in client.get("/").content.decode()


def test_nurses_get_no_norm_banner(referrer_client):
    assert "De nieuwste normtabel" not in referrer_client.get("/").content.decode()


@pytest.mark.parametrize(("typed", "amount"), [
    ("1.250,00", "1250.00"), ("1250,5", "1250.50"), ("€ 1.250", "1250.00"), ("1250.50", "1250.50"),
    ("1,250.50", "1250.50"), ("1.234.567,89", "1234567.89"), ("0,99", "0.99"), ("12", "12.00"),
])
def test_amounts_are_read_in_dutch_and_english_notation(typed, amount):
    from decimal import Decimal

    from eligibility.forms import AmountField

    assert AmountField().clean(typed) == Decimal(amount)


@pytest.mark.parametrize("typed", ["1.250,001", "-5", "twaalf", "1,2,3", "1.25.0"])
def test_odd_amounts_are_refused(typed):
    from django.core.exceptions import ValidationError

    from eligibility.forms import AmountField

    with pytest.raises(ValidationError):
        AmountField().clean(typed)


def test_the_reference_date_is_prefilled_as_a_date_input_reads_it(referrer_client):
    import datetime

    page = referrer_client.get("/eligibility/check/").content.decode()
    assert f'value="{datetime.date.today().isoformat()}"' in page


def test_the_outcome_offers_the_nurse_to_refer_the_family(referrer_client):
    page = referrer_client.post(URL, form()).content.decode()
    assert 'action="/referrals/new/" class="next-step"' in page
    assert 'name="from_check"' in page
    assert "Dit gezin aanmelden" in page


def test_no_refer_button_before_the_outcome_or_after_a_mistake(referrer_client):
    assert 'name="from_check"' not in referrer_client.get(URL).content.decode()
    page = referrer_client.post(URL, form(applicant_age="")).content.decode()
    assert 'name="from_check"' not in page


def test_who_may_not_refer_sees_no_refer_button(client, coordinator, warehouse_user):
    client.force_login(coordinator)
    page = client.post(URL, form()).content.decode()
    assert "Komt in aanmerking" in page
    assert 'name="from_check"' not in page and "/referrals/new/" not in page
    client.force_login(warehouse_user)
    assert client.post(URL, form()).status_code == 403  # volunteers do not check at all
