"""The work behind a referral, in a real browser (issue 17): the coordinator decides in the
approval queue and the nurse answers her question; the volunteer makes a pick list, prints its
papers, packs the kits and records at the door what happened, through the slip's QR code."""

import re

from playwright.sync_api import expect

from logistics.models import PickList, Referral, ReferralStatus, Warehouse
from tests.e2e.conftest import DESKTOP, log_in
from tests.factories import WarehouseFactory, make_referral, stock_for_kits
from tests.helpers import approved_kits, decoded_qr_codes, pdf_text

S = ReferralStatus


def status_of(referral: Referral) -> str:
    return Referral.objects.values_list("status", flat=True).get(pk=referral.pk)


def queue_card(page, referral: Referral):
    return page.locator("article.queue-item").filter(
        has=page.get_by_role("link", name=referral.code, exact=True))


def test_the_coordinator_approves_one_and_asks_about_another_the_nurse_answers(
        new_page, nurse, coordinator):
    warehouse = WarehouseFactory(name="Magazijn Noord")  # the only one: the queue's default
    stock_for_kits(warehouse, 1, user=coordinator)
    approved = make_referral(nurse, parent_last_name="Jansen")
    asked = make_referral(nurse, parent_last_name="de Vries")

    desk = new_page(DESKTOP)
    log_in(desk, coordinator)
    desk.get_by_role("link", name="Ter goedkeuring").first.click()  # the menu, on a desk
    expect(desk).to_have_url(re.compile(r"/referrals/queue/$"))
    expect(queue_card(desk, approved)).to_contain_text("Jansen")
    expect(queue_card(desk, asked)).to_contain_text("de Vries")

    queue_card(desk, approved).locator("form[action$='/approve/'] button").click()
    expect(desk).to_have_url(re.compile(r"/referrals/queue/$"))
    expect(desk.get_by_text(re.compile(rf"{approved.code}.*Magazijn Noord"))).to_be_visible()
    assert status_of(approved) == S.APPROVED
    assert Referral.objects.get(pk=approved.pk).warehouse_id == warehouse.pk
    expect(queue_card(desk, approved)).to_have_count(0)

    ask = queue_card(desk, asked).locator("form[action$='/ask/']")
    ask.locator("input[name=reason], textarea[name=reason]").fill(
        "Klopt het inkomen? Graag de loonstrook van maart.")
    ask.locator("button[type=submit]").click()
    expect(desk).to_have_url(re.compile(r"/referrals/queue/$"))
    assert status_of(asked) == S.NEEDS_INFO
    expect(queue_card(desk, asked)).to_have_count(0)
    expect(desk.get_by_text("Er wachten geen aanmeldingen op een besluit.")).to_be_visible()

    phone = new_page()  # the nurse, on her own phone
    log_in(phone, nurse)
    phone.goto(f"/referrals/{asked.code}/")
    expect(phone.locator("blockquote.question")).to_have_text(
        "Klopt het inkomen? Graag de loonstrook van maart.")
    answer = phone.locator("form[action$='/resubmit/']")
    answer.locator("input[name=reason], textarea[name=reason]").fill(
        "Ja, het klopt: de loonstrook heb ik gemaild.")
    answer.locator("button[type=submit]").click()
    expect(phone.locator("ul.messages")).to_contain_text(asked.code)
    assert status_of(asked) == S.SUBMITTED

    desk.goto("/referrals/queue/")
    expect(queue_card(desk, asked)).to_contain_text("de Vries")
    assert status_of(approved) == S.APPROVED


def test_the_volunteer_makes_a_list_prints_it_packs_and_records_both_deliveries(
        page, volunteer, coordinator, nurse, e2e, settings):
    # The slip's QR code holds the site's address: here, the live server's.
    settings.SITE_URL = e2e.url
    warehouse = Warehouse.objects.get(pk=volunteer.organisation_id)
    first, second = approved_kits(warehouse, coordinator, nurse, 2)
    log_in(page, volunteer)

    page.goto("/pick-lists/")
    expect(page.get_by_text(f"{warehouse.name}: 2 pakketten wachten op een lijst.")).to_be_visible()
    limit = page.locator("input[name=max_packages]")
    if not limit.input_value():
        limit.fill("10")
    page.get_by_role("button", name="Maak paklijst").click()
    expect(page).to_have_url(re.compile(r"/pick-lists/\d+/$"))
    pick_list = PickList.objects.get()
    assert [entry.referral_id for entry in pick_list.entries.order_by("position")] == [
        first.pk, second.pk]
    assert {status_of(first), status_of(second)} == {S.SCHEDULED}

    # The papers, fetched with the volunteer's own cookies from the links she taps.
    def pdf(link_name: str) -> bytes:
        response = page.request.get(page.get_by_role("link", name=link_name).get_attribute("href"))
        assert response.ok and response.headers["content-type"] == "application/pdf"
        return response.body()

    _, listed = pdf_text(pdf("Paklijst afdrukken"))
    assert first.code in listed and second.code in listed and "Achternaam0" not in listed
    slips = pdf("Afleverbonnen afdrukken")
    pages, slip_text = pdf_text(slips)
    assert pages == 2 and "Achternaam0" in slip_text and "Uiterlijk bezorgen" in slip_text
    _, route = pdf_text(pdf("Routelijst afdrukken"))
    assert first.code in route and "Dorpsstraat 12" in route
    urls = [codes[0] for codes in decoded_qr_codes(slips)]
    assert urls == [f"{e2e.url}/deliveries/{first.code}/", f"{e2e.url}/deliveries/{second.code}/"]

    page.locator(f"input[name=referrals][value='{first.code}']").check()
    page.locator(f"input[name=referrals][value='{second.code}']").check()
    page.get_by_role("button", name="Aangevinkte pakketten zijn ingepakt").click()
    expect(page.locator("ul.messages")).to_be_visible()
    assert {status_of(first), status_of(second)} == {S.PACKED}

    # At the first door: the phone's camera opens the slip's QR code.
    page.goto(urls[0])
    expect(page.locator("h2.code")).to_have_text(first.code)
    page.get_by_role("button", name="Bezorgd", exact=True).click()
    expect(page.locator("ul.messages")).to_contain_text(first.code)
    assert status_of(first) == S.DELIVERED

    # At the second nobody opens.
    page.goto(urls[1])
    page.get_by_text("Kon niet bezorgen").click()
    page.locator("textarea[name=reason]").fill("Niemand thuis, briefje achtergelaten.")
    page.get_by_role("button", name="Mislukte bezorging vastleggen").click()
    expect(page.locator("ul.messages")).to_contain_text(second.code)
    assert status_of(second) == S.DELIVERY_FAILED
    change = second.history.order_by("-at", "-id").first()
    assert change.reason == "Niemand thuis, briefje achtergelaten."
    assert status_of(first) == S.DELIVERED
