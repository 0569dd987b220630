"""Retention (logistics.referrals.retention, manage.py anonymise_referrals): closed referrals lose
the family's details once their period has passed, everywhere a copy was kept, and the
statistics stay right."""

import datetime
import io
from decimal import Decimal

import phonenumbers
import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from eligibility import rules
from logistics.management.commands.anonymise_referrals import Command as AnonymiseReferrals
from logistics.models import Referral, ReferralStatus, ReferralStatusChange
from logistics.referrals import retention, services
from logistics.referrals import selectors as referral_selectors
from startpakket.models import IdempotencyKey
from tests.factories import make_referral, stock_for_kits
from tests.helpers import move_due_date

pytestmark = pytest.mark.django_db

S = ReferralStatus
DELIVERY_DAYS, CLOSING_DAYS = 365, 92


def today() -> datetime.date:
    return timezone.localdate()


def deliver(referral: Referral, user) -> Referral:
    """Delivered the short way: the status and its history row, as the delivery service writes
    them (the real path, pick list → packed → delivered, is the last test here)."""
    ReferralStatusChange.objects.create(referral=referral, from_status=referral.status,
                                        to_status=S.DELIVERED, by=user)
    Referral.objects.filter(pk=referral.pk).update(status=S.DELIVERED)
    referral.refresh_from_db()
    return referral


def closed_days_ago(referral: Referral, days: int) -> Referral:
    """Move the change into the referral's current status back to noon, ``days`` days ago."""
    noon = timezone.make_aware(datetime.datetime.combine(
        today() - datetime.timedelta(days=days), datetime.time(12)))
    assert referral.history.filter(to_status=referral.status).update(at=noon) == 1
    return referral


def anonymise_referrals(*args) -> str:
    out = io.StringIO()
    call_command("anonymise_referrals", *args, stdout=out)
    return out.getvalue()


def dump_everything() -> str:
    """Every row of every table, as ``dumpdata`` writes it."""
    out = io.StringIO()
    call_command("dumpdata", all=True, stdout=out)
    return out.getvalue()


def raw_rows() -> str:
    """Every value of every table as the database holds it (dumpdata formats some, such as
    the phone), tables without a model included."""
    values = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                values.extend(bytes(value).decode(errors="replace")
                              if isinstance(value, bytes | memoryview) else str(value)
                              for value in row)
    return "\n".join(values)


@pytest.fixture
def stocked(warehouse, coordinator):
    stock_for_kits(warehouse, 5, user=coordinator)
    return warehouse


@pytest.fixture
def delivered(referrer, coordinator, stocked):
    """``delivered(days_ago, **fields)``: a referral approved and delivered that many days ago."""

    def make(days: int, **fields) -> Referral:
        referral = make_referral(referrer, **fields)
        services.approve_referral(referral=referral, user=coordinator)
        return closed_days_ago(deliver(referral, coordinator), days)

    return make


def rejected(referrer, coordinator, days: int, reason="Inkomen te hoog.") -> Referral:
    referral = services.reject_referral(referral=make_referral(referrer), user=coordinator,
                                        reason=reason)
    return closed_days_ago(referral, days)


def cancelled(referrer, days: int, reason="Verhuisd.") -> Referral:
    referral = services.cancel_referral(referral=make_referral(referrer), user=referrer,
                                        reason=reason)
    return closed_days_ago(referral, days)


def due_codes() -> set[str]:
    return set(retention.due_for_anonymising(today()).values_list("code", flat=True))


# --- when --------------------------------------------------------------------------------------

def test_a_delivered_referral_is_anonymised_a_year_after_delivery_not_a_day_before(delivered):
    old, young = delivered(DELIVERY_DAYS), delivered(DELIVERY_DAYS - 1)

    assert due_codes() == {old.code}
    assert anonymise_referrals() == "Anonymised 1 referral(s).\n"

    old.refresh_from_db()
    young.refresh_from_db()
    assert old.anonymised and old.parent_last_name == ""
    assert not young.anonymised and young.parent_last_name == "Bakker"


