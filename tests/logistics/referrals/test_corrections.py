"""Correcting a referral in answer to the coordinator's question (DESIGN §4: needs_info →
submitted): the service and the page. Assertions are on data and form error keys, never on
translated texts."""

import datetime
import re
from decimal import Decimal

import phonenumbers
import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied

from eligibility import rules, snapshot
from logistics.models import Referral, ReferralStatus
from logistics.referrals import services
from logistics.referrals.workflow import TransitionNotAllowed
from startpakket.errors import FieldError
from startpakket.roles import Role
from tests.factories import UserFactory, make_referral, referral_input, stock_for_kits

pytestmark = pytest.mark.django_db

S = ReferralStatus
QUESTION = "Klopt het inkomen? Op de loonstrook staat 1200."
HIGH_WAGE = (rules.Income("wages", Decimal("5000.00")),)


def edit_url(referral) -> str:
    return f"/referrals/{referral.code}/edit/"


def asked(referrer, coordinator, **overrides) -> Referral:
    """A referral the coordinator has asked about."""
    referral = make_referral(referrer, **overrides)
    return services.ask_for_information(referral=referral, user=coordinator, reason=QUESTION)


def prefilled(page) -> dict:
    """What the browser sends back for the form as the page shows it."""
    data = {}
    for field in page.context["form"]:
        value = field.value()
        if value is None or value is False or value == "":
            continue
        data[field.html_name] = "on" if value is True else str(value)
    return data


def send(client, referral, data):
    """Check, then send with what the check answered: the way the page is used."""
    checked = client.post(edit_url(referral), {**data, "check": "1"}).context["checked"]
    assert checked
    return client.post(edit_url(referral), {**data, "refer": "1", "checked": checked})


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def stored(referral: Referral) -> dict:
    """Everything the nurse can change, and what the check and the coordinator made of it."""
    referral.refresh_from_db()
    return {name: getattr(referral, name) for name in (
        *services.INPUT_FIELDS, "household", "incomes", "eligibility", "eligibility_override",
        "override_reason", "status", "consent_date")} | {
        "history": referral.history.count()}


# ---------------------------------------------------------------------------------------------
# The service


def test_update_stores_every_field_checks_again_and_clears_the_override(referrer, coordinator):
    referral = make_referral(referrer, incomes=HIGH_WAGE)
    assert referral.eligibility["outcome"] == "not_eligible"
    services.override_eligibility(referral=referral, user=coordinator, outcome="eligible",
                                  reason="WSNP-traject")
    referral = services.ask_for_information(referral=referral, user=coordinator, reason=QUESTION)
    data = referral_input(
        parent_first_name="Sam", parent_last_name="de Vries",
        phone=phonenumbers.parse("030 1234567", "NL"), email="sam@example.org", language="en",
        street="Kerkstraat", house_number=3, house_number_suffix="bis", postcode="1234 AB",
        city="Amersfoort", due_date=datetime.date.today() + datetime.timedelta(days=60),
        babies=2, delivery_notes="Achterom",
        household=rules.Household(applicant_age=25, has_partner=True, partner_age=27,
                                  children=1),
        incomes=(rules.Income("wages", Decimal("1200")), rules.Income("child_benefit",
                                                                       Decimal("100.5"))),
    )

    services.update_referral(referral=referral, user=referrer, data=data,
                             answer="  Inkomen verbeterd.  ")

    referral.refresh_from_db()
    for name in services.INPUT_FIELDS:
        assert getattr(referral, name) == getattr(data, name), name
    assert referral.household == {"version": 1, "applicant_age": 25, "has_partner": True,
                                  "partner_age": 27, "children": 1}
    assert referral.incomes == [{"kind": "wages", "amount": "1200.00"},
                                {"kind": "child_benefit", "amount": "100.50"}]
    decision = services.assess(data.household, data.incomes)
    assert referral.eligibility == {**snapshot.to_snapshot(decision),
                                    "checked_on": datetime.date.today().isoformat()}
    assert referral.eligibility["outcome"] == "eligible"
    assert (referral.eligibility_override, referral.override_reason) == ("", "")
    assert referral.status == S.SUBMITTED
    last = referral.history.last()
    assert (last.from_status, last.to_status, last.by, last.reason) == (
        S.NEEDS_INFO, S.SUBMITTED, referrer, "Inkomen verbeterd.")
    assert referral.history.count() == 4  # submitted, outcome set, asked, corrected


