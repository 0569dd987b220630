"""This app's demo data for ``make demo`` (DESIGN §7.1), for the demo users ``startpakket`` made
(registered by ``LogisticsConfig.ready``): the foundation's contact line; stock for 30 kits of
each kit type, a later donation and a shelf count, so the stock pages and the ledger have
something to show; a few municipalities around Utrecht; a year of history for the statistics
(``demo_history``); and a handful of today's referrals in several states."""

import uuid

from logistics.demo_history import load_demo_history
from logistics.models import (
    KitType,
    Municipality,
    OrganisationSettings,
    PickupPoint,
    Referral,
    Warehouse,
)
from logistics.stock import services as stock
from startpakket.roles import Role

# Printed at the bottom of every delivery slip.
DEMO_CONTACT_LINE = "Stichting Startpakket Demo · 030 123 45 67 · info@startpakket-demo.example"
# The sender on the address labels of kits by post: a name that does not say what is inside.
DEMO_RETURN_ADDRESS = "Stichting SD\nPostbus 1234\n3500 AA  Utrecht"
# Two pick-up points of the demo warehouse: code, name, address, postcode, city, opening hours.
DEMO_PICKUP_POINTS = [
    ("bibliotheek-overvecht", "Bibliotheek Overvecht", "Zamenhofdreef 1", "3562 JT", "Utrecht",
     "ma–vr 10:00–18:00, za 10:00–14:00"),
    ("buurthuis-lunetten", "Buurthuis Lunetten", "Hondsrug 27", "3524 BR", "Utrecht",
     "di en do 13:00–17:00"),
]

# CBS municipality codes (Statistics Netherlands, "Gemeentelijke indeling op 1 januari 2026").
# The postcode ranges are rounded four-digit areas of each town, written for the demo from the
# public PostNL postcode areas without checking every edge: good enough to show the statistics,
# not to report with. A real installation imports its own (admin, Municipalities).
DEMO_MUNICIPALITIES = [
    ("GM0344", "Utrecht", "85.00", [(3450, 3455), (3500, 3585)]),
    ("GM0356", "Nieuwegein", "85.00", [(3430, 3439)]),
    ("GM0355", "Zeist", None, [(3700, 3709)]),
    ("GM0321", "Houten", "80.00", [(3990, 3995)]),
]

KITS_IN_STOCK = 30
# Fixed batches: re-running the demo finds them booked and books nothing twice.
DEMO_BATCH = uuid.UUID("5a1e0000-0000-4000-8000-000000000001")
DONATION_BATCH = uuid.UUID("5a1e0000-0000-4000-8000-000000000002")
COUNT_BATCH = uuid.UUID("5a1e0000-0000-4000-8000-000000000003")


def load_demo(users) -> None:
    """For the demo users, one per role: the demo warehouse is the volunteer's, the foundation
    the coordinator's. Adds only what is missing, so a re-run keeps what people changed."""
    by_role = {user.role: user for user in users}
    volunteer, coordinator = by_role[Role.WAREHOUSE], by_role[Role.COORDINATOR]
    OrganisationSettings.objects.get_or_create(
        organisation_id=coordinator.organisation_id,
        defaults={"contact_line": DEMO_CONTACT_LINE, "return_address": DEMO_RETURN_ADDRESS},
    )
    warehouse = Warehouse.objects.get(pk=volunteer.organisation_id)
    for code, name, address, postcode, city, hours in DEMO_PICKUP_POINTS:
        PickupPoint.objects.get_or_create(code=code, defaults={
            "warehouse": warehouse, "name": name, "address": address, "postcode": postcode,
            "city": city, "opening_hours": hours})
    load_demo_municipalities()
    load_demo_stock(warehouse, volunteer)
    if not Referral.objects.exists():  # once: a re-run adds no referrals
        load_demo_history(by_role[Role.REFERRER], coordinator, warehouse)
        load_demo_referrals(by_role[Role.REFERRER], coordinator, warehouse)