def test_rejected_and_cancelled_referrals_are_anonymised_after_three_months(referrer,
                                                                          coordinator):
    old_rejected = rejected(referrer, coordinator, CLOSING_DAYS)
    old_cancelled = cancelled(referrer, CLOSING_DAYS + 30)
    young_rejected = rejected(referrer, coordinator, CLOSING_DAYS - 1)
    young_cancelled = cancelled(referrer, CLOSING_DAYS - 1)

    assert due_codes() == {old_rejected.code, old_cancelled.code}
    anonymise_referrals()

    assert {r.code for r in Referral.objects.filter(anonymised_at__isnull=False)} == {
        old_rejected.code, old_cancelled.code}
    for young in (young_rejected, young_cancelled):
        young.refresh_from_db()
        assert young.parent_first_name == "Samira" and young.phone is not None


def test_open_referrals_wait_however_old(referrer, coordinator, stocked):
    submitted = make_referral(referrer)
    approved = services.approve_referral(referral=make_referral(referrer), user=coordinator)
    asked = services.ask_for_information(referral=make_referral(referrer), user=coordinator,
                                         reason="Partner?")
    ReferralStatusChange.objects.update(at=timezone.now() - datetime.timedelta(days=1000))

    assert due_codes() == set()
    assert anonymise_referrals() == "Anonymised 0 referral(s).\n"
    for referral in (submitted, approved, asked):
        referral.refresh_from_db()
        assert not referral.anonymised


@override_settings(RETENTION_AFTER_DELIVERY_DAYS=30, RETENTION_AFTER_CLOSING_DAYS=7)
def test_the_periods_are_settings(delivered, referrer, coordinator):
    after_delivery, too_young = delivered(30), delivered(29)
    after_rejection = rejected(referrer, coordinator, 7)

    assert due_codes() == {after_delivery.code, after_rejection.code}
    assert too_young.code not in due_codes()


def test_the_moment_is_the_change_into_the_closed_status(delivered):
    """An old referral delivered recently waits: the delivery counts, not the referral's age."""
    referral = delivered(10)
    referral.history.exclude(to_status=S.DELIVERED).update(
        at=timezone.now() - datetime.timedelta(days=2 * DELIVERY_DAYS))
    Referral.objects.filter(pk=referral.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=2 * DELIVERY_DAYS))

    assert due_codes() == set()


# --- the command -------------------------------------------------------------------------------

def test_a_dry_run_lists_codes_status_and_closing_day_and_changes_nothing(delivered, referrer,
                                                                          coordinator):
    referral = delivered(DELIVERY_DAYS + 3)
    other = rejected(referrer, coordinator, CLOSING_DAYS + 1)
    before = dump_everything()

    output = anonymise_referrals("--dry-run")

    closed = (today() - datetime.timedelta(days=DELIVERY_DAYS + 3)).isoformat()
    other_closed = (today() - datetime.timedelta(days=CLOSING_DAYS + 1)).isoformat()
    assert output.splitlines() == [
        f"{referral.code}  delivered  closed on {closed}",
        f"{other.code}  rejected  closed on {other_closed}",
        "2 referral(s) would be anonymised.",
    ]
    assert "Samira" not in output and "Bakker" not in output
    assert dump_everything() == before


def test_a_real_run_lists_the_codes_when_asked(delivered):
    referral = delivered(DELIVERY_DAYS)

    output = anonymise_referrals("--verbosity", "2")

    assert output.splitlines()[0].startswith(f"{referral.code}  delivered  closed on ")
    assert output.splitlines()[-1] == "Anonymised 1 referral(s)."