def test_a_colleague_of_the_same_organisation_may_correct(referrer, coordinator):
    referral = asked(referrer, coordinator)
    colleague = UserFactory(role=Role.REFERRER, organisation=referrer.organisation)
    services.update_referral(referral=referral, user=colleague,
                             data=referral_input(city="Zeist"), answer="Verhuisd")
    referral.refresh_from_db()
    assert (referral.status, referral.city) == (S.SUBMITTED, "Zeist")


def test_update_is_refused_to_another_organisation(referrer, coordinator):
    referral = asked(referrer, coordinator)
    before = stored(referral)
    for user in (UserFactory(role=Role.REFERRER), coordinator):
        with pytest.raises(PermissionDenied):
            services.update_referral(referral=referral, user=user,
                                     data=referral_input(city="Zeist"), answer="Verhuisd")
    assert stored(referral) == before


@pytest.mark.parametrize(("answer", "changes", "field"), [
    ("   ", {}, "reason"),
    ("Verhuisd", {"consent": False}, "consent"),
    ("Verhuisd", {"household": rules.Household(applicant_age=30, has_partner=True,
                                               children=0)}, "household.partner_age"),
])
def test_update_needs_an_answer_consent_and_a_valid_household(referrer, coordinator, answer,
                                                              changes, field):
    referral = asked(referrer, coordinator)
    before = stored(referral)
    with pytest.raises(FieldError) as error:
        services.update_referral(referral=referral, user=referrer,
                                 data=referral_input(city="Zeist", **changes), answer=answer)
    assert error.value.field == field
    assert stored(referral) == before


def test_update_only_while_waiting_for_the_answer(referrer, coordinator):
    referral = make_referral(referrer)
    with pytest.raises(TransitionNotAllowed):
        services.update_referral(referral=referral, user=referrer,
                                 data=referral_input(city="Zeist"), answer="Verhuisd")
    services.ask_for_information(referral=referral, user=coordinator, reason=QUESTION)
    services.update_referral(referral=referral, user=referrer,
                             data=referral_input(city="Zeist"), answer="Verhuisd")
    before = stored(referral)
    with pytest.raises(TransitionNotAllowed):  # a second send
        services.update_referral(referral=referral, user=referrer,
                                 data=referral_input(city="Baarn"), answer="Toch niet")
    assert stored(referral) == before


# ---------------------------------------------------------------------------------------------
# The page


def test_the_nurse_corrects_the_income_after_the_question(client, referrer, coordinator):
    referral = make_referral(referrer, incomes=HIGH_WAGE)
    services.override_eligibility(referral=referral, user=coordinator, outcome="not_eligible",
                                  reason="Inkomen te hoog")
    services.ask_for_information(referral=referral, user=coordinator, reason=QUESTION)

    client.force_login(referrer)
    detail = client.get(f"/referrals/{referral.code}/")
    assert edit_url(referral) in detail.content.decode()
    page = client.get(edit_url(referral))
    assert page.status_code == 200
    assert page.context["question"].reason == QUESTION
    assert 'name="refer"' not in page.content.decode()  # send only after a check

    data = {**prefilled(page), "income_wages": "1.200,00", "answer": "Loonstrook klopt: 1200."}
    checked = client.post(edit_url(referral), {**data, "check": "1"})
    assert checked.context["outcome"]["decision"].outcome == "eligible"
    assert stored(referral)["status"] == S.NEEDS_INFO  # a check stores nothing
    response = client.post(edit_url(referral), {**data, "refer": "1",
                                                "checked": checked.context["checked"]})

    assert response.status_code == 302
    assert response["Location"] == f"/referrals/{referral.code}/"
    assert messages_of(response)
    referral.refresh_from_db()
    assert referral.status == S.SUBMITTED
    assert referral.incomes == [{"kind": "wages", "amount": "1200.00"}]
    assert referral.eligibility["outcome"] == "eligible"
    assert services.decision_of(referral).counted_income == Decimal("1200.00")
    assert (referral.eligibility_override, referral.override_reason) == ("", "")
    assert services.outcome_of(referral) == "eligible"
    history = [(c.from_status, c.to_status, c.by, c.reason) for c in referral.history.all()]
    assert history[-1] == (S.NEEDS_INFO, S.SUBMITTED, referrer, "Loonstrook klopt: 1200.")
    assert len(history) == 4  # submitted, outcome set, asked, corrected

    client.force_login(coordinator)
    assert [row.referral for row in client.get("/referrals/queue/").context["rows"]] == [
        referral]


