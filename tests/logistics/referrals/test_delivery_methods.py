"""The delivery method a nurse chooses (DESIGN §4): delivery at the door, a pick-up point, or
post. The rules are ``logistics/referrals/input.py``'s; here through the doors: the service,
the API and the nurse's page, and what the referral's page then tells her."""

import datetime
import uuid

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from logistics.models import Referral
from logistics.referrals import services
from startpakket.errors import FieldError
from startpakket.roles import Role
from tests.factories import (
    PickupPointFactory,
    UserFactory,
    WarehouseFactory,
    make_referral,
    stock_for_kits,
)
from tests.helpers import referral_payload

API = "/api/v1/referrals/"
NEW = "/referrals/new/"


def form_data(**overrides) -> dict:
    """What a nurse types for a single parent of 30 with a low wage, due in four months."""
    data = {
        "parent_first_name": "Samira", "parent_last_name": "Bakker",
        "phone": "06 12345678", "email": "", "language": "nl",
        "street": "Dorpsstraat", "house_number": "12", "house_number_suffix": "",
        "postcode": "3511ab", "city": "Utrecht",
        "due_date": (timezone.localdate() + datetime.timedelta(days=120)).isoformat(),
        "babies": "1", "kit_type": "start-50-68", "delivery_notes": "", "consent": "on",
        "applicant_age": "30", "children": "0", "income_wages": "1200",
        "token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def refer(client, data):
    """Check, then refer with what the check answered: the way the page is used."""
    checked = client.post(NEW, {**data, "check": "1"}).context["checked"]
    return client.post(NEW, {**data, "refer": "1", "checked": checked})


@pytest.fixture
def point(db):
    return PickupPointFactory(name="Bibliotheek Overvecht", address="Zamenhofdreef 1",
                              postcode="3562 JT", city="Utrecht",
                              opening_hours="ma–vr 10:00–18:00, za 10:00–14:00")


# --- the rules, through the service -------------------------------------------------------------


def test_a_referral_is_delivered_at_the_door_unless_the_nurse_chooses(referrer):
    referral = make_referral(referrer)
    assert (referral.delivery_method, referral.pickup_point) == ("delivery", None)


@pytest.mark.parametrize(("method", "with_point", "field"), [
    ("pickup", False, "pickup_point"),    # a pick-up kit names its point
    ("delivery", True, "pickup_point"),   # a kit at the door has none
    ("post", True, "pickup_point"),       # nor one by post
    ("drone", False, "delivery_method"),  # no such method
])
def test_the_service_refuses_a_method_and_point_that_do_not_go_together(
        referrer, point, method, with_point, field):
    with pytest.raises(FieldError) as error:
        make_referral(referrer, delivery_method=method,
                      pickup_point=point if with_point else None)
    assert list(error.value.errors) == [field]
    assert not Referral.objects.exists()


def test_a_closed_pick_up_point_cannot_be_chosen(referrer, point):
    point.is_active = False
    point.save()
    with pytest.raises(FieldError) as error:
        make_referral(referrer, delivery_method="pickup", pickup_point=point)
    assert error.value.errors == {
        "pickup_point": ["Dit afhaalpunt kan niet worden gekozen: het is gesloten."]}


def test_the_database_holds_the_point_to_pick_up_kits_too(referrer, point):
    referral = make_referral(referrer, delivery_method="pickup", pickup_point=point)
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(pickup_point=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(delivery_method="post")


# --- the API -----------------------------------------------------------------------------------


def test_the_api_takes_a_pick_up_point_by_code_and_answers_its_address(
        token_client, referrer, point):
    response = token_client(referrer).post(
        API, referral_payload(delivery_method="pickup", pickup_point=point.code), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["delivery_method"] == "pickup"
    assert body["pickup_point"] == {
        "code": point.code, "name": "Bibliotheek Overvecht", "address": "Zamenhofdreef 1",
        "postcode": "3562 JT", "city": "Utrecht",
        "opening_hours": "ma–vr 10:00–18:00, za 10:00–14:00", "warehouse": point.warehouse.code}
    assert body["tracking_number"] == ""


@pytest.mark.parametrize(("changes", "field"), [
    ({"delivery_method": "pickup"}, "pickup_point"),
    ({"delivery_method": "pickup", "pickup_point": None}, "pickup_point"),
    ({"delivery_method": "pickup", "pickup_point": "nergens"}, "pickup_point"),
    ({"delivery_method": "post", "pickup_point": "POINT"}, "pickup_point"),
    ({"pickup_point": "POINT"}, "pickup_point"),  # the default method is delivery
    ({"delivery_method": "drone"}, "delivery_method"),
    ({"delivery_method": ""}, "delivery_method"),
])
def test_the_api_names_the_field_of_a_wrong_method_or_point(
        token_client, referrer, point, changes, field):
    changes = {key: point.code if value == "POINT" else value for key, value in changes.items()}
    response = token_client(referrer).post(API, referral_payload(**changes), format="json")
    assert response.status_code == 400, response.json()
    assert list(response.json()["errors"]) == [field]
    assert not Referral.objects.exists()


def test_the_api_lists_the_active_pick_up_points_to_everyone_who_sees_referrals(
        token_client, point):
    PickupPointFactory(name="Gesloten buurthuis", is_active=False)
    for role in (Role.REFERRER, Role.WAREHOUSE, Role.COORDINATOR):
        response = token_client(UserFactory(role=role)).get("/api/v1/pickup-points/")
        assert response.status_code == 200
        assert [row["code"] for row in response.json()["results"]] == [point.code]
    assert token_client(UserFactory(groups=[])).get("/api/v1/pickup-points/").status_code == 403


# --- the nurse's page --------------------------------------------------------------------------


def test_the_nurse_chooses_a_pick_up_point_and_is_told_what_to_tell_the_parent(
        referrer_client, point):
    form = referrer_client.get(NEW)
    html = form.content.decode()
    # Every active point with its address and hours, to read to the parent.
    assert "Zamenhofdreef 1, 3562 JT Utrecht · ma–vr 10:00–18:00, za 10:00–14:00" in html
    assert 'src="/static/logistics/delivery_method.js"' in html

    page = refer(referrer_client, form_data(delivery_method="pickup", pickup_point=point.code))
    referral = Referral.objects.get()
    assert (referral.delivery_method, referral.pickup_point) == ("pickup", point)
    assert page.status_code == 302
    shown = referrer_client.get(page["Location"])
    html = shown.content.decode()
    told = [str(message) for message in shown.context["messages"]]
    assert "Vertel de ouder het pakket op te halen bij Bibliotheek Overvecht, Zamenhofdreef 1, " \
           "Utrecht; de openingstijden staan hieronder." in told
    section = html[html.index('id="delivery-method"'):]
    for shown_text in ("Afhaalpunt", "Bibliotheek Overvecht", "Zamenhofdreef 1",
                       "3562 JT Utrecht", "ma–vr 10:00–18:00, za 10:00–14:00", referral.code):
        assert shown_text in section


def test_the_form_names_a_missing_point_at_its_field(referrer_client, point):
    page = refer(referrer_client, form_data(delivery_method="pickup"))
    assert page.status_code == 200
    assert page.context["form"].errors["pickup_point"] == [
        "Kies het afhaalpunt waar het gezin het pakket ophaalt."]
    assert not Referral.objects.exists()


def test_a_point_left_chosen_for_another_method_is_not_sent(referrer_client, point):
    """The point's list stays on the page whatever is ticked (without the script): a point
    chosen before the nurse ticked post is dropped, not refused."""
    refer(referrer_client, form_data(delivery_method="post", pickup_point=point.code))
    referral = Referral.objects.get()
    assert (referral.delivery_method, referral.pickup_point) == ("post", None)


def test_a_closed_point_is_not_offered_and_refused_if_sent(referrer_client, point):
    closed = PickupPointFactory(name="Gesloten buurthuis", is_active=False)
    assert "Gesloten buurthuis" not in referrer_client.get(NEW).content.decode()
    page = refer(referrer_client, form_data(delivery_method="pickup", pickup_point=closed.code))
    assert page.context["form"].errors["pickup_point"] == [
        "Dit afhaalpunt kan niet worden gekozen: het is gesloten."]


def test_a_correction_may_change_the_method(referrer, coordinator, point):
    referral = make_referral(referrer)
    services.ask_for_information(referral=referral, user=coordinator, reason="Ophalen?")
    from tests.factories import referral_input

    services.update_referral(referral=referral, user=referrer,
                             data=referral_input(delivery_method="pickup", pickup_point=point),
                             answer="Ze haalt het op bij de bibliotheek.")
    referral.refresh_from_db()
    assert (referral.delivery_method, referral.pickup_point) == ("pickup", point)


# --- approval: the point's warehouse packs the kit ----------------------------------------------


def test_a_pick_up_kit_is_packed_by_its_points_warehouse(referrer, coordinator, point):
    other = WarehouseFactory()
    stock_for_kits(point.warehouse, 1, user=coordinator)
    stock_for_kits(other, 1, user=coordinator)
    referral = make_referral(referrer, delivery_method="pickup", pickup_point=point)

    with pytest.raises(FieldError) as error:
        services.approve_referral(referral=referral, user=coordinator, warehouse=other)
    assert list(error.value.errors) == ["warehouse"]
    assert point.name in error.value.errors["warehouse"][0]

    # Chosen or not, it is the point's.
    approved = services.approve_referral(referral=referral, user=coordinator)
    assert approved.warehouse_id == point.warehouse_id


def test_the_approve_form_presets_the_points_warehouse(coordinator_client, referrer, point):
    WarehouseFactory()  # two warehouses: none would be preset otherwise
    referral = make_referral(referrer, delivery_method="pickup", pickup_point=point)
    page = coordinator_client.get(f"/referrals/{referral.code}/")
    assert page.context["forms"]["approve"]["warehouse"].initial == point.warehouse_id
    queue = coordinator_client.get("/referrals/queue/")
    assert [row.warehouse for row in queue.context["rows"]] == [point.warehouse]
