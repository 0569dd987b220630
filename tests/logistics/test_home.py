"""The home page's panels (``logistics.home``): each role sees what waits for it, with the right
numbers on a small hand-built set, links to where the work is done, and a page whose queries do
not grow with the data."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from logistics.distribution import services as distribution
from logistics.models import Item, KitType, ReferralStatus
from logistics.referrals import selectors, services
from logistics.stock import services as stock
from startpakket.roles import Role
from tests.factories import (
    ItemFactory,
    UserFactory,
    WarehouseFactory,
    make_referral,
    stock_for_kits,
)
from tests.helpers import approved_kits, backdate

pytestmark = pytest.mark.django_db

PANELS = {
    Role.REFERRER: ["panel-answers"],
    Role.COORDINATOR: ["panel-decisions", "panel-at-risk", "panel-low-stock",
                       "panel-kit-capacity"],
    Role.WAREHOUSE: ["panel-waiting", "panel-to-pack", "panel-to-deliver"],
}


def home(client, user) -> str:
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def panel(page: str, name: str) -> str:
    found = re.search(rf'<section[^>]*aria-labelledby="{name}".*?</section>', page, re.S)
    assert found, f"no {name} on the page"
    return found[0]


def panels_on(page: str) -> list[str]:
    return re.findall(r'<section[^>]*aria-labelledby="(panel-[a-z-]+)"', page)


def badge(page: str) -> str | None:
    found = re.search(r'<span class="nav-badge">(\d+)', page)
    return found and found[1]


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def ask(referral, coordinator, question, *, days):
    services.ask_for_information(referral=referral, user=coordinator, reason=question)
    backdate(referral, ReferralStatus.NEEDS_INFO, days)
    return referral


def today():
    return timezone.localdate()


@pytest.fixture
def no_low_stock(db):
    """The shipped items are not low unless a test says so (nothing is on a shelf)."""
    Item.objects.update(low_stock_level=0)


# ---------------------------------------------------------------------------------------------
# Who sees what


@pytest.mark.parametrize("role", list(PANELS))
def test_each_role_sees_its_own_panels_and_no_others(client, role):
    assert panels_on(home(client, UserFactory(role=role))) == PANELS[role]


def test_a_user_without_a_role_sees_no_panel(client):
    page = home(client, UserFactory(groups=[]))
    assert panels_on(page) == []
    assert "Vraag een coördinator" in page


# ---------------------------------------------------------------------------------------------
# The nurse


def test_the_nurse_sees_her_organisations_questions_the_longest_waiting_first(
        client, referrer, coordinator):
    colleague = UserFactory(role=Role.REFERRER, organisation=referrer.organisation,
                            first_name="Bea", last_name="Bos")
    old = ask(make_referral(colleague, house_number=1, parent_first_name="Olena"), coordinator,
              "Woont de partner op dit adres?", days=3)
    new = ask(make_referral(referrer, house_number=2), coordinator, "Klopt het loon?", days=0)
    make_referral(referrer, house_number=3)  # submitted: waits for the coordinator, not her
    ask(make_referral(house_number=4), coordinator, "Vraag aan een ander", days=1)

    page = home(client, referrer)

    answers = panel(page, "panel-answers")
    assert "2 aanmeldingen wachten op je antwoord." in text(answers)
    assert answers.index(old.code) < answers.index(new.code)
    assert "wacht 3 dagen · aangemeld door Bea Bos" in text(answers)
    assert "wacht sinds vandaag · aangemeld door jou" in text(answers)
    assert "Woont de partner op dit adres?" in answers and "Klopt het loon?" in answers
    assert "Vraag aan een ander" not in answers
    assert f'href="/referrals/{old.code}/"' in answers
    assert 'href="/referrals/?status=needs_info"' in answers
    assert badge(page) == "2"
    listed = client.get("/referrals/?status=needs_info").content.decode()
    assert old.code in listed and new.code in listed


def test_a_nurse_with_nothing_to_answer_is_told_so_and_has_no_badge(client, referrer):
    make_referral(referrer)
    page = home(client, referrer)
    assert "Er wachten geen vragen op je antwoord." in panel(page, "panel-answers")
    assert badge(page) is None


def test_one_question_is_singular_and_the_page_speaks_english_too(client, referrer, coordinator):
    ask(make_referral(referrer), coordinator, "Klopt het loon?", days=1)
    assert "1 aanmelding wacht op je antwoord." in text(home(client, referrer))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    answers = text(panel(client.get("/").content.decode(), "panel-answers"))
    assert "1 referral waits for your answer." in answers
    assert "waiting 1 day" in answers


def test_the_badge_is_on_every_page_for_the_nurse_only(client, referrer, coordinator,
                                                       warehouse_user):
    ask(make_referral(referrer), coordinator, "Klopt het loon?", days=1)
    client.force_login(referrer)
    assert badge(client.get("/referrals/").content.decode()) == "1"
    assert badge(client.get("/eligibility/").content.decode()) == "1"
    for other in (coordinator, warehouse_user):
        assert badge(home(client, other)) is None


# ---------------------------------------------------------------------------------------------
# The coordinator


def test_the_coordinator_sees_decisions_the_longest_waiting_first_with_their_age(
        client, coordinator, referrer, no_low_stock):
    one_day = make_referral(referrer, house_number=1)
    backdate(one_day, ReferralStatus.SUBMITTED, 1)
    three_days = make_referral(referrer, house_number=2)
    backdate(three_days, ReferralStatus.SUBMITTED, 3)
    new = make_referral(referrer, house_number=3)
    ask(make_referral(referrer, house_number=4), coordinator, "Vraag", days=9)  # not hers now

    decisions = panel(home(client, coordinator), "panel-decisions")

    assert "3 aanmeldingen wachten op een besluit." in text(decisions)
    codes = re.findall(r'href="/referrals/(BSP-[0-9-]+)/"', decisions)
    assert codes == [three_days.code, one_day.code, new.code]
    ages = re.findall(r"<strong>(wacht[^<]*)</strong>", decisions)
    assert ages == ["wacht 3 dagen", "wacht 1 dag", "wacht sinds vandaag"]
    assert 'href="/referrals/queue/"' in decisions


def test_of_more_waiting_than_it_lists_the_panel_shows_the_longest_waiting(
        client, coordinator, referrer, no_low_stock):
    """Seven waiting, made in another order than they waited: the five that waited longest,
    in that order (``selectors.first`` orders them before it joins them)."""
    days = [4, 9, 1, 7, 0, 12, 3]
    made = {}
    for house_number, waited in enumerate(days, start=1):
        made[waited] = make_referral(referrer, house_number=house_number)
        backdate(made[waited], ReferralStatus.SUBMITTED, waited)

    decisions = panel(home(client, coordinator), "panel-decisions")

    assert "7 aanmeldingen wachten op een besluit." in text(decisions)
    codes = re.findall(r'href="/referrals/(BSP-[0-9-]+)/"', decisions)
    assert codes == [made[waited].code for waited in (12, 9, 7, 4, 3)]


def test_the_wait_of_each_referral_is_read_off_an_index(coordinator, referrer):
    """At 100,000 referrals the home page looks up when each of 1,500 waiting referrals was
    last submitted: by ``status_change_into``, not by sorting each one's history."""
    for house_number in range(1, 4):
        make_referral(referrer, house_number=house_number)

    ordered = selectors.waiting_for_decision(coordinator).values("pk")
    sql, params = ordered.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = "\n".join(row[-1] for row in cursor.fetchall())
        else:
            # On a test's few rows PostgreSQL reads the table whole; here only that the index
            # serves the lookup, with the plain index on the referral out of the way. Rolled
            # back with the test's transaction.
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = "
                           "'logistics_referralstatuschange' AND indexdef LIKE '%(referral_id)'")
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP INDEX "{name}"')
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "status_change_into" in plan, plan