def test_the_form_is_filled_in_with_the_referral(referrer_client, referrer, coordinator):
    referral = asked(referrer, coordinator, postcode="1234 AB", house_number_suffix="bis",
                     email="samira@example.org", delivery_notes="Bel twee keer",
                     incomes=(rules.Income("wages", Decimal("1234.50")),
                              rules.Income("child_benefit", Decimal("80"))))
    page = referrer_client.get(edit_url(referral))
    html = page.content.decode()
    for value in ['value="Samira"', 'value="Bakker"', 'value="06 12345678"',
                  'value="samira@example.org"', 'value="Dorpsstraat"', 'value="12"',
                  'value="bis"', 'value="1234 AB"', 'value="Utrecht"',
                  f'value="{referral.due_date.isoformat()}"', "Bel twee keer",
                  'value="30"', 'value="1.234,50"', 'value="80,00"', QUESTION]:
        assert value in html, value
    form = page.context["form"]
    assert form["kit_type"].value() == referral.kit_type.code
    assert form["consent"].value() is True
    assert "token" not in form.fields

    # Sent back as shown, only the answer is new: the data stay as they were.
    before = stored(referral)
    response = send(referrer_client, referral, {**prefilled(page), "answer": "Klopt zo."})
    assert response.status_code == 302
    after = stored(referral)
    assert (after.pop("status"), after.pop("history")) == (S.SUBMITTED, before["history"] + 1)
    assert after == {key: value for key, value in before.items()
                     if key not in ("status", "history")}


def test_send_without_a_check_shows_the_outcome_first(referrer_client, referrer, coordinator):
    referral = asked(referrer, coordinator)
    page = referrer_client.get(edit_url(referral))
    response = referrer_client.post(edit_url(referral), {
        **prefilled(page), "income_wages": "5000", "answer": "Meer loon", "refer": "1"})
    assert response.status_code == 200
    assert response.context["unseen"]
    assert response.context["outcome"]["decision"].outcome == "not_eligible"
    assert stored(referral)["status"] == S.NEEDS_INFO


@pytest.mark.parametrize(("change", "field"), [
    ({"answer": "  "}, "answer"),
    ({"answer": "x" * 1001}, "answer"),
    ({"consent": None}, "consent"),
    ({"postcode": "0123 AB"}, "postcode"),
    ({"phone": "12345"}, "phone"),
    ({"income_wages": "-5"}, "income_wages"),
    ({"has_partner": "on"}, "partner_age"),
    ({"kit_type": "unknown-kit"}, "kit_type"),
])
def test_bad_input_keeps_the_old_data(referrer_client, referrer, coordinator, change, field):
    referral = asked(referrer, coordinator)
    before = stored(referral)
    data = {**prefilled(referrer_client.get(edit_url(referral))), "city": "Zeist",
            "income_wages": "900", "answer": "Verhuisd", **change}
    data = {key: value for key, value in data.items() if value is not None}
    response = referrer_client.post(edit_url(referral), {**data, "refer": "1",
                                                         "checked": "whatever"})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert stored(referral) == before


@pytest.fixture
def stocked(warehouse, coordinator):
    stock_for_kits(warehouse, 1, user=coordinator)
    return warehouse


