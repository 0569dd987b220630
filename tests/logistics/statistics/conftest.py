"""A small, hand-counted data set for the statistics: every status, two municipalities and a
postcode none covers, two referring organisations, two kit types, events spread over January
to March 2025 (and one before). Made through the services, then moved in time by updating
``created_at``, the due date and the window's days, the history's ``at`` and ``delivered_on``.

The expected figures are written out in the tests, counted by hand from ``PLAN``.
"""

import dataclasses
import datetime
import zoneinfo

import pytest

from logistics.distribution import services as distribution
from logistics.models import (
    KitType,
    Municipality,
    PostcodeRange,
    Referral,
    ReferralStatus,
    ReferralStatusChange,
    Warehouse,
)
from logistics.referrals import services
from logistics.statistics import tally
from startpakket.roles import Role
from tests.factories import OrganisationFactory, UserFactory, make_referral, stock_for_kits
from tests.helpers import move_due_date

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")


def at(text: str) -> datetime.datetime:
    """``"2025-01-31 23:30"`` in Amsterdam time."""
    return datetime.datetime.fromisoformat(text).replace(tzinfo=AMS)


@dataclasses.dataclass
class Plan:
    name: str
    organisation: str  # "A" or "B"
    postcode: str
    created: str
    status: str
    events: dict  # to_status → "YYYY-MM-DD HH:MM" (Amsterdam)
    due: str
    delivered_on: str | None = None
    kit: str = "start-50-68"


# UT: Utrecht (GM0344), AF: Amersfoort (GM0307), ?: a postcode no municipality covers.
PLAN = [
    Plan("r1", "A", "3511 AB", "2025-01-10 10:00", "delivered",
         {"approved": "2025-01-12 10:00", "delivered": "2025-02-03 12:00"}, "2025-04-01",
         "2025-02-03"),                                          # UT, in time
    Plan("r2", "A", "3512 CD", "2025-01-20 10:00", "delivered",
         {"approved": "2025-01-25 10:00", "delivered": "2025-02-21 09:00"}, "2025-04-02",
         "2025-02-20"),  # UT; late by a day (deliver by 19 Feb), recorded a day on
    Plan("r3", "B", "3811 AA", "2025-01-31 23:30", "rejected",
         {"rejected": "2025-02-01 00:15"}, "2025-05-01"),       # AF; both just past midnight UTC
    Plan("r4", "B", "9999 ZZ", "2025-02-05 10:00", "submitted", {}, "2025-06-01"),  # ?
    Plan("r5", "A", "3812 BB", "2025-02-10 10:00", "cancelled",
         {"approved": "2025-02-11 10:00", "cancelled": "2025-03-02 10:00"}, "2025-06-01"),  # AF
    Plan("r6", "B", "3513 EF", "2025-02-12 10:00", "needs_info",
         {"needs_info": "2025-02-13 10:00"}, "2025-06-01"),     # UT
    Plan("r7", "A", "3514 GH", "2025-03-01 00:30", "approved",
         {"approved": "2025-03-03 10:00"}, "2025-07-01", kit="vervolg-74-92"),  # UT, March local
    Plan("r8", "B", "3515 IJ", "2025-01-15 10:00", "scheduled",
         {"approved": "2025-02-02 10:00", "scheduled": "2025-02-04 10:00"}, "2025-06-01"),  # UT
    Plan("r9", "A", "9998 AA", "2025-01-16 10:00", "delivery_failed",
         {"approved": "2025-02-03 10:00", "scheduled": "2025-02-04 10:00",
          "packed": "2025-02-05 10:00", "delivery_failed": "2025-02-06 10:00"},
         "2025-06-01"),                                          # ?
    Plan("r10", "B", "3813 CC", "2025-03-10 10:00", "packed",
         {"approved": "2025-03-11 10:00", "scheduled": "2025-03-12 10:00",
          "packed": "2025-03-13 10:00"}, "2025-07-01", kit="vervolg-74-92"),  # AF
    Plan("r11", "A", "3516 KL", "2024-12-20 10:00", "delivered",
         {"approved": "2024-12-22 10:00", "delivered": "2025-01-08 10:00"}, "2025-03-01",
         "2025-01-08"),                                          # UT, before the period, in time
]


@dataclasses.dataclass
class World:
    referrals: dict[str, Referral]
    organisations: dict[str, object]
    coordinator: object
    warehouse: object
    utrecht: Municipality
    amersfoort: Municipality


def _municipality(code, name, first, last):
    made = Municipality.objects.create(code=code, name=name)
    PostcodeRange.objects.create(municipality=made, first=first, last=last)
    return made