def load_demo_municipalities() -> None:
    """Those not there yet; then every referral's municipality, as after an import."""
    from decimal import Decimal

    from logistics.referrals.services import derive_municipalities
    from logistics.statistics.municipalities import set_postcode_ranges

    for code, name, price, ranges in DEMO_MUNICIPALITIES:
        municipality, made = Municipality.objects.get_or_create(
            code=code, defaults={"name": name, "price_per_kit": price and Decimal(price)})
        if made:
            set_postcode_ranges(municipality, ranges)
    derive_municipalities()


def load_demo_stock(warehouse: Warehouse, user) -> None:
    opening: dict = {}
    for kit_type in KitType.objects.active():
        for item, quantity in stock.kit_requirements(kit_type, kits=KITS_IN_STOCK).items():
            opening[item] = opening.get(item, 0) + quantity
    if not opening:
        return
    steps = [
        (stock.receive, {"lines": opening, "note": "Beginvoorraad", "batch": DEMO_BATCH}),
        # A donation of diapers, and a count that finds two romper packs missing.
        (stock.receive, {"lines": _some(opening, ("LUIERS-1", "LUIERS-4"), 20),
                         "note": "Donatie drogisterij", "batch": DONATION_BATCH}),
        (stock.count, {"counted": _counted(opening, "ROMPER-50-56", -2),
                       "note": "Telling plank A", "batch": COUNT_BATCH}),
    ]
    for action, arguments in steps:
        try:
            action(warehouse=warehouse, user=user, **arguments)
        except stock.AlreadyBooked:
            continue


def _some(opening, skus, quantity):
    return {item: quantity for item in opening if item.sku in skus}


def _counted(opening, sku, difference):
    return {item: quantity + difference for item, quantity in opening.items() if item.sku == sku}


# name, street, number, postcode, city, weeks until due, babies, kit, income, state, reason
DEMO_REFERRALS = [
    ("Samira", "Bakker", "Dorpsstraat", 12, "3511 AB", "Utrecht", 16, 1, "start-50-68", 1350,
     "submitted", ""),
    ("Johan", "de Boer", "Kerkweg", 3, "3512 CD", "Utrecht", 20, 1, "start-50-68", 3900,
     "submitted", ""),
    ("Lina", "Bakker", "Dorpsstraat", 12, "3511 AB", "Utrecht", 18, 1, "start-50-68", 1350,
     "submitted", ""),
    ("Olena", "Kovalenko", "Lindelaan", 45, "3515 GH", "Utrecht", 24, 2, "start-50-68", 1100,
     "needs_info", "Woont de partner ook op dit adres? Dan telt zijn inkomen mee."),
    ("Fatma", "Yilmaz", "Molenstraat", 8, "3513 EF", "Utrecht", 7, 1, "start-50-68", 1250,
     "approved", ""),
    ("Kevin", "Jansen", "Stationsplein", 1, "3511 CE", "Utrecht", 30, 1, "start-50-68", 2600,
     "rejected", "Inkomen ruim boven de grens."),
    ("Noor", "Hassan", "Parklaan", 21, "3516 KL", "Utrecht", -10, 1, "vervolg-74-92", 1000,
     "submitted", ""),
    # Waiting for a pick list: names with letters beyond Dutch ones, twins, a delivery note.
    ("Agnieszka", "Wiśniewska", "Vondellaan", 77, "3521 GD", "Utrecht", 10, 1, "start-50-68",
     1400, "approved", ""),
    ("Aylin", "Ağaoğlu", "Amsterdamsestraatweg", 310, "3551 CT", "Utrecht", 12, 1,
     "start-50-68", 1150, "approved", ""),
    ("Mariam", "Tesfay", "Kanaalweg", 5, "3526 KL", "Utrecht", -6, 2, "vervolg-74-92", 980,
     "approved", ""),
    # Delivered on an earlier pick list, so the lists page has a history.
    ("Eva", "Visser", "Oudegracht", 200, "3511 NR", "Utrecht", 9, 1, "start-50-68", 1300,
     "delivered", ""),
]
DEMO_LANGUAGES = {"Wiśniewska": "pl", "Ağaoğlu": "tr", "Tesfay": "ti"}
DEMO_NOTES = {"Yilmaz": "Bel twee keer aan.", "Ağaoğlu": "Derde verdieping, geen lift."}
# Not delivered at the door: collected at a pick-up point, or sent by post.
DEMO_METHODS = {"Wiśniewska": ("pickup", "bibliotheek-overvecht"), "Ağaoğlu": ("post", None)}