def test_the_coordinator_sees_the_kits_at_risk_of_arriving_late(
        client, coordinator, referrer, no_low_stock):
    late = make_referral(referrer, house_number=1, due_date=today() + datetime.timedelta(weeks=5))
    at_risk = make_referral(referrer, house_number=2,
                            due_date=today() + datetime.timedelta(weeks=7))
    in_time = make_referral(referrer, house_number=3,
                            due_date=today() + datetime.timedelta(weeks=9))
    rejected = make_referral(referrer, house_number=4,
                             due_date=today() + datetime.timedelta(weeks=5))
    services.reject_referral(referral=rejected, user=coordinator, reason="Inkomen te hoog")

    section = panel(home(client, coordinator), "panel-at-risk")

    assert ("2 pakketten onderweg moeten binnen twee weken bezorgd zijn, of zijn al te laat. "
            "Al te laat: 1.") in text(section)
    assert section.index(late.code) < section.index(at_risk.code)
    assert in_time.code not in section and rejected.code not in section
    assert "te laat" in text(section) and "bijna te laat" in text(section)
    assert 'href="/referrals/"' in section


def test_the_coordinator_sees_low_stock_and_the_kits_the_stock_can_make(
        client, coordinator, referrer, warehouse, no_low_stock):
    blankets = ItemFactory(sku="DEKEN-EXTRA", name="Extra deken", low_stock_level=5)
    stock.receive(warehouse=warehouse, lines={blankets: 2}, user=coordinator)
    stock_for_kits(warehouse, 3, user=coordinator)
    approved_kits(warehouse, coordinator, referrer, 1)  # its own stock, set aside at once
    first_kit = KitType.objects.get(code="start-50-68")
    requirements = {item.sku: n for item, n in stock.kit_requirements(first_kit).items()}
    short = min(requirements)  # one more kit of everything but this item
    stock.receive(warehouse=warehouse, user=coordinator, lines={
        item: n for item, n in stock.kit_requirements(first_kit).items() if item.sku != short})

    page = home(client, coordinator)

    low = panel(page, "panel-low-stock")
    assert "1 artikel zit onder zijn minimumvoorraad." in text(low)
    assert f"2 beschikbaar in {warehouse.name}; laag onder 5" in text(low)
    assert 'href="/stock/items/DEKEN-EXTRA/"' in low
    capacity = text(panel(page, "panel-kit-capacity"))
    # Stock for 4 kits, one of them reserved: 3 more, and the short item runs out first.
    short_name = Item.objects.get(sku=short).name
    assert f"3 {first_kit.name} raakt het eerst op: {short_name}" in capacity
    follow_up = KitType.objects.get(code="vervolg-74-92")
    assert re.search(rf"\b0 {re.escape(follow_up.name)}", capacity)