def _walk(referral, plan, coordinator, warehouse):
    """Take ``referral`` through the services to the planned status (no pick list yet for
    those that need one: ``build_world`` makes one for them together)."""
    if "approved" in plan.events:
        referral = services.approve_referral(referral=referral, user=coordinator,
                                             warehouse=warehouse)
    if plan.status == "rejected":
        services.reject_referral(referral=referral, user=coordinator, reason="Te hoog inkomen")
    if plan.status == "needs_info":
        services.ask_for_information(referral=referral, user=coordinator, reason="Welke kit?")
    if plan.status == "cancelled":
        services.cancel_referral(referral=referral, user=coordinator, reason="Verhuisd")


def build_world() -> World:
    utrecht = _municipality("GM0344", "Utrecht", 3500, 3585)
    amersfoort = _municipality("GM0307", "Amersfoort", 3800, 3829)
    organisations = {
        "A": OrganisationFactory(code="jgz-noord", name="JGZ Noord"),
        "B": OrganisationFactory(code="ggd-zuid", name="GGD Zuid"),
    }
    nurses = {key: UserFactory(role=Role.REFERRER, organisation=organisation)
              for key, organisation in organisations.items()}
    coordinator = UserFactory(role=Role.COORDINATOR)
    volunteer = UserFactory(role=Role.WAREHOUSE)
    warehouse = Warehouse.objects.get(pk=volunteer.organisation_id)
    stock_for_kits(warehouse, 10, user=coordinator)
    stock_for_kits(warehouse, 5, kit_code="vervolg-74-92", user=coordinator)
    referrals = {}
    for plan in PLAN:
        referral = make_referral(nurses[plan.organisation], postcode=plan.postcode,
                                 kit_type=_kit(plan.kit),
                                 parent_last_name=f"Achternaam-{plan.name}")
        _walk(referral, plan, coordinator, warehouse)
        referrals[plan.name] = referral
    # One pick list for the kits that go further than approved, then each its own way.
    on_list = [plan.name for plan in PLAN if "scheduled" in plan.events or
               "delivered" in plan.events]
    waiting = [referrals[name] for name in on_list]
    others = [r for name, r in referrals.items() if name not in on_list
              and r.status == ReferralStatus.APPROVED]
    pick_list = _pick_list(warehouse, volunteer, waiting, others)
    packed = [referrals[name].code for name in on_list if "packed" in PLAN_BY_NAME[name].events
              or "delivered" in PLAN_BY_NAME[name].events]
    distribution.pack(pick_list=pick_list, user=volunteer, codes=packed)
    for name in on_list:
        plan = PLAN_BY_NAME[name]
        referral = Referral.objects.get(pk=referrals[name].pk)
        if plan.status == "delivered":
            distribution.record_delivery(referral=referral, user=volunteer)
        elif plan.status == "delivery_failed":
            distribution.record_failed_delivery(referral=referral, user=volunteer,
                                                reason="Niet thuis")
    _move_in_time(referrals)
    referrals = {name: Referral.objects.get(pk=r.pk) for name, r in referrals.items()}
    for plan in PLAN:
        assert referrals[plan.name].status == plan.status, plan.name
    return World(referrals, organisations, coordinator, warehouse, utrecht, amersfoort)


PLAN_BY_NAME = {plan.name: plan for plan in PLAN}


def _kit(code):
    return KitType.objects.get(code=code)


def _pick_list(warehouse, volunteer, waiting, others):
    """A pick list with exactly ``waiting`` on it: their kits' time windows open today, the
    ``others``' months from now, and the list takes only as many as ``waiting``."""
    today = datetime.date.today()
    for referral in waiting:
        move_due_date([referral],
                      today - datetime.timedelta(weeks=referral.kit_type.window_opens_weeks))
    move_due_date(others, today + datetime.timedelta(days=200))
    return distribution.create_pick_list(warehouse=warehouse, user=volunteer,
                                         max_packages=len(waiting))


def _move_in_time(referrals):
    for plan in PLAN:
        referral = referrals[plan.name]
        created = at(plan.created)
        due = datetime.date.fromisoformat(plan.due)
        Referral.objects.filter(pk=referral.pk).update(
            created_at=created, due_date=due, **services.window_fields(referral.kit_type, due),
            delivered_on=(datetime.date.fromisoformat(plan.delivered_on)
                          if plan.delivered_on else None))
        history = ReferralStatusChange.objects.filter(referral=referral)
        history.update(at=created)
        for status, when in plan.events.items():
            history.filter(to_status=status).update(at=at(when))
    # Moved behind the services' back, as a fix by hand would: counted again as one is.
    tally.recount(referral.pk for referral in referrals.values())


@pytest.fixture
def world(db):
    return build_world()