def test_running_twice_changes_nothing_the_second_time(delivered, referrer, coordinator):
    delivered(DELIVERY_DAYS)
    rejected(referrer, coordinator, CLOSING_DAYS)
    anonymise_referrals()
    after_first = dump_everything()

    assert anonymise_referrals() == "Anonymised 0 referral(s).\n"
    assert anonymise_referrals("--dry-run") == "0 referral(s) would be anonymised.\n"
    assert dump_everything() == after_first


def test_the_help_says_to_run_it_daily_from_cron():
    parser = AnonymiseReferrals().create_parser("manage.py", "anonymise_referrals")
    text = " ".join(parser.format_help().split())
    assert "daily from cron" in text and "--dry-run" in text
    assert "RETENTION_AFTER_DELIVERY_DAYS (now 365)" in text


# --- the service -------------------------------------------------------------------------------

def test_anonymise_refuses_a_referral_that_is_not_due_and_does_it_only_once(delivered):
    young, old = delivered(DELIVERY_DAYS - 1), delivered(DELIVERY_DAYS)

    with pytest.raises(retention.NotDue):
        retention.anonymise(young, today=today())
    assert retention.anonymise(old, today=today()) is True
    assert retention.anonymise(old, today=today()) is False

    young.refresh_from_db()
    assert not young.anonymised and young.street == "Dorpsstraat"
    # Due a day later.
    assert retention.anonymise(young, today=today() + datetime.timedelta(days=1)) is True


@pytest.mark.parametrize("percent, band", [
    (Decimal("87.3"), Decimal("80")), (Decimal("130.0"), Decimal("130")),
    (Decimal("129.99"), Decimal("120")), (Decimal("0"), Decimal("0")), (None, None),
])
def test_the_percentage_of_the_norm_is_kept_as_a_band_of_ten(percent, band):
    assert retention.percent_band(percent) == band


def test_what_goes_and_what_stays(delivered, coordinator):
    due = today() + datetime.timedelta(days=100)
    referral = delivered(
        DELIVERY_DAYS, babies=2, postcode="3511 AB", city="Utrecht", house_number_suffix="bis",
        email="samira@example.org", delivery_notes="Bel twee keer.", language="ar",
        household=rules.Household(applicant_age=31, has_partner=True, partner_age=35,
                                  children=2),
        incomes=(rules.Income("wages", Decimal("1500.00")),
                 rules.Income("child_benefit", Decimal("300.00"))),
    )
    move_due_date([referral], due)
    referral.refresh_from_db()
    kept = {
        "status": referral.status, "organisation": referral.organisation_id,
        "referred_by": referral.referred_by_id, "kit_type": referral.kit_type_id,
        "babies": 2, "language": "ar", "city": "Utrecht", "warehouse": referral.warehouse_id,
        "reservation": referral.reservation_id, "created_at": referral.created_at,
        "outcome": services.outcome_of(referral),
        "category": referral.eligibility["category"],
        "threshold_percent": referral.eligibility["threshold_percent"],
        "norm_valid_from": referral.eligibility["norm_valid_from"],
    }
    percent = services.decision_of(referral).percent_of_norm
    history = list(referral.history.values_list("to_status", "at", "by"))

    retention.anonymise(referral, today=today())
    referral.refresh_from_db()

    assert {
        "status": referral.status, "organisation": referral.organisation_id,
        "referred_by": referral.referred_by_id, "kit_type": referral.kit_type_id,
        "babies": referral.babies, "language": referral.language, "city": referral.city,
        "warehouse": referral.warehouse_id, "reservation": referral.reservation_id,
        "created_at": referral.created_at, "outcome": services.outcome_of(referral),
        "category": referral.eligibility["category"],
        "threshold_percent": referral.eligibility["threshold_percent"],
        "norm_valid_from": referral.eligibility["norm_valid_from"],
    } == kept
    assert referral.postcode == "3511"
    assert referral.due_date == due.replace(day=1)
    # The window's days would tell the due date: they keep their month too.
    assert (referral.window_opens, referral.deliver_by) == (
        (due - datetime.timedelta(weeks=16)).replace(day=1),
        (due - datetime.timedelta(weeks=6)).replace(day=1))
    assert referral.consent_date == today().replace(day=1)
    assert referral.eligibility["checked_on"] == today().replace(day=1).isoformat()
    assert referral.household == {"version": 1, "applicant_age": None, "has_partner": True,
                                  "partner_age": None, "children": 2}
    assert referral.incomes == []
    decision = services.decision_of(referral)  # still reads as a decision
    assert decision.percent_of_norm == retention.percent_band(percent) != percent
    assert (decision.norm, decision.threshold, decision.counted_income,
            decision.excluded_income) == (None, None, None, None)
    assert decision.explanation == () and decision.warnings == ()
    assert (referral.parent_first_name, referral.parent_last_name, referral.phone,
            referral.email, referral.street, referral.house_number,
            referral.house_number_suffix, referral.delivery_notes,
            referral.submission_token) == ("", "", None, "", "", None, "", "", None)
    assert referral.delivered_in_time is True
    assert list(referral.history.values_list("to_status", "at", "by")) == history


