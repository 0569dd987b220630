"""The follow-up kit from one referral (issue 16 point 2, DESIGN §4): planned when the first kit
reaches the family, waiting as *planned* until its time window opens, then approved on the
first decision or sent back to the referrer to check the income, as the policy says; stopped by
the referrer; its own code, history and delivery, linked both ways to the first."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.db.models import F
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from eligibility.models import FollowUpDecision, Policy
from logistics.distribution import services as distribution
from logistics.models import (
    KitType,
    Referral,
    ReferralMail,
    ReferralMailSettings,
    ReferralStatus,
    ReferralStatusChange,
    Reservation,
    StockLevel,
)
from logistics.referrals import follow_ups, notifications, services
from logistics.statistics import exports, figures
from logistics.stock import services as stock
from startpakket.roles import Role
from tests.factories import UserFactory, WarehouseFactory, kit_with, make_referral, stock_for_kits
from tests.helpers import approved_kits, kit_requirements, referral_payload

pytestmark = pytest.mark.django_db

S = ReferralStatus
FIRST_KIT, FOLLOW_UP_KIT = "start-50-68", "vervolg-74-92"
# 10:00 in Amsterdam (winter time).
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock(monkeypatch):
    """The time the application sees (``timezone.now``, and so ``localdate``, the history's
    times and the stock ledger's); moved on with ``clock.to(day)``."""

    class Clock:
        now = START

        def to(self, day: datetime.date, hour: int = 9):
            self.now = datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)

        @property
        def today(self) -> datetime.date:
            return timezone.localdate()

    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


class People:
    def __init__(self):
        self.warehouse = WarehouseFactory()
        self.volunteer = UserFactory(role=Role.WAREHOUSE, organisation=self.warehouse)
        self.referrer = UserFactory(role=Role.REFERRER)
        self.coordinator = UserFactory(role=Role.COORDINATOR)

    def page(self, user) -> Client:
        """A browser, logged in now (a session does not outlive months of moved time)."""
        client = Client()
        client.force_login(user)
        return client

    def api(self, user) -> APIClient:
        client = APIClient()
        client.force_login(user)
        return client


@pytest.fixture
def people(db):
    return People()


def urgency_on_page(people, user, code) -> str:
    """The urgency the referral's page shows (``rules.urgency``, "" for a kit not under way)."""
    response = people.page(user).get(f"/referrals/{code}/")
    assert response.status_code == 200
    return response.context["urgency"]


def urgency_in_list(people, user, code) -> str:
    response = people.page(user).get("/referrals/")
    rows = {row.referral.code: row.urgency for row in response.context["rows"]}
    return rows[code]


def deliver_on_page(people, referral) -> None:
    response = people.page(people.volunteer).post(
        f"/referrals/{referral.code}/deliver/",
        {"delivered_on": timezone.localdate().isoformat(), "next": "deliveries"})
    assert response.status_code == 302, response.content


def pack_a_list(people, expected: list[str]) -> None:
    api = people.api(people.volunteer)
    made = api.post("/api/v1/pick-lists/", {"warehouse": people.warehouse.code}, format="json")
    assert made.status_code == 201, made.json()
    assert made.json()["referrals"] == expected
    packed = api.post(f"/api/v1/pick-lists/{made.json()['id']}/packed/", {}, format="json")
    assert packed.status_code == 200 and packed.json()["packed"] == expected


