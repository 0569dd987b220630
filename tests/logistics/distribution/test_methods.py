"""How each delivery method's kit leaves the warehouse (DESIGN §4, §5): delivered at the door,
collected at a pick-up point (or not collected in time, and then the nurse is told), or shipped
by post with a tracking number the nurse sees. Through the doors volunteers and nurses use: the
pages, the API and the daily command."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from logistics.distribution import services as pick_lists
from logistics.models import PickList, ReferralStatus
from logistics.referrals.workflow import available_actions
from startpakket.roles import Role
from tests.factories import PickupPointFactory, UserFactory, WarehouseFactory
from tests.helpers import approved_kits, backdate

pytestmark = pytest.mark.django_db
S = ReferralStatus


@pytest.fixture
def point(warehouse):
    return PickupPointFactory(warehouse=warehouse, name="Bibliotheek Overvecht")


@pytest.fixture
def kits(warehouse, coordinator, referrer, warehouse_user, point):
    """One packed kit of each method on one list: at the door, at a pick-up point, by post."""
    door, = approved_kits(warehouse, coordinator, referrer, 1)
    pickup, = approved_kits(warehouse, coordinator, referrer, 1, delivery_method="pickup",
                            pickup_point=point, parent_last_name="Ophaler")
    post, = approved_kits(warehouse, coordinator, referrer, 1, delivery_method="post",
                          parent_last_name="Postpakket")
    pick_list = pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)
    pick_lists.pack(pick_list=pick_list, user=warehouse_user)
    for referral in (door, pickup, post):
        referral.refresh_from_db()
    return {"delivery": door, "pickup": pickup, "post": post, "list": pick_list}


# --- who may do what, by method (``available_actions``), written out -----------------------------

HAND_OVER = {
    "delivery": {"deliver", "delivery_failed", "print_slip"},
    "pickup": {"collected", "not_collected", "print_pickup_note"},
    "post": {"shipped", "print_label"},
}


@pytest.mark.parametrize("method", list(HAND_OVER))
def test_a_packed_kit_offers_its_methods_actions_only(kits, warehouse_user, coordinator,
                                                      method):
    referral = kits[method]
    assert {a.value for a in available_actions(warehouse_user, referral)} == HAND_OVER[method]
    assert {a.value for a in available_actions(coordinator, referral)} == (
        HAND_OVER[method] | {"cancel"})
    other_volunteer = UserFactory(role=Role.WAREHOUSE, organisation=WarehouseFactory())
    assert available_actions(other_volunteer, referral) == frozenset()
    assert available_actions(UserFactory(role=Role.REFERRER), referral) == frozenset()


def test_a_kit_not_collected_may_still_be_collected_or_cancelled(kits, warehouse_user,
                                                                 coordinator):
    referral = pick_lists.record_not_collected(referral=kits["pickup"], user=warehouse_user)
    assert {a.value for a in available_actions(warehouse_user, referral)} == {
        "collected", "print_pickup_note"}
    assert {a.value for a in available_actions(coordinator, referral)} == {
        "collected", "print_pickup_note", "cancel"}


# --- through the API ---------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "wrong"), [
    ("delivery", "collected"), ("delivery", "not-collected"), ("delivery", "shipped"),
    ("pickup", "deliver"), ("pickup", "delivery-failed"), ("pickup", "shipped"),
    ("post", "deliver"), ("post", "delivery-failed"), ("post", "collected"),
    ("post", "not-collected"),
])
def test_the_api_refuses_another_methods_step(kits, token_client, warehouse_user, method,
                                              wrong):
    referral = kits[method]
    body = {"reason": "Niemand"} if wrong == "delivery-failed" else {}
    answer = token_client(warehouse_user).post(f"/api/v1/referrals/{referral.code}/{wrong}/",
                                               body, format="json")
    assert answer.status_code == 409, answer.json()
    assert answer.json()["code"] == "wrong_delivery_method"
    referral.refresh_from_db()
    assert referral.status == S.PACKED


def test_a_pick_up_kit_through_the_api(kits, token_client, warehouse_user, referrer,
                                      django_capture_on_commit_callbacks):
    api = token_client(warehouse_user)
    referral = kits["pickup"]
    url = f"/api/v1/referrals/{referral.code}/"
    assert "collected" in api.get(url).json()["actions"]

    future = api.post(url + "collected/", {"collected_on": "2999-01-01"}, format="json")
    assert future.status_code == 400 and list(future.json()["errors"]) == ["collected_on"]
    early = api.post(url + "collected/", {
        "collected_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat()},
        format="json")
    assert early.status_code == 400 and "ingepakt" in early.json()["errors"]["collected_on"][0]

    with django_capture_on_commit_callbacks(execute=True):
        late = api.post(url + "not-collected/", {}, format="json")
        collected = api.post(url + "collected/", {}, format="json")
    assert late.json() == {"code": referral.code, "status": "not_collected",
                           "delivered_on": None}
    assert collected.json() == {"code": referral.code, "status": "collected",
                                "delivered_on": timezone.localdate().isoformat()}
    # Out of the volunteer's sight now; a repeat says what was recorded.
    again = api.post(url + "collected/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_delivered"
    assert again.json()["detail"] == f"{referral.code} was al vastgelegd als opgehaald."
    history = list(referral.history.values_list("to_status", flat=True))
    assert history[-2:] == [S.NOT_COLLECTED, S.COLLECTED]
    # The nurse heard of both (and of the follow-up kit planned once this one was collected).
    assert [m.subject for m in mail.outbox if m.subject.startswith("Aanmelding")] == [
        f"Aanmelding {referral.code}: pakket niet opgehaald",
        f"Aanmelding {referral.code}: pakket opgehaald"]


def test_a_kit_by_post_is_shipped_with_its_tracking_number_which_the_nurse_sees(
        kits, token_client, warehouse_user, referrer, referrer_client,
        django_capture_on_commit_callbacks):
    referral = kits["post"]
    api = token_client(warehouse_user)
    too_long = api.post(f"/api/v1/referrals/{referral.code}/shipped/",
                        {"tracking_number": "3S" + "X" * 99}, format="json")
    assert too_long.status_code == 400 and list(too_long.json()["errors"]) == [
        "tracking_number"]
    with django_capture_on_commit_callbacks(execute=True):
        shipped = api.post(f"/api/v1/referrals/{referral.code}/shipped/",
                           {"tracking_number": " 3SABCD1234567 "}, format="json")
    assert shipped.json() == {"code": referral.code, "status": "shipped",
                              "delivered_on": timezone.localdate().isoformat(),
                              "tracking_number": "3SABCD1234567"}

    seen = token_client(referrer).get(f"/api/v1/referrals/{referral.code}/").json()
    assert (seen["status"], seen["tracking_number"]) == ("shipped", "3SABCD1234567")
    page = referrer_client.get(f"/referrals/{referral.code}/").content.decode()
    section = page[page.index('id="delivery-method"'):]
    assert "Per post" in section and "3SABCD1234567" in section and "Verzonden op" in section
    message, = [m for m in mail.outbox if m.subject.startswith("Aanmelding")]
    assert message.subject == f"Aanmelding {referral.code}: pakket verzonden"
    # E-mail names the code and links the page: no name, no address, no tracking number.
    assert "3SABCD1234567" not in message.body and "Postpakket" not in message.body


def test_shipping_without_a_tracking_number_says_none_was_given(kits, warehouse_user,
                                                                referrer_client):
    referral = pick_lists.record_shipped(referral=kits["post"], user=warehouse_user)
    assert referral.tracking_number == ""
    page = referrer_client.get(f"/referrals/{referral.code}/").content.decode()
    assert "niet opgegeven" in page[page.index('id="delivery-method"'):]


# --- through the pages -------------------------------------------------------------------------


def test_the_delivery_page_offers_each_kit_its_methods_buttons(kits, warehouse_client):
    def forms_for(method):
        page = warehouse_client.get("/deliveries/", {"code": kits[method].code})
        return set(page.context["forms"]), page.content.decode()

    forms, html = forms_for("delivery")
    assert forms == {"deliver", "failed"}
    forms, html = forms_for("pickup")
    assert forms == {"collected", "not_collected"}
    assert "Afhaalpunt: Bibliotheek Overvecht, Utrecht" in html
    assert f'action="/referrals/{kits["pickup"].code}/collected/"' in html
    assert f'action="/referrals/{kits["pickup"].code}/deliver/"' not in html
    forms, html = forms_for("post")
    assert forms == {"shipped"}
    assert 'name="tracking_number"' in html


def test_volunteers_record_each_method_on_the_pages(kits, warehouse_client):
    pickup, post, door = kits["pickup"], kits["post"], kits["delivery"]
    # The wrong method's button, posted anyway, changes nothing.
    wrong = warehouse_client.post(f"/referrals/{pickup.code}/deliver/", {
        "delivered_on": timezone.localdate().isoformat(), "next": "deliveries"})
    assert wrong.status_code == 200
    assert "Niet voor dit pakket: de bezorgwijze is “afhaalpunt”." in wrong.content.decode()

    not_collected = warehouse_client.post(f"/referrals/{pickup.code}/not-collected/",
                                          {"reason": "", "next": "deliveries"})
    assert not_collected.status_code == 302
    collected = warehouse_client.post(f"/referrals/{pickup.code}/collected/", {
        "collected_on": timezone.localdate().isoformat(), "next": "deliveries"}, follow=True)
    assert f"{pickup.code} is vastgelegd als opgehaald. Dank je wel!" in [
        str(m) for m in collected.context["messages"]]
    shipped = warehouse_client.post(f"/referrals/{post.code}/shipped/", {
        "shipped_on": timezone.localdate().isoformat(), "tracking_number": "3SXYZ",
        "next": "deliveries"})
    assert shipped.status_code == 302
    future = warehouse_client.post(f"/referrals/{door.code}/deliver/", {
        "delivered_on": "2999-01-01", "next": "deliveries"})
    assert future.context["forms"]["deliver"].errors["delivered_on"]

    for referral in (pickup, post):
        referral.refresh_from_db()
    assert (pickup.status, pickup.delivered_on) == (S.COLLECTED, timezone.localdate())
    assert (post.status, post.tracking_number) == (S.SHIPPED, "3SXYZ")


def test_the_pick_list_page_groups_its_kits_and_offers_each_methods_documents(
        kits, warehouse_client):
    pick_list = kits["list"]
    page = warehouse_client.get(f"/pick-lists/{pick_list.pk}/")
    html = page.content.decode()
    assert [(method, [e.referral.code for e in entries])
            for method, entries in page.context["groups"]] == [
        ("bezorgen aan de deur", [kits["delivery"].code]),
        ("afhaalpunt", [kits["pickup"].code]),
        ("per post", [kits["post"].code])]
    headings = ["Bezorgen aan de deur (1)", "Afhaalpunt (1)", "Per post (1)"]
    assert [html.index(heading) for heading in headings] == sorted(
        html.index(heading) for heading in headings)
    for path in ("delivery-slips/", "route-sheet/", "pickup-notes/",
                 "address-labels/?size=a4", "address-labels/?size=10x15"):
        assert f'href="/pick-lists/{pick_list.pk}/{path}"' in html
    assert f'href="/referrals/{kits["pickup"].code}/pickup-note/"' in html
    assert f'href="/referrals/{kits["post"].code}/address-label/"' in html

    # Once the pick-up kit is collected, its notes are no longer offered.
    pick_lists.record_collected(referral=kits["pickup"], user=pick_list.created_by)
    html = warehouse_client.get(f"/pick-lists/{pick_list.pk}/").content.decode()
    assert "pickup-notes/" not in html and "delivery-slips/" in html


def test_a_list_of_one_method_offers_only_its_documents(warehouse, coordinator, referrer,
                                                        warehouse_user, warehouse_client):
    approved_kits(warehouse, coordinator, referrer, 2, delivery_method="post")
    pick_list = pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)
    html = warehouse_client.get(f"/pick-lists/{pick_list.pk}/").content.decode()
    assert "address-labels/" in html
    assert "delivery-slips/" not in html and "route-sheet/" not in html
    assert "pickup-notes/" not in html


# --- not collected in time: the daily command, with time moved ---------------------------------


def test_the_daily_command_marks_kits_not_collected_in_time_and_tells_the_nurse(
        kits, referrer, settings, django_capture_on_commit_callbacks):
    settings.PICKUP_COLLECT_WEEKS = 4
    referrer.language = "en"
    referrer.save()
    pickup = kits["pickup"]
    mail.outbox.clear()

    backdate(pickup, S.PACKED, days=27)  # packed four weeks ago less a day: still waiting
    call_command("mark_not_collected", stdout=(out := _Out()))
    pickup.refresh_from_db()
    assert pickup.status == S.PACKED and out.text == "Marked 0 kit(s) not collected.\n"

    backdate(pickup, S.PACKED, days=28)
    call_command("mark_not_collected", "--dry-run", stdout=(out := _Out()))
    assert out.text == f"{pickup.code}\n1 kit(s) would be marked not collected.\n"
    pickup.refresh_from_db()
    assert pickup.status == S.PACKED
    with django_capture_on_commit_callbacks(execute=True):
        call_command("mark_not_collected", stdout=(out := _Out()))
    assert out.text == "Marked 1 kit(s) not collected.\n"

    pickup.refresh_from_db()
    assert pickup.status == S.NOT_COLLECTED
    change = pickup.history.latest("at")
    assert (change.by, change.reason) == (None, "Niet opgehaald binnen 4 weken.")
    # Kits of the other methods, packed as long ago, are left alone.
    backdate(kits["post"], S.PACKED, days=60)
    backdate(kits["delivery"], S.PACKED, days=60)
    call_command("mark_not_collected", "--dry-run", stdout=(out := _Out()))
    assert out.text == "0 kit(s) would be marked not collected.\n"
    call_command("mark_not_collected", stdout=_Out())
    kits["post"].refresh_from_db()
    kits["delivery"].refresh_from_db()
    assert (kits["post"].status, kits["delivery"].status) == (S.PACKED, S.PACKED)

    # The nurse heard once, in her language: the code and a link, nothing of the family.
    message, = mail.outbox
    assert message.to == [referrer.email]
    assert message.subject == f"Referral {pickup.code}: kit not collected"
    assert f"/referrals/{pickup.code}/" in message.body
    for private in ("Ophaler", "Samira", "Dorpsstraat", "Bibliotheek"):
        assert private not in message.body
    # On her page the history says it was the application's doing.
    page = _nurse_page(referrer, pickup)
    assert "automatically" in page or "automatisch" in page


def _nurse_page(referrer, referral) -> str:
    from django.test import Client

    client = Client()
    client.force_login(referrer)
    return client.get(f"/referrals/{referral.code}/").content.decode()


class _Out:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def test_a_kit_collected_before_the_command_runs_is_left_as_recorded(kits, warehouse_user):
    pickup = kits["pickup"]
    backdate(pickup, S.PACKED, days=40)
    due = list(pick_lists.not_collected_in_time())
    pick_lists.record_collected(referral=pickup, user=warehouse_user)
    # As if the command had read the list just before the volunteer's tap.
    from unittest import mock

    with mock.patch.object(pick_lists, "not_collected_in_time", return_value=_Due(due)):
        assert pick_lists.mark_not_collected() == []
    pickup.refresh_from_db()
    assert pickup.status == S.COLLECTED


class _Due(list):
    def order_by(self, *fields):
        return self


def test_the_list_knows_its_kits_still_after_one_was_not_collected(kits, warehouse_user):
    pick_lists.record_not_collected(referral=kits["pickup"], user=warehouse_user,
                                    reason="Punt was dicht")
    assert PickList.objects.get().entries.filter(removed_at__isnull=True).count() == 3
    assert kits["pickup"].history.latest("at").reason == "Punt was dicht"


# --- retention: collected and shipped are closed, as delivered ----------------------------------


def test_collected_and_shipped_kits_are_anonymised_a_year_after_with_the_tracking_number(
        kits, warehouse_user, settings):
    from logistics.referrals import retention

    pickup = pick_lists.record_collected(referral=kits["pickup"], user=warehouse_user)
    post = pick_lists.record_shipped(referral=kits["post"], user=warehouse_user,
                                     tracking_number="3SABC")
    not_yet = timezone.localdate() + datetime.timedelta(
        days=settings.RETENTION_AFTER_DELIVERY_DAYS - 1)
    assert not retention.due_for_anonymising(not_yet).exists()
    due = timezone.localdate() + datetime.timedelta(days=settings.RETENTION_AFTER_DELIVERY_DAYS)
    assert set(retention.due_for_anonymising(due).values_list("code", flat=True)) == {
        pickup.code, post.code}
    retention.anonymise_due(today=due)
    for referral in (pickup, post):
        referral.refresh_from_db()
        assert referral.anonymised and referral.parent_last_name == ""
        assert referral.delivered_in_time is True
    assert post.tracking_number == ""
    # What the statistics need stays: the method and the point.
    assert (pickup.delivery_method, pickup.pickup_point_id) == ("pickup", kits[
        "pickup"].pickup_point_id)