def test_whether_the_kit_came_in_time_is_kept_when_the_due_date_loses_its_day(delivered):
    """Delivered 50 and 20 days before the due date: 6 weeks is 42 days."""
    in_time, late = delivered(DELIVERY_DAYS), delivered(DELIVERY_DAYS)
    closed_on = today() - datetime.timedelta(days=DELIVERY_DAYS)
    move_due_date([in_time], closed_on + datetime.timedelta(days=50))
    move_due_date([late], closed_on + datetime.timedelta(days=20))

    anonymise_referrals()

    in_time.refresh_from_db()
    late.refresh_from_db()
    assert (in_time.delivered_in_time, late.delivered_in_time) == (True, False)


def test_rejected_and_cancelled_referrals_keep_no_delivery_flag_and_lose_their_reasons(
        referrer, coordinator):
    referral = make_referral(referrer)
    services.override_eligibility(referral=referral, user=coordinator, outcome="not_eligible",
                                  reason="Mevrouw Bakker heeft een eigen bedrijf.")
    referral = services.reject_referral(referral=referral, user=coordinator,
                                        reason="Mevrouw Bakker verdient te veel.")
    closed_days_ago(referral, CLOSING_DAYS)

    anonymise_referrals()

    referral.refresh_from_db()
    assert referral.delivered_in_time is None
    assert referral.eligibility_override == "not_eligible" and referral.override_reason == ""
    assert services.outcome_of(referral) == "not_eligible"
    assert set(referral.history.values_list("reason", flat=True)) == {""}
    assert list(referral.history.order_by("id").values_list("to_status", flat=True)) == [
        S.SUBMITTED, S.SUBMITTED, S.REJECTED]


def test_anonymised_referrals_are_no_duplicates_of_each_other(delivered):
    """Both keep the postcode's digits and the due month, but no house number to compare."""
    first, second = delivered(DELIVERY_DAYS), delivered(DELIVERY_DAYS)
    anonymise_referrals()

    first.refresh_from_db()
    assert not referral_selectors.possible_duplicates(first).exists()
    flagged = referral_selectors.with_duplicate_flag(Referral.objects.filter(pk__in=[first.pk,
                                                                            second.pk]))
    assert not any(referral.possible_duplicate for referral in flagged)


# --- the audit trail and stored API answers ----------------------------------------------------

def entries_about(referral: Referral):
    types = ContentType.objects.get_for_models(Referral, ReferralStatusChange)
    history = [str(pk) for pk in referral.history.values_list("pk", flat=True)]
    return (LogEntry.objects.filter(content_type=types[Referral], object_pk=str(referral.pk))
            | LogEntry.objects.filter(content_type=types[ReferralStatusChange],
                                      object_pk__in=history))