def test_several_warehouses_are_named_in_the_capacity_panel(client, coordinator, warehouse):
    WarehouseFactory(name="Magazijn Zuid")
    capacity = text(panel(home(client, coordinator), "panel-kit-capacity"))
    assert f"0 {KitType.objects.get(code='start-50-68').name} Magazijn Zuid ·" in capacity
    assert warehouse.name in capacity


# ---------------------------------------------------------------------------------------------
# The volunteer


def test_the_volunteer_sees_kits_to_list_lists_to_pack_and_deliveries_open(
        client, warehouse_user, warehouse, coordinator, referrer):
    kits = approved_kits(warehouse, coordinator, referrer, 4)
    pick_list = distribution.create_pick_list(warehouse=warehouse, user=warehouse_user,
                                              max_packages=3)
    distribution.pack(pick_list=pick_list, user=warehouse_user, codes=[kits[0].code])
    elsewhere = WarehouseFactory()
    approved_kits(elsewhere, coordinator, referrer, 2, house_number=99)
    distribution.create_pick_list(warehouse=elsewhere, user=coordinator, max_packages=1)

    page = home(client, warehouse_user)

    assert "1 pakket wacht op een paklijst." in text(panel(page, "panel-waiting"))
    to_pack = panel(page, "panel-to-pack")
    assert "1 paklijst heeft nog pakketten om in te pakken." in text(to_pack)
    assert f"Paklijst {pick_list.number} 2 pakketten in te pakken" in text(to_pack)
    assert f'href="/pick-lists/{pick_list.pk}/"' in to_pack
    to_deliver = panel(page, "panel-to-deliver")
    assert "1 ingepakt pakket wacht op bezorging." in text(to_deliver)
    assert 'href="/referrals/?status=packed"' in to_deliver
    listed = client.get("/referrals/?status=packed").content.decode()
    assert kits[0].code in listed and kits[1].code not in listed
    assert 'href="/deliveries/"' in to_deliver


def test_a_volunteer_with_nothing_waiting_sees_zeros(client, warehouse_user):
    page = text(home(client, warehouse_user))
    assert "0 pakketten wachten op een paklijst." in page
    assert "Geen paklijst wacht op inpakken." in page
    assert "0 ingepakte pakketten wachten op bezorging." in page


# ---------------------------------------------------------------------------------------------
# Queries: the same however much waits


def queries_of_home(client) -> int:
    client.get("/")  # warm: content types
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    # Not the session's: its clock is written once a minute (``startpakket.middleware``), which a
    # slow run may cross between two measurements.
    return len([query for query in captured if "django_session" not in query["sql"]])


def test_the_nurses_home_costs_the_same_queries_with_more_questions(client, referrer,
                                                                   coordinator):
    client.force_login(referrer)
    ask(make_referral(referrer, house_number=1), coordinator, "Vraag", days=1)
    few = queries_of_home(client)
    for n in range(2, 9):
        ask(make_referral(referrer, house_number=n), coordinator, "Vraag", days=n)
    assert queries_of_home(client) == few


def test_the_coordinators_home_costs_the_same_queries_with_more_data(
        client, coordinator, referrer, warehouse):
    client.force_login(coordinator)
    make_referral(referrer, house_number=1, due_date=today() + datetime.timedelta(weeks=5))
    few = queries_of_home(client)
    for n in range(2, 10):
        make_referral(referrer, house_number=n, due_date=today() + datetime.timedelta(weeks=n))
    WarehouseFactory()
    ItemFactory(low_stock_level=3)
    stock_for_kits(warehouse, 2, user=coordinator)
    approved_kits(warehouse, coordinator, referrer, 2, house_number=50)
    assert queries_of_home(client) == few


def test_the_volunteers_home_costs_the_same_queries_with_more_lists(
        client, warehouse_user, warehouse, coordinator, referrer):
    client.force_login(warehouse_user)
    approved_kits(warehouse, coordinator, referrer, 1)
    few = queries_of_home(client)
    approved_kits(warehouse, coordinator, referrer, 8, house_number=60)
    for _ in range(7):
        pick_list = distribution.create_pick_list(warehouse=warehouse, user=warehouse_user,
                                                  max_packages=1)
    distribution.pack(pick_list=pick_list, user=warehouse_user)
    assert queries_of_home(client) == few