def test_one_family_from_one_referral_to_both_kits_delivered(
        people, clock, django_capture_on_commit_callbacks):
    """The issue's "done when": one referral, the first kit delivered, the follow-up planned,
    opened months later and delivered, with each kit's urgency right at every step."""
    stock_for_kits(people.warehouse, 1, FIRST_KIT, user=people.coordinator)
    stock_for_kits(people.warehouse, 1, FOLLOW_UP_KIT, user=people.coordinator)
    day0 = clock.today
    due = day0 + datetime.timedelta(days=100)

    # The nurse refers the family once.
    made = people.api(people.referrer).post(
        "/api/v1/referrals/", referral_payload(due_date=due.isoformat()), format="json")
    assert made.status_code == 201, made.json()
    code = made.json()["code"]
    assert made.json()["follows"] is None and made.json()["follow_up"] is None
    # The first kit: from 16 weeks before the due date (open already) to 6 weeks before it,
    # 58 days away.
    assert urgency_on_page(people, people.referrer, code) == ""
    approved = people.api(people.coordinator).post(
        f"/api/v1/referrals/{code}/approve/", {"warehouse": people.warehouse.code},
        format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"

    # 50 days on, eight days before its deliver-by day: at risk, packed and delivered.
    clock.to(day0 + datetime.timedelta(days=50))
    assert urgency_on_page(people, people.referrer, code) == "at_risk"
    assert urgency_in_list(people, people.coordinator, code) == "at_risk"
    pack_a_list(people, [code])
    with django_capture_on_commit_callbacks(execute=True):
        deliver_on_page(people, Referral(code=code))
    first = Referral.objects.get(code=code)
    assert first.status == S.DELIVERED
    assert urgency_on_page(people, people.referrer, code) == ""

    # The follow-up is planned for the same family, typed by nobody.
    follow_up = first.follow_up
    assert follow_up.follows == first and follow_up.code != code
    assert follow_up.status == S.PLANNED
    assert follow_up.kit_type.code == FOLLOW_UP_KIT
    assert (follow_up.parent_last_name, follow_up.postcode, follow_up.due_date,
            follow_up.organisation, follow_up.referred_by) == (
        first.parent_last_name, first.postcode, due, first.organisation, first.referred_by)
    # Its window: three to six months after the birth, not "late" as against the first kit's.
    assert follow_up.window_opens == due + datetime.timedelta(weeks=13)
    assert follow_up.deliver_by == due + datetime.timedelta(weeks=26)
    assert [(change.from_status, change.to_status, change.by)
            for change in follow_up.history.all()] == [("", S.PLANNED, people.volunteer)]
    assert [message.subject for message in mail.outbox
            if follow_up.code in message.subject] == [
        f"Vervolgpakket {follow_up.code} gepland"]
    # Planned is visible to the nurse and the coordinator, with nothing urgent about it, and
    # is no work for anyone yet.
    assert urgency_in_list(people, people.referrer, follow_up.code) == ""
    assert urgency_on_page(people, people.coordinator, follow_up.code) == ""
    nurse = people.api(people.referrer)
    assert nurse.get(f"/api/v1/referrals/{code}/").json()["follow_up"] == follow_up.code
    seen = nurse.get(f"/api/v1/referrals/{follow_up.code}/").json()
    assert (seen["status"], seen["follows"], seen["actions"]) == ("planned", code, ["stop"])
    listed = {row["code"]: row for row in nurse.get("/api/v1/referrals/").json()["results"]}
    assert (listed[code]["follow_up"], listed[follow_up.code]["follows"]) == (
        follow_up.code, code)
    queue = people.page(people.coordinator).get("/referrals/queue/")
    assert follow_up.code not in queue.content.decode()
    assert people.page(people.volunteer).get(
        f"/referrals/{follow_up.code}/").status_code == 404
    nothing = people.api(people.volunteer).post(
        "/api/v1/pick-lists/", {"warehouse": people.warehouse.code}, format="json")
    assert nothing.status_code == 409
    assert follow_ups.open_follow_ups() == []

    # The day its window opens: the decision about the first kit (today 191 days old, the
    # default policy carries it over for 9 months) approves it at once, at the same warehouse.
    clock.to(follow_up.window_opens, hour=2)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("open_follow_ups", verbosity=0)
    follow_up.refresh_from_db()
    assert follow_up.status == S.APPROVED and follow_up.warehouse == people.warehouse
    last = follow_up.history.last()
    assert (last.from_status, last.by, last.reason) == (
        S.PLANNED, people.coordinator, f"Goedgekeurd op het besluit over {code}.")
    assert f"Vervolgpakket {follow_up.code}: goedgekeurd" in [m.subject for m in mail.outbox]
    assert urgency_on_page(people, people.referrer, follow_up.code) == ""
    assert follow_ups.open_follow_ups() == []  # a second run opens nothing twice

    # A week before its deliver-by day, six months after the birth: at risk, then delivered.
    clock.to(follow_up.deliver_by - datetime.timedelta(days=7))
    assert urgency_on_page(people, people.referrer, follow_up.code) == "at_risk"
    assert urgency_in_list(people, people.coordinator, follow_up.code) == "at_risk"
    pack_a_list(people, [follow_up.code])
    delivered = people.api(people.volunteer).post(
        f"/api/v1/referrals/{follow_up.code}/deliver/", {}, format="json")
    assert delivered.status_code == 200 and delivered.json()["status"] == "delivered"
    follow_up.refresh_from_db()
    assert follow_up.delivered_on == clock.today
    assert urgency_on_page(people, people.referrer, follow_up.code) == ""
    # The follow-up kit type names no follow-up of its own: the family's kits end here.
    assert not Referral.objects.filter(follows=follow_up).exists()
    assert Referral.objects.filter(organisation=first.organisation).count() == 2
    # Each kit keeps its own history.
    assert [change.to_status for change in first.history.all()] == [
        S.SUBMITTED, S.APPROVED, S.SCHEDULED, S.PACKED, S.DELIVERED]
    assert [change.to_status for change in follow_up.history.all()] == [
        S.PLANNED, S.APPROVED, S.SCHEDULED, S.PACKED, S.DELIVERED]


# Planning


def delivered_first(people, **overrides) -> Referral:
    """A first kit delivered today, through the services."""
    (referral,) = approved_kits(people.warehouse, people.coordinator, people.referrer, 1,
                                **overrides)
    pick_list = distribution.create_pick_list(warehouse=people.warehouse, user=people.volunteer)
    distribution.pack(pick_list=pick_list, user=people.volunteer)
    return distribution.record_delivery(referral=referral, user=people.volunteer)


def test_planning_is_idempotent(people):
    first = delivered_first(people)
    planned = first.follow_up
    assert follow_ups.plan_follow_up(first=first, user=people.coordinator) == planned
    assert Referral.objects.filter(follows=first).count() == 1
    # Nor can anything else give a first kit a second follow-up: the link is one to one.
    other = make_referral(people.referrer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=other.pk).update(follows=first)


def test_no_follow_up_when_the_kit_type_names_none_or_an_inactive_one(people):
    KitType.objects.filter(code=FIRST_KIT).update(follow_up=None)
    assert not Referral.objects.filter(follows=delivered_first(people)).exists()

    KitType.objects.filter(code=FIRST_KIT).update(
        follow_up=KitType.objects.get(code=FOLLOW_UP_KIT))
    KitType.objects.filter(code=FOLLOW_UP_KIT).update(is_active=False)
    assert not Referral.objects.filter(follows=delivered_first(people)).exists()


def test_the_shipped_first_kit_names_the_shipped_follow_up_kit(db):
    assert KitType.objects.get(code=FIRST_KIT).follow_up.code == FOLLOW_UP_KIT
    assert KitType.objects.get(code=FOLLOW_UP_KIT).follow_up is None


def test_a_chain_of_follow_ups_may_not_lead_back(db):
    first, second = KitType.objects.get(code=FIRST_KIT), KitType.objects.get(code=FOLLOW_UP_KIT)
    second.follow_up = first
    with pytest.raises(ValidationError) as error:
        second.full_clean()
    assert "follow_up" in error.value.error_dict
    itself = kit_with([])
    itself.follow_up = itself
    with pytest.raises(ValidationError):
        itself.full_clean()


def test_a_failed_delivery_plans_nothing(people):
    (referral,) = approved_kits(people.warehouse, people.coordinator, people.referrer, 1)
    pick_list = distribution.create_pick_list(warehouse=people.warehouse, user=people.volunteer)
    distribution.pack(pick_list=pick_list, user=people.volunteer)
    distribution.record_failed_delivery(referral=referral, user=people.volunteer,
                                        reason="Niet thuis")
    assert not Referral.objects.filter(follows=referral).exists()


# Stopping


def test_the_nurse_stops_a_planned_follow_up_with_a_reason(people):
    follow_up = delivered_first(people).follow_up
    page = people.page(people.referrer)
    shown = page.get(f"/referrals/{follow_up.code}/")
    assert f'action="/referrals/{follow_up.code}/stop/"' in shown.content.decode()
    assert "cancel" not in shown.context["forms"]

    no_reason = page.post(f"/referrals/{follow_up.code}/stop/", {"reason": "  "})
    assert no_reason.status_code == 200 and no_reason.context["forms"]["stop"].errors["reason"]
    follow_up.refresh_from_db()
    assert follow_up.status == S.PLANNED

    stopped = page.post(f"/referrals/{follow_up.code}/stop/", {"reason": "Gezin verhuisd"})
    assert stopped.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.status == S.CANCELLED
    change = follow_up.history.last()
    assert (change.from_status, change.by, change.reason) == (
        S.PLANNED, people.referrer, "Gezin verhuisd")
    shown = page.get(f"/referrals/{follow_up.code}/")
    assert shown.context["ending"] == change
    assert "Waarom het vervolgpakket is gestopt" in shown.content.decode()
    assert "stop" not in shown.context["forms"]
    # Stopped, it never opens.
    assert follow_ups.open_follow_ups(today=follow_up.window_opens) == []


def test_stopping_through_the_api_and_who_may(people):
    follow_up = delivered_first(people).follow_up
    other_referrer = UserFactory(role=Role.REFERRER)
    url = f"/api/v1/referrals/{follow_up.code}/stop/"
    assert people.api(other_referrer).post(url, {"reason": "x"}, format="json"
                                           ).status_code == 404
    assert people.page(other_referrer).post(f"/referrals/{follow_up.code}/stop/",
                                            {"reason": "x"}).status_code == 404
    assert people.api(people.volunteer).post(url, {"reason": "x"}, format="json"
                                             ).status_code == 403
    assert people.page(people.volunteer).post(f"/referrals/{follow_up.code}/stop/",
                                              {"reason": "x"}).status_code == 403
    nurse = people.api(people.referrer)
    missing = nurse.post(url, {}, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()["errors"]
    # Cancel is not the way to end a planned kit.
    cancel = nurse.post(f"/api/v1/referrals/{follow_up.code}/cancel/", {"reason": "x"},
                        format="json")
    assert cancel.status_code == 409 and cancel.json()["code"] == "stop_instead"
    done = nurse.post(url, {"reason": "Wil het niet"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "cancelled"
    again = nurse.post(url, {"reason": "Wil het niet"}, format="json")
    assert again.status_code == 409


def test_a_coordinator_may_stop_it_too_but_not_decide_it_early(people):
    follow_up = delivered_first(people).follow_up
    coordinator = people.api(people.coordinator)
    seen = coordinator.get(f"/api/v1/referrals/{follow_up.code}/").json()
    assert seen["actions"] == ["stop"]
    for action, body in (("approve", {}), ("ask", {"reason": "?"}), ("reject", {"reason": "x"}),
                         ("override", {"outcome": "eligible", "reason": "x"})):
        refused = coordinator.post(f"/api/v1/referrals/{follow_up.code}/{action}/", body,
                                   format="json")
        assert refused.status_code == 409, action
    follow_up.refresh_from_db()
    assert follow_up.status == S.PLANNED and follow_up.reservation is None
    assert coordinator.post(f"/api/v1/referrals/{follow_up.code}/stop/",
                            {"reason": "Dubbel"}, format="json").status_code == 200


def test_a_planned_kit_goes_on_no_pick_list(people):
    follow_up = delivered_first(people).follow_up
    stock_for_kits(people.warehouse, 1, FOLLOW_UP_KIT, user=people.coordinator)
    with pytest.raises(distribution.NothingToSchedule):
        distribution.create_pick_list(warehouse=people.warehouse, user=people.volunteer)
    follow_up.refresh_from_db()
    assert follow_up.status == S.PLANNED


# Opening, as the policy says


def set_policy(decision: str, months: int = 9) -> None:
    for policy in Policy.objects.all():  # saved one by one, as the admin does
        policy.follow_up_decision, policy.carry_over_months = decision, months
        policy.save()


def test_carry_over_within_the_months_approves_at_the_first_kits_warehouse(
        people, django_capture_on_commit_callbacks):
    set_policy(FollowUpDecision.CARRY_OVER, months=9)
    stock_for_kits(people.warehouse, 1, FOLLOW_UP_KIT, user=people.coordinator)
    # Another active warehouse: the default would be ambiguous, the first kit's is not.
    WarehouseFactory()
    follow_up = delivered_first(people).follow_up
    with django_capture_on_commit_callbacks(execute=True):
        opened = follow_ups.open_follow_ups(today=follow_up.window_opens)
    assert [referral.code for referral in opened] == [follow_up.code]
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.warehouse) == (S.APPROVED, people.warehouse)
    assert Reservation.objects.get(referral=follow_up).kit_type.code == FOLLOW_UP_KIT


def test_carry_over_past_the_months_asks_the_nurse_to_check_the_income(
        people, django_capture_on_commit_callbacks):
    # The follow-up's window opens some 6 months after the check: older than 5 months.
    set_policy(FollowUpDecision.CARRY_OVER, months=5)
    follow_up = delivered_first(people).follow_up
    opened_on = follow_up.window_opens
    assert not follow_ups.decision_holds(services.checked_on(follow_up), 5, opened_on)
    follow_ups.open_follow_ups(today=opened_on)
    follow_up.refresh_from_db()
    assert follow_up.status == S.NEEDS_INFO and follow_up.reservation is None


def test_the_months_are_counted_to_the_day():
    checked = datetime.date(2026, 1, 31)
    assert follow_ups.decision_holds(checked, 9, datetime.date(2026, 10, 30))
    assert not follow_ups.decision_holds(checked, 9, datetime.date(2026, 10, 31))


def test_recheck_sends_it_to_the_nurse_who_corrects_the_income(
        people, django_capture_on_commit_callbacks):
    set_policy(FollowUpDecision.RECHECK)
    stock_for_kits(people.warehouse, 1, FOLLOW_UP_KIT, user=people.coordinator)
    follow_up = delivered_first(people).follow_up
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        follow_ups.open_follow_ups(today=follow_up.window_opens)
    follow_up.refresh_from_db()
    assert follow_up.status == S.NEEDS_INFO and follow_up.reservation is None
    question = follow_up.history.last()
    assert (question.from_status, question.by) == (S.PLANNED, None)
    assert "inkomen" in question.reason
    # Only the nurse hears of it; nothing waits for the coordinators yet.
    assert [message.to for message in mail.outbox] == [[people.referrer.email]]
    assert mail.outbox[0].subject == f"Vervolgpakket {follow_up.code}: informatie nodig"
    assert follow_up.code not in people.page(people.coordinator).get(
        "/referrals/queue/").content.decode()

    # The nurse sees the question on her home page and the referral's page, and corrects the
    # income on the usual correction form; the check runs again on it.
    page = people.page(people.referrer)
    assert follow_up.code in page.get("/").content.decode()
    shown = page.get(f"/referrals/{follow_up.code}/").content.decode()
    assert "Voordat het vervolgpakket wordt verstuurd" in shown and question.reason in shown
    form = page.get(f"/referrals/{follow_up.code}/edit/")
    assert form.status_code == 200 and form.context["question"] == question
    data = {"answer": "Nieuw loon sinds de geboorte", "income_wages": "1.350,00"}
    for field in form.context["form"]:
        value = field.value()
        if field.html_name not in data and not (value is None or value is False
                                                or value == ""):
            data[field.html_name] = "on" if value is True else str(value)
    checked = page.post(f"/referrals/{follow_up.code}/edit/", {**data, "check": "1"})
    sent = page.post(f"/referrals/{follow_up.code}/edit/",
                     {**data, "refer": "1", "checked": checked.context["checked"]})
    assert sent.status_code == 302, (sent.context["form"].errors, data)
    follow_up.refresh_from_db()
    assert follow_up.status == S.SUBMITTED
    assert follow_up.incomes == [{"kind": "wages", "amount": "1350.00"}]
    assert services.checked_on(follow_up) == timezone.localdate()
    assert follow_up.code in people.page(people.coordinator).get(
        "/referrals/queue/").content.decode()


def test_carry_over_with_too_little_stock_waits_for_a_coordinator(
        people, django_capture_on_commit_callbacks):
    set_policy(FollowUpDecision.CARRY_OVER)
    follow_up = delivered_first(people).follow_up
    # Everything of the follow-up kit in stock but its last item.
    needed = list(kit_requirements(FOLLOW_UP_KIT).items())
    stock.receive(warehouse=people.warehouse, lines=dict(needed[:-1]), user=people.coordinator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        follow_ups.open_follow_ups(today=follow_up.window_opens)
    follow_up.refresh_from_db()
    assert follow_up.status == S.SUBMITTED and follow_up.reservation is None
    note = follow_up.history.last()
    assert note.by is None and "voorraad" in note.reason.lower()
    # Nothing half reserved.
    assert not Reservation.objects.filter(kit_type__code=FOLLOW_UP_KIT).exists()
    assert not StockLevel.objects.filter(warehouse=people.warehouse, reserved__gt=0).exists()
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert people.coordinator.email in recipients and people.referrer.email in recipients
    # Waiting for her as any referral, but not as a possible duplicate of its own first kit;
    # another family's referral at the same address still is one.
    coordinator = people.api(people.coordinator)
    assert coordinator.get(f"/api/v1/referrals/{follow_up.code}/").json()[
        "possible_duplicate"] is False
    page = people.page(people.coordinator).get(f"/referrals/{follow_up.code}/")
    assert list(page.context["duplicates"]) == []
    twin = make_referral(UserFactory(role=Role.REFERRER), due_date=follow_up.due_date)
    flags = {row["code"]: row["possible_duplicate"]
             for row in coordinator.get("/api/v1/referrals/?status=all").json()["results"]}
    assert flags[follow_up.code] is True and flags[twin.code] is True
    assert flags[follow_up.follows.code] is True
    # The coordinator decides it as any referral once stock is in.
    stock_for_kits(people.warehouse, 1, FOLLOW_UP_KIT, user=people.coordinator)
    services.approve_referral(referral=follow_up, user=people.coordinator,
                              warehouse=people.warehouse)
    follow_up.refresh_from_db()
    assert follow_up.status == S.APPROVED


def test_an_opened_follow_up_comes_in_as_new_in_the_coordinators_digest(people):
    follow_up = delivered_first(people).follow_up  # no follow-up kits in stock: it waits
    notifications.set_mail_choice(user=people.coordinator, choice=ReferralMail.DIGEST)
    follow_ups.open_follow_ups(today=follow_up.window_opens)
    ago = datetime.timedelta(minutes=10)
    ReferralMailSettings.objects.update(digest_up_to=F("digest_up_to") - ago)
    ReferralStatusChange.objects.update(at=F("at") - ago)
    mail.outbox.clear()
    call_command("send_digest", verbosity=0)
    (digest,) = mail.outbox
    assert "1 nieuwe aanmelding:" in digest.body and follow_up.code in digest.body
    assert "beantwoord of gecorrigeerd:" not in digest.body


def test_nothing_opens_before_its_window(people):
    follow_up = delivered_first(people).follow_up
    the_day_before = follow_up.window_opens - datetime.timedelta(days=1)
    assert follow_ups.open_follow_ups(today=the_day_before) == []
    # Nor when asked for this one by name (a run that listed it before its window moved).
    assert follow_ups.open_follow_up(follow_up, today=the_day_before) is None
    follow_up.refresh_from_db()
    assert follow_up.status == S.PLANNED


# Statistics: a planned follow-up is not referred until it opens.


def test_a_follow_up_is_referred_when_it_opens_not_when_planned(people, clock):
    stock_for_kits(people.warehouse, 1, FOLLOW_UP_KIT, user=people.coordinator)
    first = delivered_first(people, due_date=clock.today + datetime.timedelta(days=100))
    stopped = delivered_first(people, due_date=clock.today + datetime.timedelta(days=101))
    follow_up = first.follow_up
    march, april = figures.Period.parse("2026-03"), figures.Period.parse("2026-04")
    opened_in = figures.Period.month(follow_up.window_opens)
    assert figures.distribution(march, ()).totals == {
        "referred": 2, "approved": 2, "rejected": 0, "cancelled": 0, "delivered": 2,
        "delivered_in_time": 2}
    by_status = figures.status_counts(march)
    assert by_status["delivered"] == 2 and "planned" not in by_status
    assert figures.status_counts()["submitted"] == 0  # nor when all are counted

    # Stopped while planned: never referred, so not cancelled either.
    clock.to(datetime.date(2026, 4, 15))
    follow_ups.stop_follow_up(referral=stopped.follow_up, user=people.referrer,
                              reason="Verhuisd")
    assert figures.distribution(april, ()).totals["cancelled"] == 0
    assert figures.distribution(april, ()).totals["referred"] == 0

    # Opened (and approved on the first decision) in the month its window opens: referred and
    # approved there, the same day.
    clock.to(follow_up.window_opens, hour=2)
    follow_ups.open_follow_ups()
    totals = figures.distribution(opened_in, ()).totals
    assert (totals["referred"], totals["approved"]) == (1, 1)
    assert figures.distribution(march, ()).totals["referred"] == 2
    assert figures.status_counts(opened_in)["approved"] == 1
    assert figures.median_days_to(S.APPROVED, opened_in) == 0
    rows = {row[5]: row for row in exports.research_rows(period=opened_in)}
    assert list(rows) == ["approved"]
    columns = exports.RESEARCH_COLUMNS
    assert rows["approved"][columns.index("referred_month")] == f"{follow_up.window_opens:%Y-%m}"
    assert len(list(exports.research_rows())) == 3  # the two first kits and the opened one