def test_audit_entries_about_the_referral_lose_the_address_others_keep_it(
        delivered, coordinator, coordinator_client, token_client):
    referral, other = delivered(DELIVERY_DAYS), delivered(DELIVERY_DAYS - 1)
    for each in (referral, other):
        coordinator_client.get(f"/referrals/{each.code}/", REMOTE_ADDR="192.0.2.44")
        token_client(coordinator).get(f"/api/v1/referrals/{each.code}/",
                                      REMOTE_ADDR="192.0.2.44")
    LogEntry.objects.update(remote_addr="192.0.2.44", remote_port=4711)
    reads = entries_about(referral).filter(action=LogEntry.Action.ACCESS)
    assert reads.count() == 2

    anonymise_referrals()

    entries = entries_about(referral)
    assert entries.count() > 2
    assert set(entries.values_list("remote_addr", "remote_port")) == {(None, None)}
    assert [entry.additional_data for entry in reads] == [{"what": "referral viewed"}] * 2
    assert set(entries_about(other).values_list("remote_addr", flat=True)) == {"192.0.2.44"}
    # That it was anonymised is itself in the trail, without values.
    last = entries_about(referral).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert "anonymised_at" in last.changes and last.actor is None


def test_stored_idempotent_answers_with_the_referral_are_deleted(referrer, coordinator,
                                                                token_client):
    api = token_client(referrer)
    created = {}
    for key in ("first", "second"):
        response = api.post("/api/v1/referrals/", {
            "parent_first_name": "Samira", "parent_last_name": "Bakker", "phone": "0612345678",
            "street": "Dorpsstraat", "house_number": 12, "postcode": "3511AB",
            "city": "Utrecht", "due_date": (today() + datetime.timedelta(days=90)).isoformat(),
            "kit_type": "start-50-68", "consent": True,
            "household": {"applicant_age": 30}, "incomes": [],
        }, format="json", HTTP_IDEMPOTENCY_KEY=key)
        assert response.status_code == 201, response.content
        created[key] = Referral.objects.get(code=response.json()["code"])
    cancelled_one = services.cancel_referral(referral=created["first"], user=referrer,
                                             reason="Dubbel.")
    closed_days_ago(cancelled_one, CLOSING_DAYS)

    anonymise_referrals()

    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["second"]


# --- pages and API -----------------------------------------------------------------------------

def test_pages_and_api_say_anonymised_and_show_no_family(delivered, coordinator,
                                                          coordinator_client, token_client):
    referral = delivered(DELIVERY_DAYS)
    anonymise_referrals()

    page = coordinator_client.get(f"/referrals/{referral.code}/")
    listing = coordinator_client.get("/referrals/?status=delivered")
    assert page.status_code == listing.status_code == 200
    for response in (page, listing):
        assert b"badge-anonymised" in response.content
        assert b"Samira" not in response.content and b"Dorpsstraat" not in response.content
    assert b"3511 Utrecht" in page.content

    body = token_client(coordinator).get(f"/api/v1/referrals/{referral.code}/").json()
    assert body["anonymised_at"] is not None
    assert (body["parent_first_name"], body["phone"], body["street"], body["house_number"],
            body["postcode"], body["household"], body["incomes"], body["eligibility"]) == (
        "", None, "", None, "3511", None, [], None)
    assert body["outcome"] == "eligible" and body["status"] == "delivered"


# --- the acceptance test -----------------------------------------------------------------------

FAMILY = {
    "parent_first_name": "Ilse",
    "parent_last_name": "Zwanenburg-Qoqo",
    "phone": phonenumbers.parse("0687654329", "NL"),
    "email": "ilse.zwanenburg@example.net",
    "street": "Kwikstaartsingel",
    "house_number": 77,
    "house_number_suffix": "C",
    "postcode": "3524 XQ",
    "city": "Utrecht",
    "delivery_notes": "Bel aan bij Zwanenburg-Qoqo op 3 hoog.",
}
# The phone's last 8 digits: stored as +31687654329, dumped as 06 87654329.
TRACES = ["Zwanenburg", "Qoqo", "87654329", "ilse.zwanenburg", "Kwikstaartsingel", "3524 XQ"]


