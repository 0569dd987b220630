"""The work behind a referral, in a real browser (issue 17): the coordinator decides in the
approval queue and the nurse answers her question; the volunteer makes a pick list, prints its
papers, packs the kits and records at the door what happened, through the slip's QR code."""

import re

from playwright.sync_api import expect

from logistics.models import PickList, Referral, ReferralStatus, Warehouse
from tests.e2e.conftest import DESKTOP, item_names, log_in, names_of
from tests.factories import WarehouseFactory, make_referral, stock_for_kits
from tests.helpers import approved_kits, decoded_qr_codes, pdf_text

S = ReferralStatus


def status_of(referral: Referral) -> str:
    return Referral.objects.values_list("status", flat=True).get(pk=referral.pk)


def queue_card(page, referral: Referral):
    return page.locator("article.queue-item").filter(
        has=page.get_by_role("link", name=referral.code, exact=True))


def test_the_coordinator_approves_one_and_asks_about_another_the_nurse_answers(
        new_page, nurse, coordinator, language):
    say = language.say
    warehouse = WarehouseFactory(name="Magazijn Noord")  # the only one: the queue's default
    stock_for_kits(warehouse, 1, user=coordinator)
    approved = make_referral(nurse, parent_last_name="Jansen")
    asked = make_referral(nurse, parent_last_name="de Vries")
    question = "Klopt het inkomen? Graag de loonstrook van maart."
    answer_text = "Ja, het klopt: de loonstrook heb ik gemaild."
    language.data += [warehouse.name, question, answer_text,
                      *names_of(nurse, coordinator)]

    desk = new_page(DESKTOP)
    log_in(desk, coordinator)
    language.switch(desk)
    desk.get_by_role("link", name=say("Ter goedkeuring", "Approval queue")).first.click()
    expect(desk).to_have_url(re.compile(r"/referrals/queue/$"))
    expect(queue_card(desk, approved)).to_contain_text("Jansen")
    expect(queue_card(desk, asked)).to_contain_text("de Vries")
    language.check(desk, "the queue")

    queue_card(desk, approved).locator("form[action$='/approve/'] button").click()
    expect(desk).to_have_url(re.compile(r"/referrals/queue/$"))
    expect(desk.get_by_text(re.compile(rf"{approved.code}.*Magazijn Noord"))).to_be_visible()
    assert status_of(approved) == S.APPROVED
    assert Referral.objects.get(pk=approved.pk).warehouse_id == warehouse.pk
    expect(queue_card(desk, approved)).to_have_count(0)
    language.check(desk, "the queue after approving")

    ask = queue_card(desk, asked).locator("form[action$='/ask/']")
    ask.locator("input[name=reason], textarea[name=reason]").fill(question)
    ask.locator("button[type=submit]").click()
    expect(desk).to_have_url(re.compile(r"/referrals/queue/$"))
    assert status_of(asked) == S.NEEDS_INFO
    expect(queue_card(desk, asked)).to_have_count(0)
    expect(desk.get_by_text(say("Er wachten geen aanmeldingen op een besluit.",
                                "No referrals are waiting for a decision."))).to_be_visible()
    language.check(desk, "the empty queue")

    phone = new_page()  # the nurse, on her own phone
    log_in(phone, nurse)
    language.switch(phone)
    phone.goto(f"/referrals/{asked.code}/")
    expect(phone.locator("blockquote.question")).to_have_text(question)
    language.check(phone, "the question on the referral's page")
    answer = phone.locator("form[action$='/resubmit/']")
    answer.locator("input[name=reason], textarea[name=reason]").fill(answer_text)
    answer.locator("button[type=submit]").click()
    expect(phone.locator("ul.messages")).to_contain_text(asked.code)
    assert status_of(asked) == S.SUBMITTED
    language.check(phone, "the referral's page after answering")

    desk.goto("/referrals/queue/")
    expect(queue_card(desk, asked)).to_contain_text("de Vries")
    assert status_of(approved) == S.APPROVED


