"""The rules a referral must meet are the service's (``logistics.referrals.input``): a caller
that skips the form and the API's parsing still cannot store a wrong referral, every mistake is
named at its field at once, and nothing is written."""

import datetime
from decimal import Decimal

import phonenumbers
import pytest

from eligibility import rules
from logistics.models import Referral, ReferralStatusChange
from logistics.referrals import services
from logistics.referrals.input import field_errors
from logistics.referrals.rules import add_months
from startpakket.errors import FieldError
from startpakket.roles import Role
from tests.factories import KitTypeFactory, UserFactory, make_referral, referral_input


@pytest.fixture
def referrer(db):
    return UserFactory(role=Role.REFERRER)


def today():
    return datetime.date.today()


BAD = [
    ({"postcode": "0123 AB"}, "postcode"),
    ({"postcode": "1234 SS"}, "postcode"),
    ({"postcode": ""}, "postcode"),
    ({"due_date": add_months(today(), 11)}, "due_date"),
    ({"due_date": add_months(today(), -13)}, "due_date"),
    ({"phone": phonenumbers.parse("+31 30 123 4567 ext. 12", "NL")}, "phone"),
    ({"phone": phonenumbers.parse("0612", "NL")}, "phone"),
    ({"phone": None}, "phone"),
    ({"consent": False}, "consent"),
    ({"house_number": 0}, "house_number"),
    ({"house_number": 100000}, "house_number"),
    ({"babies": 0}, "babies"),
    ({"babies": 4}, "babies"),
    ({"language": "xx"}, "language"),
    ({"parent_first_name": "   "}, "parent_first_name"),
    ({"street": "x" * 201}, "street"),
    ({"delivery_notes": "x" * 1001}, "delivery_notes"),
    ({"household": rules.Household(applicant_age=30, has_partner=False, partner_age=25)},
     "household.partner_age"),
]


@pytest.mark.parametrize(("change", "field"), BAD, ids=[field for _, field in BAD])
def test_the_service_refuses_bad_input_at_its_field_and_stores_nothing(referrer, change, field):
    with pytest.raises(FieldError) as refused:
        services.submit_referral(user=referrer, data=referral_input(**change))
    assert list(refused.value.errors) == [field]
    assert Referral.objects.count() == 0
    assert ReferralStatusChange.objects.count() == 0


def test_every_mistake_is_named_at_once(referrer):
    with pytest.raises(FieldError) as refused:
        services.submit_referral(user=referrer, data=referral_input(
            postcode="9999", consent=False, babies=9,
            incomes=(rules.Income("wages", Decimal("-1")),)))
    assert set(refused.value.errors) == {"postcode", "consent", "babies", "incomes.0.amount"}


def test_a_kit_type_not_in_use_or_empty_is_refused(referrer):
    inactive = KitTypeFactory(is_active=False)
    empty = KitTypeFactory()  # no components
    for kit_type in (inactive, empty):
        with pytest.raises(FieldError) as refused:
            services.submit_referral(user=referrer, data=referral_input(kit_type=kit_type))
        assert list(refused.value.errors) == ["kit_type"]
    assert Referral.objects.count() == 0


def test_the_service_normalises_what_it_stores(referrer):
    referral = make_referral(referrer, postcode=" 3511ab ", email=" Samira@Example.ORG ",
                             parent_first_name=" Samira ")
    assert referral.postcode == "3511 AB"
    assert referral.email == "samira@example.org"
    assert referral.parent_first_name == "Samira"


def test_a_correction_is_judged_by_the_same_rules(referrer):
    coordinator = UserFactory(role=Role.COORDINATOR)
    referral = make_referral(referrer)
    services.ask_for_information(referral=referral, user=coordinator, reason="Postcode?")
    with pytest.raises(FieldError) as refused:
        services.update_referral(referral=referral, user=referrer, answer="Verbeterd",
                                 data=referral_input(postcode="12", consent=False))
    assert set(refused.value.errors) == {"postcode", "consent"}
    referral.refresh_from_db()
    assert referral.postcode == "3511 AB" and referral.status == "needs_info"


def test_field_errors_judges_only_the_fields_given(db):
    assert field_errors({"postcode": "1234 AB", "babies": 2}) == {}
    assert list(field_errors({"postcode": "nope"})) == ["postcode"]