def test_retention_leaves_no_trace_of_the_family_in_any_table(
        referrer, coordinator, stocked, coordinator_client, token_client):
    # A referral approved through the API, read on its page and through the API, delivered.
    first = make_referral(referrer, **FAMILY)
    coordinator_api = token_client(coordinator)
    assert coordinator_api.post(f"/api/v1/referrals/{first.code}/approve/", {}, format="json",
                                REMOTE_ADDR="192.0.2.44").status_code == 200
    assert coordinator_client.get(f"/referrals/{first.code}/").status_code == 200
    assert coordinator_api.get(f"/api/v1/referrals/{first.code}/").status_code == 200
    first.refresh_from_db()
    closed_days_ago(deliver(first, coordinator), DELIVERY_DAYS + 1)

    # A second referral for the family through the API with an Idempotency-Key (its answer,
    # stored, copies everything), an override and a cancellation naming her.
    response = token_client(referrer).post("/api/v1/referrals/", {
        **{key: value for key, value in FAMILY.items() if key != "phone"},
        "phone": "06 87654329",
        "due_date": (today() + datetime.timedelta(days=60)).isoformat(),
        "kit_type": "start-50-68", "consent": True,
        "household": {"applicant_age": 27, "has_partner": True, "partner_age": 29},
        "incomes": [{"kind": "wages", "amount": "1777.77"}],
    }, format="json", HTTP_IDEMPOTENCY_KEY="zq-1")
    assert response.status_code == 201, response.content
    second = Referral.objects.get(code=response.json()["code"])
    services.override_eligibility(referral=second, user=coordinator, outcome="eligible",
                                  reason="Mw. Zwanenburg-Qoqo heeft schulden.")
    second = services.cancel_referral(referral=second, user=coordinator,
                                      reason="Zwanenburg-Qoqo kreeg al een pakket.")
    closed_days_ago(second, CLOSING_DAYS)
    # And a family that stays: retention touches only what is due.
    other = make_referral(referrer, parent_last_name="Blijft-Bewaard")

    for before in (dump_everything(), raw_rows()):
        assert [trace for trace in TRACES if trace not in before] == []  # they can be seen
        assert "1777.77" in before

    assert anonymise_referrals() == "Anonymised 2 referral(s).\n"

    for after in (dump_everything(), raw_rows()):
        assert [trace for trace in TRACES if trace in after] == []
        assert "1777.77" not in after
        assert "Blijft-Bewaard" in after and other.code in after
        assert first.code in after and second.code in after


def test_a_kit_delivered_through_a_pick_list_keeps_only_the_month_of_delivery(
        referrer, coordinator, stocked):
    """The real path of #7: on a list, packed, delivered on a day the volunteer gave. The
    in-time figure comes from that day, which is then cut to its month."""
    from logistics.distribution import services as deliveries
    from logistics.distribution import services as pick_lists

    referral = services.approve_referral(
        referral=make_referral(referrer, due_date=today() + datetime.timedelta(weeks=7)),
        user=coordinator, warehouse=stocked)
    pick_list = pick_lists.create_pick_list(warehouse=stocked, user=coordinator)
    pick_lists.pack(pick_list=pick_list, user=coordinator)
    deliveries.record_delivery(referral=referral, user=coordinator)
    closed_days_ago(Referral.objects.get(pk=referral.pk), DELIVERY_DAYS)

    anonymise_referrals()

    referral.refresh_from_db()
    assert referral.anonymised
    assert referral.delivered_on == today().replace(day=1)
    assert referral.delivered_in_time is True  # delivered 7 weeks before the due date