def test_the_volunteer_makes_a_list_prints_it_packs_and_records_both_deliveries(
        page, volunteer, coordinator, nurse, e2e, settings, language):
    say = language.say
    # The slip's QR code holds the site's address: here, the live server's.
    settings.SITE_URL = e2e.url
    warehouse = Warehouse.objects.get(pk=volunteer.organisation_id)
    first, second = approved_kits(warehouse, coordinator, nurse, 2)
    reason = "Niemand thuis, briefje achtergelaten."
    language.data += [warehouse.name, reason, "Samira", "Dorpsstraat", "Utrecht",
                      *names_of(volunteer, nurse), *item_names()]
    log_in(page, volunteer)
    language.switch(page)

    page.goto("/pick-lists/")
    expect(page.get_by_text(say(f"{warehouse.name}: 2 pakketten wachten op een lijst.",
                                f"{warehouse.name}: 2 kits wait for a list."))).to_be_visible()
    language.check(page, "the pick lists")
    limit = page.locator("input[name=max_packages]")
    if not limit.input_value():
        limit.fill("10")
    page.get_by_role("button", name=say("Maak paklijst", "Make pick list")).click()
    expect(page).to_have_url(re.compile(r"/pick-lists/\d+/$"))
    pick_list = PickList.objects.get()
    assert [entry.referral_id for entry in pick_list.entries.order_by("position")] == [
        first.pk, second.pk]
    assert {status_of(first), status_of(second)} == {S.SCHEDULED}
    language.check(page, "the pick list")

    # The papers, fetched with the volunteer's own cookies from the links she taps, in her
    # language.
    def pdf(dutch: str, english: str) -> tuple[int, str, bytes]:
        link = page.get_by_role("link", name=say(dutch, english))
        response = page.request.get(link.get_attribute("href"))
        assert response.ok and response.headers["content-type"] == "application/pdf"
        pages, text = pdf_text(response.body())
        language.check_text(text, english)
        return pages, text, response.body()

    _, listed, _ = pdf("Paklijst afdrukken", "Print pick list")
    assert first.code in listed and second.code in listed and "Achternaam0" not in listed
    pages, slip_text, slips = pdf("Afleverbonnen afdrukken", "Print delivery slips")
    assert pages == 2 and "Achternaam0" in slip_text
    assert say("Uiterlijk bezorgen", "Deliver by") in slip_text
    _, route, _ = pdf("Routelijst afdrukken", "Print route sheet")
    assert first.code in route and "Dorpsstraat 12" in route
    urls = [codes[0] for codes in decoded_qr_codes(slips)]
    assert urls == [f"{e2e.url}/deliveries/{first.code}/", f"{e2e.url}/deliveries/{second.code}/"]

    page.locator(f"input[name=referrals][value='{first.code}']").check()
    page.locator(f"input[name=referrals][value='{second.code}']").check()
    page.get_by_role("button", name=say("Aangevinkte pakketten zijn ingepakt",
                                        "Ticked kits are packed")).click()
    expect(page.locator("ul.messages")).to_be_visible()
    assert {status_of(first), status_of(second)} == {S.PACKED}
    language.check(page, "the pick list, packed")

    # At the first door: the phone's camera opens the slip's QR code.
    page.goto(urls[0])
    expect(page.locator("h2.code")).to_have_text(first.code)
    language.check(page, "the delivery page")
    page.get_by_role("button", name=say("Bezorgd", "Delivered"), exact=True).click()
    expect(page.locator("ul.messages")).to_contain_text(first.code)
    assert status_of(first) == S.DELIVERED
    language.check(page, "the page after the delivery")

    # At the second nobody opens.
    page.goto(urls[1])
    page.get_by_text(say("Kon niet bezorgen", "Could not deliver")).click()
    page.locator("textarea[name=reason]").fill(reason)
    language.check(page, "the failed delivery's form")
    page.get_by_role("button", name=say("Mislukte bezorging vastleggen",
                                        "Record failed delivery")).click()
    expect(page.locator("ul.messages")).to_contain_text(second.code)
    assert status_of(second) == S.DELIVERY_FAILED
    change = second.history.order_by("-at", "-id").first()
    assert change.reason == reason
    assert status_of(first) == S.DELIVERED
    language.check(page, "the page after the failed delivery")