def test_the_page_and_the_api_show_the_services_message(referrer, client, token_client):
    """Both edges show the same words, from the one place that has them."""
    from tests.helpers import referral_payload

    api = token_client(referrer).post("/api/v1/referrals/", referral_payload(postcode="0123 AB"),
                                      format="json")
    assert api.status_code == 400
    expected = field_errors({"postcode": "0123 AB"})["postcode"]
    assert api.json()["errors"] == {"postcode": expected}


PHONE_MESSAGE_NL = "Vul een geldig telefoonnummer in, zoals 06 12345678."


@pytest.mark.parametrize("typed", ["0612", "bel mij", "+31 6 1234"])
def test_a_wrong_phone_number_gets_the_products_words_everywhere(referrer, client,
                                                                  token_client, typed):
    """The form, the correction form and the API say what the service says, with a Dutch mobile
    number as the example, never the library's own text."""
    from tests.helpers import referral_payload
    from tests.logistics.referrals.test_pages import form_data

    client.force_login(referrer)
    page = client.post("/referrals/new/", {**form_data(phone=typed), "refer": "1"})
    assert page.context["form"].errors["phone"] == [PHONE_MESSAGE_NL]
    html = page.content.decode()
    assert PHONE_MESSAGE_NL in html and "010 123 4567" not in html

    coordinator = UserFactory(role=Role.COORDINATOR)
    asked = services.ask_for_information(referral=make_referral(referrer), user=coordinator,
                                         reason="Klopt het nummer?")
    edit = client.post(f"/referrals/{asked.code}/edit/", {**form_data(phone=typed),
                                                          "answer": "Nieuw nummer.",
                                                          "refer": "1"})
    assert edit.context["form"].errors["phone"] == [PHONE_MESSAGE_NL]

    api = token_client(referrer).post("/api/v1/referrals/", referral_payload(phone=typed),
                                      format="json", HTTP_ACCEPT_LANGUAGE="nl")
    assert api.json()["errors"]["phone"] == [PHONE_MESSAGE_NL]


# Invisible characters (issue 13, point 6c): direction controls and zero-width characters would
# let a name or an address print otherwise than it reads, or two equal-looking names differ.
RLO, LRI, PDI, ZWSP, ZWJ, RLM = "\u202e", "\u2066", "\u2069", "\u200b", "\u200d", "\u200f"
INVISIBLE = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A),
                              *range(0x200B, 0x2010))]
SPOOFED = {
    "parent_first_name": f"Sam{ZWSP}ira{RLM}",
    "parent_last_name": f"{RLO}rekkaB{PDI}",
    "street": f"Dorps{ZWJ}straat{LRI}",
    "city": f"Utr{INVISIBLE[0]}echt",
    "house_number_suffix": f"{RLO}A",
    "delivery_notes": f"Bel aan{ZWSP}",
}
SHOWN = {"parent_first_name": "Samira", "parent_last_name": "rekkaB", "street": "Dorpsstraat",
         "city": "Utrecht", "house_number_suffix": "A", "delivery_notes": "Bel aan"}


def _stored(referral):
    return {name: getattr(referral, name) for name in SHOWN}


def test_the_service_strips_invisible_characters(referrer):
    assert _stored(make_referral(referrer, **SPOOFED)) == SHOWN
    every = "".join(INVISIBLE)
    referral = make_referral(referrer, parent_last_name=f"Bak{every}ker", city=f"{every}Ede")
    assert (referral.parent_last_name, referral.city) == ("Bakker", "Ede")


def test_a_name_of_invisible_characters_only_is_missing(referrer):
    with pytest.raises(FieldError) as refused:
        services.submit_referral(user=referrer, data=referral_input(
            parent_first_name=ZWSP + RLO, city="".join(INVISIBLE)))
    assert set(refused.value.errors) == {"parent_first_name", "city"}
    assert list(field_errors({"street": f" {ZWSP} "})) == ["street"]


def test_the_api_and_the_page_strip_them_too(referrer, client, token_client):
    from tests.helpers import referral_payload
    from tests.logistics.referrals.test_pages import form_data, refer

    answer = token_client(referrer).post("/api/v1/referrals/", referral_payload(**SPOOFED),
                                         format="json")
    assert answer.status_code == 201, answer.json()
    assert _stored(Referral.objects.get(code=answer.json()["code"])) == SHOWN

    client.force_login(referrer)
    page = refer(client, form_data(**SPOOFED))
    assert page.status_code == 302
    assert _stored(Referral.objects.exclude(code=answer.json()["code"]).get()) == SHOWN
