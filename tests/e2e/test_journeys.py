"""The journeys as users meet them, in a real browser (issue 17.1): what the test client never
runs, the browser does here (the delivery-method script, Back, the browser's own form
handling, the CSP)."""

import re

from playwright.sync_api import expect

from logistics.models import Item, Referral, StockMovement
from tests.e2e.conftest import fill_referral_form, log_in, names_of
from tests.factories import ItemFactory, PickupPointFactory, make_referral

LIST = "/referrals/"


def test_the_nurse_checks_a_household_refers_it_on_her_phone_and_finds_it_again(page, nurse):
    point = PickupPointFactory(name="Bibliotheek Overvecht", city="Utrecht")
    log_in(page, nurse)

    page.goto("/eligibility/check/")
    page.get_by_label("Leeftijd van de ouder").fill("30")
    page.locator("input[name=income_wages]").fill("1.100,00")
    page.get_by_role("button", name="Toetsen", exact=True).click()
    expect(page.get_by_text("Komt in aanmerking").first).to_be_visible()

    page.get_by_role("button", name="Dit gezin aanmelden").click()
    expect(page).to_have_url(re.compile(r"/referrals/new/$"))
    expect(page.locator("input[name=income_wages]")).to_have_value("1.100,00")
    fill_referral_form(page, point)
    page.locator("input[name=consent]").check()
    page.locator("button[name=refer]").click()

    expect(page).to_have_url(re.compile(r"/referrals/BSP-\d{4}-\d+/"))
    referral = Referral.objects.get()
    assert (referral.postcode, referral.phone.as_e164) == ("1234 AB", "+31612345678")
    assert (referral.referred_by, referral.pickup_point) == (nurse, point)

    other = make_referral(nurse, postcode="3511 AB")
    page.goto(LIST)
    expect(page.get_by_text(referral.code)).to_be_visible()
    expect(page.get_by_text(other.code)).to_be_visible()
    # She searches her list by the postcode as she would type it, through the search form.
    search = page.get_by_role("search")
    postcode = search.locator("input[name=postcode]")
    if not postcode.is_visible():
        search.locator("summary").click()  # under "More filters"
    postcode.fill("1234ab")
    search.get_by_role("button", name="Tonen").click()
    expect(page).to_have_url(re.compile(r"postcode=1234ab"))
    expect(page.get_by_text(referral.code)).to_be_visible()
    expect(page.get_by_text(other.code)).to_have_count(0)


def test_back_after_a_goods_receipt_does_not_book_it_twice(page, volunteer, language):
    say = language.say
    Item.objects.update(is_active=False)  # only this item on the form
    romper = ItemFactory(sku="E2E-ROMPER", name="Rompertje e2e")
    language.data += [romper.name, *names_of(volunteer)]
    book = say("Ontvangst boeken", "Book receipt")
    log_in(page, volunteer)
    language.switch(page)

    page.goto("/stock/receive/")
    language.check(page, "the goods receipt")
    page.locator("input[name=item-E2E-ROMPER]").fill("12")
    page.get_by_role("button", name=book).click()
    expect(page).not_to_have_url(re.compile(r"/stock/receive/$"))  # booked: on to the stock
    assert StockMovement.objects.count() == 1
    language.check(page, "the stock after the receipt")

    page.go_back()  # the browser's own Back, to the form of before
    expect(page).to_have_url(re.compile(r"/stock/receive/$"))
    quantity = page.locator("input[name=item-E2E-ROMPER]")
    # The form asks the browser not to fill the figures in again; she types them again if not.
    if not quantity.input_value():
        quantity.fill("12")
    page.get_by_role("button", name=book).click()

    expect(page.get_by_text(re.compile(say(r"al geboekt\. Nog een keer boeken\?",
                                           r"already booked at .*\. Book it again\?"))
                            )).to_be_visible()
    expect(page.locator("input[name=book_again]")).to_be_visible()
    assert StockMovement.objects.filter(item=romper).count() == 1
    assert StockMovement.objects.count() == 1
    language.check(page, "the question whether to book it again")
