"""A year of made-up history for ``make demo``, so the coordinator's statistics have something to
show: referrals from three referring organisations in the four demo municipalities (and a few
from elsewhere), most approved, packed and delivered, some rejected or cancelled.

Each referral goes through the same services as a real one (eligibility, codes, approval, pick
list, packing, delivery, the stock ledger), today; then its dates are moved back to the month it
plays in, all by the same amount, and the steps spread over the days after it. Only the demo
does this: nothing else writes the past.
"""

import datetime
import random
import secrets
import uuid
from decimal import Decimal

import phonenumbers
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from eligibility import rules
from logistics.distribution import services as distribution
from logistics.models import (
    KitType,
    MovementKind,
    PickList,
    Referral,
    ReferralStatus,
    ReferralStatusChange,
    StockMovement,
    Warehouse,
)
from logistics.referrals import services as referrals
from logistics.referrals.input import ReferralInput
from logistics.referrals.rules import add_months
from logistics.statistics import tally
from logistics.stock import services as stock
from startpakket.models import Organisation, User
from startpakket.roles import OrganisationKind, Role
from startpakket.services import create_user

MONTHS = 12
SEED = 2026
# Two more referring organisations besides the demo nurse's; their nurses cannot log in.
OTHER_REFERRERS = [
    ("cb-zeist-demo", "Consultatiebureau Zeist (demo)", "zeist-verpleegkundige"),
    ("wijkteam-nieuwegein-demo", "Wijkteam Nieuwegein (demo)", "nieuwegein-wijkteam"),
]
# postcode digits, street, city: Utrecht most, then the neighbours; 3811 is Amersfoort, which
# no demo municipality covers ("unknown" in the statistics).
PLACES = [
    (3511, "Voorstraat", "Utrecht"), (3523, "Rivierenlaan", "Utrecht"),
    (3531, "Kanaalstraat", "Utrecht"), (3552, "Royaardsstraat", "Utrecht"),
    (3562, "Zambesidreef", "Utrecht"), (3431, "Dorpsstraat", "Nieuwegein"),
    (3437, "Batauweg", "Nieuwegein"), (3701, "Slotlaan", "Zeist"),
    (3707, "Laan van Vollenhove", "Zeist"), (3991, "Plein", "Houten"),
    (3811, "Langestraat", "Amersfoort"),
]
FIRST_NAMES = ["Sara", "Amal", "Lotte", "Dilan", "Iris", "Hiba", "Kim", "Oksana", "Roos",
               "Zeynep", "Fenna", "Nadia", "Maud", "Esra", "Yara", "Julia"]
LAST_NAMES = ["de Jong", "El Idrissi", "Smit", "Demir", "Mulder", "Bos", "Haddou", "Meijer",
              "Öztürk", "de Graaf", "Vos", "Boateng", "Peters", "Hendriks", "Nowak", "Dekker"]
# No S: SA, SD and SS are not used in postcodes (``rules.normalise_postcode`` refuses them).
LETTERS = "ABCDEGHJKLMNPRTVWXZ"
HISTORY_BATCH = uuid.UUID("5a1e0000-0000-4000-8000-0000000000f0")


def load_demo_history(nurse, coordinator, warehouse: Warehouse) -> None:
    """The referrals of the last ``MONTHS`` whole months. Called once, before any other."""
    rng = random.Random(SEED)  # noqa: S311 - made-up data, the same each time
    volunteer = warehouse.users.first() or coordinator
    nurses = [nurse, *_other_nurses()]
    kit_types = {kit.code: kit for kit in KitType.objects.filter(
        code__in=("start-50-68", "vervolg-74-92"))}
    if len(kit_types) < 2:
        return
    today = timezone.localdate()
    first_of_month = today.replace(day=1)
    # The made-up year refers its follow-up kits itself (``_one``), each in the month it plays
    # in; its deliveries, made today, plan none besides (their windows would be today's).
    first_kit = kit_types["start-50-68"]
    KitType.objects.filter(pk=first_kit.pk).update(follow_up=None)
    try:
        _make_months(rng, nurses, kit_types, coordinator, volunteer, warehouse, first_of_month)
    finally:
        KitType.objects.filter(pk=first_kit.pk).update(follow_up=first_kit.follow_up)
    # The history was moved back in time behind the services' back: count it as it is now.
    tally.rebuild()


def _make_months(rng, nurses, kit_types, coordinator, volunteer, warehouse, first_of_month):
    today = timezone.localdate()
    for back in range(MONTHS, 0, -1):
        month = add_months(first_of_month, -back)
        with transaction.atomic():
            made = [_one(rng, nurses, kit_types, month, coordinator)
                    for _ in range(rng.randint(6, 15))]
            approved = [plan for plan in made if plan["fate"] == "delivered"]
            if approved:
                # The month's delivery from the supplier brings what its kits need, so the
                # stock of today is what the rest of the demo made it.
                _receive(warehouse, volunteer, [plan["referral"] for plan in approved], month)
                for plan in approved:
                    referrals.approve_referral(referral=plan["referral"], user=coordinator,
                                               warehouse=warehouse)
                pick_list = distribution.create_pick_list(warehouse=warehouse, user=volunteer)
                distribution.pack(pick_list=pick_list, user=volunteer)
                for plan in approved:
                    distribution.record_delivery(referral=plan["referral"], user=volunteer)
                _move_list(pick_list, approved)
            for plan in made:
                _move_back(plan, today)