def load_demo_referrals(nurse, coordinator, warehouse: Warehouse) -> None:
    """A handful of referrals of today in several states."""
    import datetime
    from decimal import Decimal

    import phonenumbers
    from django.utils import timezone

    from eligibility import rules
    from logistics.distribution import services as distribution
    from logistics.referrals import services as referrals

    today = timezone.localdate()
    made = []
    for number, (first, last, street, house, postcode, city, weeks, babies, kit, income, state,
                 reason) in enumerate(DEMO_REFERRALS):
        referral = referrals.submit_referral(user=nurse, data=referrals.ReferralInput(
            parent_first_name=first, parent_last_name=last,
            phone=phonenumbers.parse(f"06 1234 56{number:02d}", "NL"), email="",
            language=DEMO_LANGUAGES.get(last, "nl" if number % 3 else "ar"),
            street=street, house_number=house,
            house_number_suffix="", postcode=postcode, city=city,
            due_date=today + datetime.timedelta(weeks=weeks), babies=babies,
            kit_type=KitType.objects.get(code=kit),
            delivery_notes=DEMO_NOTES.get(last, ""),
            delivery_method=DEMO_METHODS.get(last, ("delivery", None))[0],
            pickup_point=PickupPoint.objects.filter(
                code=DEMO_METHODS.get(last, ("", None))[1]).first(),
            consent=True,
            household=rules.Household(applicant_age=29 + number, has_partner=number == 1,
                                      partner_age=33 if number == 1 else None,
                                      children=number % 2),
            incomes=(rules.Income("wages", Decimal(income)),
                     rules.Income("child_benefit", Decimal("290"))),
        ))
        made.append((referral, state))
        if state == "rejected":
            referrals.reject_referral(referral=referral, user=coordinator, reason=reason)
        elif state == "needs_info":
            referrals.ask_for_information(referral=referral, user=coordinator, reason=reason)

    # The delivered kit first, alone on list 1; then the kits that wait for the next list.
    volunteer = warehouse.users.first() or coordinator
    for referral, state in made:
        if state == "delivered":
            referrals.approve_referral(referral=referral, user=coordinator, warehouse=warehouse)
            pick_list = distribution.create_pick_list(warehouse=warehouse, user=volunteer,
                                                    max_packages=1)
            distribution.pack(pick_list=pick_list, user=volunteer)
            distribution.record_delivery(referral=referral, user=volunteer)
    for referral, state in made:
        if state == "approved":
            referrals.approve_referral(referral=referral, user=coordinator, warehouse=warehouse)


def summary() -> list[str]:
    """What ``load_demo`` prints about this app's data: how many of what, never whom."""
    from django.db.models import Count

    from logistics.models import Item, PickList, ReferralStatus

    counts = dict(Referral.objects.values_list("status").annotate(n=Count("pk")).order_by())
    by_status = ", ".join(f"{status} {counts[status]}" for status in ReferralStatus.values
                          if counts.get(status))
    return [
        f"referrals: {sum(counts.values())}" + (f" ({by_status})" if by_status else ""),
        f"warehouses: {Warehouse.objects.count()}, "
        f"kit types: {KitType.objects.active().count()}, items: {Item.objects.count()}, "
        f"pick lists: {PickList.objects.count()}",
        f"municipalities: {Municipality.objects.count()}",
    ]