@pytest.mark.parametrize("status", [S.SUBMITTED, S.APPROVED, S.REJECTED, S.CANCELLED])
def test_only_while_the_coordinator_waits_for_the_answer(client, referrer, coordinator, stocked,
                                                         status):
    referral = make_referral(referrer)
    if status == S.APPROVED:
        services.approve_referral(referral=referral, user=coordinator, warehouse=stocked)
    elif status == S.REJECTED:
        services.reject_referral(referral=referral, user=coordinator, reason="Nee")
    elif status == S.CANCELLED:
        services.cancel_referral(referral=referral, user=coordinator, reason="Weg")
    before = stored(referral)
    assert before["status"] == status

    client.force_login(referrer)
    assert edit_url(referral) not in client.get(f"/referrals/{referral.code}/").content.decode()
    for response in (
        client.get(edit_url(referral)),
        client.post(edit_url(referral), {"city": "Zeist", "answer": "Verhuisd", "check": "1"}),
        client.post(edit_url(referral), {"city": "Zeist", "answer": "Verhuisd", "refer": "1"}),
    ):
        assert response.status_code == 302
        assert response["Location"] == f"/referrals/{referral.code}/"
        assert messages_of(response)
    assert stored(referral) == before


def test_another_organisations_referrer_gets_404(client, referrer, coordinator):
    referral = asked(referrer, coordinator)
    before = stored(referral)
    client.force_login(UserFactory(role=Role.REFERRER))
    assert client.get(edit_url(referral)).status_code == 404
    assert client.post(edit_url(referral), {"city": "Zeist", "answer": "x",
                                            "refer": "1"}).status_code == 404
    assert stored(referral) == before


def test_volunteers_and_coordinators_may_not_correct(client, referrer, coordinator):
    referral = asked(referrer, coordinator)
    before = stored(referral)
    for user in (UserFactory(role=Role.WAREHOUSE), coordinator):
        client.force_login(user)
        assert client.get(edit_url(referral)).status_code == 403
        assert client.post(edit_url(referral), {"city": "Zeist", "answer": "x",
                                                "refer": "1"}).status_code == 403
    # The coordinator's own page has no link to correct it either.
    assert edit_url(referral) not in client.get(f"/referrals/{referral.code}/").content.decode()
    assert stored(referral) == before


def test_the_detail_page_dates_the_check_by_when_it_ran(referrer_client, referrer):
    referral = make_referral(referrer)
    snapshot = {**referral.eligibility, "checked_on": "2026-12-03"}
    Referral.objects.filter(pk=referral.pk).update(eligibility=snapshot)
    page = referrer_client.get(f"/referrals/{referral.code}/")
    assert page.context["checked_on"] == datetime.date(2026, 12, 3)


# Amounts as the nurse reads and types them (issue 15, point 7)


def shown_value(page, name: str) -> str:
    """The value attribute of an input, as the browser sends it back untouched."""
    found = re.search(rf'name="{name}" value="([^"]*)"', page.content.decode())
    assert found, name
    return found.group(1)


@pytest.mark.parametrize(("language", "wages", "benefit"), [
    ("nl", "1.100,00", "12,50"),
    ("en", "1,100.00", "12.50"),
])
def test_amounts_are_shown_in_the_pages_notation_and_sent_back_unchanged(
        client, referrer, coordinator, language, wages, benefit):
    referral = asked(referrer, coordinator, incomes=(
        rules.Income("wages", Decimal("1100.00")),
        rules.Income("rent_allowance", Decimal("12.5"))))
    before = stored(referral)
    client.force_login(referrer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(edit_url(referral))
    assert shown_value(page, "income_wages") == wages
    assert shown_value(page, "income_rent_allowance") == benefit

    data = {**prefilled(page), "income_wages": shown_value(page, "income_wages"),
            "income_rent_allowance": shown_value(page, "income_rent_allowance"),
            "answer": "Klopt zo."}
    checked = client.post(edit_url(referral), {**data, "check": "1"})
    # What was typed stays as typed when the page comes back.
    assert shown_value(checked, "income_wages") == wages
    response = client.post(edit_url(referral), {**data, "refer": "1",
                                                "checked": checked.context["checked"]})
    assert response.status_code == 302
    assert stored(referral)["incomes"] == before["incomes"] == [
        {"kind": "wages", "amount": "1100.00"}, {"kind": "rent_allowance", "amount": "12.50"}]


def test_a_large_amount_keeps_every_thousands_group(referrer_client, referrer, coordinator):
    referral = asked(referrer, coordinator, incomes=(
        rules.Income("wages", Decimal("1234567.89")),))
    page = referrer_client.get(edit_url(referral))
    assert shown_value(page, "income_wages") == "1.234.567,89"
    assert not page.context["form"].errors