def _other_nurses() -> list[User]:
    nurses = []
    for code, name, username in OTHER_REFERRERS:
        organisation, _made = Organisation.objects.get_or_create(
            code=code, defaults={"name": name, "kind": OrganisationKind.REFERRER})
        user = User.objects.filter(username=username).first()
        if user is None:
            # A password nobody knows: these nurses only refer in the history.
            user = create_user(username=username, password=secrets.token_urlsafe(24),
                               role=Role.REFERRER, organisation=organisation)
        nurses.append(user)
    return nurses


def _receive(warehouse, user, kits: list[Referral], month: datetime.date) -> None:
    lines: dict = {}
    for referral in kits:
        for item, quantity in stock.kit_requirements(referral.kit_type,
                                                     babies=referral.babies).items():
            lines[item] = lines.get(item, 0) + quantity
    batch = uuid.uuid5(HISTORY_BATCH, month.isoformat())
    stock.receive(warehouse=warehouse, user=user, lines=lines, note="Levering leverancier",
                  batch=batch)
    _ledger().filter(batch=batch).update(created_at=_when(month, 8))


def _one(rng, nurses, kit_types, month: datetime.date, coordinator) -> dict:
    """One referral, submitted today (and rejected or cancelled), with the days it should have
    taken; one to deliver is approved by the caller."""
    submitted = month + datetime.timedelta(days=rng.randint(0, 27))
    follow_up = rng.random() < 0.2
    # Weeks from the day it plays on to the due date (after the birth for a follow-up kit).
    # In the kit's time window on the day it plays on, as the pick list is made then (the
    # first kit's opens 16 weeks before the due date, the follow-up kit's 13 weeks after).
    weeks = rng.randint(-21, -13) if follow_up else rng.randint(9, 16)
    digits, street, city = rng.choice(PLACES)
    household = rules.Household(applicant_age=rng.randint(21, 41),
                                has_partner=rng.random() < 0.4, children=rng.randint(0, 3))
    if household.has_partner:
        household = rules.Household(applicant_age=household.applicant_age, has_partner=True,
                                    partner_age=household.applicant_age + rng.randint(0, 6),
                                    children=household.children)
    today = timezone.localdate()
    referral = referrals.submit_referral(user=rng.choice(nurses), data=ReferralInput(
        parent_first_name=rng.choice(FIRST_NAMES), parent_last_name=rng.choice(LAST_NAMES),
        phone=phonenumbers.parse(f"06 2{rng.randint(0, 9999999):07d}", "NL"), email="",
        language=rng.choice(["nl", "nl", "nl", "en", "ar", "tr", "pl"]),
        street=street, house_number=rng.randint(1, 180), house_number_suffix="",
        postcode=f"{digits} {''.join(rng.choices(LETTERS, k=2))}",
        city=city, due_date=today + datetime.timedelta(weeks=weeks),
        babies=2 if rng.random() < 0.03 else 1,
        kit_type=kit_types["vervolg-74-92" if follow_up else "start-50-68"],
        delivery_notes="", consent=True, household=household,
        incomes=(rules.Income("wages", Decimal(rng.randint(600, 1100))),),
    ))
    fate = rng.choices(["delivered", "rejected", "cancelled"], weights=[84, 10, 6])[0]
    days_to_decision = rng.choice([0, 1, 1, 2, 2, 3, 4, 6, 9])
    if fate == "rejected":
        referrals.reject_referral(referral=referral, user=coordinator,
                                  reason="Inkomen boven de grens.")
    elif fate == "cancelled":
        referrals.cancel_referral(referral=referral, user=referral.referred_by,
                                  reason="Gezin verhuisd.")
    decided = submitted + datetime.timedelta(days=days_to_decision)
    delivered = decided + datetime.timedelta(days=rng.randint(4, 21))
    # Nothing in the future: the last month's kits were all quick.
    yesterday = today - datetime.timedelta(days=1)
    delivered = min(delivered, yesterday)
    decided = min(decided, delivered - datetime.timedelta(days=1))
    return {"referral": referral, "fate": fate, "submitted": min(submitted, decided),
            "decided": decided, "delivered": delivered}


def _when(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _move_back(plan: dict, today: datetime.date) -> None:
    """The referral's dates, as if it had been submitted on ``plan["submitted"]``."""
    referral = plan["referral"]
    shift = today - plan["submitted"]
    Referral.objects.filter(pk=referral.pk).update(
        created_at=_when(plan["submitted"], 10), updated_at=_when(plan["submitted"], 10),
        consent_date=plan["submitted"], due_date=F("due_date") - shift,
        window_opens=F("window_opens") - shift, deliver_by=F("deliver_by") - shift,
        delivered_on=plan["delivered"] if plan["fate"] == "delivered" else None)
    at = {ReferralStatus.SUBMITTED: _when(plan["submitted"], 10)}
    at[ReferralStatus.SCHEDULED] = at[ReferralStatus.PACKED] = _when(
        plan["delivered"] - datetime.timedelta(days=1), 9)
    at[ReferralStatus.DELIVERED] = _when(plan["delivered"], 15)
    for change in ReferralStatusChange.objects.filter(referral=referral):
        moment = at.get(change.to_status, _when(plan["decided"], 14))
        ReferralStatusChange.objects.filter(pk=change.pk).update(at=moment)
    _ledger().filter(kind=MovementKind.ISSUE, note=referral.code).update(
        created_at=at[ReferralStatus.PACKED])


def _ledger():
    """The stock ledger past its guard: the application never rewrites it
    (``AppendOnlyQuerySet``); only this demo history dates its made-up rows back."""
    return QuerySet(model=StockMovement)


def _move_list(pick_list: PickList, delivered: list[dict]) -> None:
    """The list, on the day before the month's first delivery."""
    packed = _when(min(plan["delivered"] for plan in delivered) - datetime.timedelta(days=1), 9)
    PickList.objects.filter(pk=pick_list.pk).update(created_at=packed)
