"""More journeys in a real browser (issue 17.1): the volunteer prints the address labels of a
kit by post; the coordinator reads the deliveries on the dashboard and downloads the CSV export
and the monthly report from it; and the nurse's journey once in English, with no Dutch left."""

import csv
import io
import re

from playwright.sync_api import expect
from pypdf import PdfReader
from reportlab.lib.units import mm

from logistics.distribution import services as distribution
from logistics.models import KitType, PickList, Referral, Warehouse
from tests.e2e.conftest import (
    DESKTOP,
    Language,
    fill_referral_form,
    item_names,
    log_in,
    names_of,
)
from tests.factories import OrganisationSettingsFactory, PickupPointFactory
from tests.helpers import approved_kits, pdf_text

RETURN_ADDRESS = "Stichting SD\nPostbus 1234\n3500 AA  Utrecht"


def fetch_pdf(page, link) -> bytes:
    """The PDF behind a link she taps, fetched with her own cookies."""
    response = page.request.get(link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    return response.body()


def test_the_volunteer_prints_the_address_labels_of_a_kit_by_post(
        page, volunteer, coordinator, nurse):
    OrganisationSettingsFactory(organisation=coordinator.organisation,
                                return_address=RETURN_ADDRESS)
    warehouse = Warehouse.objects.get(pk=volunteer.organisation_id)
    kit, = approved_kits(warehouse, coordinator, nurse, 1, delivery_method="post",
                         parent_first_name="Fatima", parent_last_name="El Amrani")
    log_in(page, volunteer)

    page.goto("/pick-lists/")
    limit = page.locator("input[name=max_packages]")
    if not limit.input_value():
        limit.fill("10")
    page.get_by_role("button", name="Maak paklijst").click()
    expect(page).to_have_url(re.compile(r"/pick-lists/\d+/$"))
    assert [entry.referral_id for entry in PickList.objects.get().entries.all()] == [kit.pk]

    kit_name = KitType.objects.get(pk=kit.kit_type_id).name
    for link_name, width, height in (("Adresetiketten afdrukken (A4-vellen)", 210, 297),
                                     ("Adresetiketten afdrukken (10×15 cm)", 100, 150)):
        content = fetch_pdf(page, page.get_by_role("link", name=link_name))
        _, text = pdf_text(content)
        assert "Fatima El Amrani" in text and "Dorpsstraat 12" in text
        assert "Stichting SD" in text and "Postbus 1234" in text
        # Nothing on the box tells a neighbour what is in it.
        assert kit_name not in text and "pakket" not in text.lower()
        box = PdfReader(io.BytesIO(content)).pages[0].mediabox
        assert (round(float(box.width) / mm), round(float(box.height) / mm)) == (width, height)


def test_the_coordinator_sees_the_deliveries_on_the_dashboard_and_downloads_them(
        new_page, volunteer, coordinator, nurse, language):
    say = language.say
    warehouse = Warehouse.objects.get(pk=volunteer.organisation_id)
    kits = approved_kits(warehouse, coordinator, nurse, 5)
    pick_list = distribution.create_pick_list(warehouse=warehouse, user=volunteer)
    distribution.pack(pick_list=pick_list, user=volunteer)
    for kit in kits:
        distribution.record_delivery(referral=Referral.objects.get(pk=kit.pk), user=volunteer)
    # The month they were delivered in, taken once: a run across midnight at a month's end
    # still compares the export and the report with that month.
    delivered_on = Referral.objects.get(pk=kits[0].pk).delivered_on

    language.data += [warehouse.name, *names_of(coordinator), *item_names()]

    desk = new_page(DESKTOP)
    log_in(desk, coordinator)
    language.switch(desk)
    desk.goto("/dashboard/")
    delivered = desk.locator("dl.key-figures > div").filter(
        has=desk.locator("dt", has_text=re.compile(say("^Bezorgd$", "^Delivered$")))
    ).locator("dd")
    expect(delivered).to_have_text("5")  # five or more are shown, fewer would be "<5"
    language.check(desk, "the dashboard")

    export = desk.locator("a[href*='group_by=month'][href*='format=csv']")
    response = desk.request.get(export.get_attribute("href"))
    assert response.ok and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text())))
    month = delivered_on.strftime("%Y-%m")
    assert [row["delivered"] for row in rows if row["month"] == month] == ["5"]
    # The last line is the totals: the same figure as the page's.
    assert (rows[-1]["month"], rows[-1]["delivered"]) == ("total", delivered.inner_text())

    report = desk.locator("a[href*='/dashboard/report.pdf']")
    _, text = pdf_text(fetch_pdf(desk, report))
    text = " ".join(text.split())
    language.check_text(text, "the monthly report")
    month_name = desk.evaluate(
        "([day, locale]) => new Date(day).toLocaleDateString(locale, {month: 'long',"
        " year: 'numeric', timeZone: 'UTC'})", [delivered_on.isoformat(),
                                                  say("nl-NL", "en-GB")])
    assert month_name in text
    assert say("Bezorgd 5", "Delivered 5") in text


def test_the_nurse_journey_in_english_has_no_dutch_left(page, nurse):
    point = PickupPointFactory(name="Bibliotheek Overvecht", city="Utrecht",
                               address="Zamenhofdreef 1")
    english = Language("en")
    english.data = ["Samira", "Bakker", "Dorpsstraat", "Utrecht", point.name, point.address,
                    nurse.organisation.name, nurse.get_full_name()]
    log_in(page, nurse)
    english.switch(page)

    def check(where: str):
        english.check(page, where)

    check("the home page")
    page.goto("/eligibility/check/")
    check("the check")
    page.get_by_label("Age of the parent").fill("30")
    page.locator("input[name=income_wages]").fill("1,100.00")
    page.get_by_role("button", name="Check", exact=True).click()
    expect(page.get_by_text("Qualifies").first).to_be_visible()
    check("the check's outcome")

    page.get_by_role("button", name="Refer this family").click()
    expect(page).to_have_url(re.compile(r"/referrals/new/$"))
    check("the referral form")
    fill_referral_form(page, point)
    check("the referral form with a pick-up point")
    page.locator("input[name=consent]").check()
    page.locator("button[name=refer]").click()

    expect(page).to_have_url(re.compile(r"/referrals/BSP-\d{4}-\d+/"))
    referral = Referral.objects.get()
    assert referral.pickup_point == point
    check("the referral's page")
    page.goto("/referrals/")
    expect(page.get_by_text(referral.code)).to_be_visible()
    check("her list")
