"""Accessibility in a real browser (issue 17.2): axe-core on the journeys' pages and the admin
pages a coordinator uses daily, the referral form with the keyboard alone, and errors tied to
their fields."""

import datetime
import re
from urllib.parse import urlsplit

from django.utils import timezone
from playwright.sync_api import expect

from logistics.models import Referral
from tests.e2e.conftest import (
    DESKTOP,
    PHONE,
    axe_violations,
    date_as_typed,
    describe_violations,
    log_in,
)
from tests.factories import PickupPointFactory, make_referral


def check_pages(page, steps) -> list[str]:
    """Each step is a path to visit, or a (name, function) that brings the page to a state;
    after each, axe runs. Returns the serious and critical violations, described."""
    found = []
    for step in steps:
        if isinstance(step, str):
            response = page.goto(step)
            # An error page or a redirect elsewhere would be checked instead and pass.
            assert response is not None and response.ok, f"{step}: {response and response.status}"
            assert page.url.endswith(step), f"{step} went to {page.url}"
            name = step
        else:
            name, act = step
            act(page)
        if violations := axe_violations(page):
            found.append(describe_violations(name, violations))
    return found


def eligibility_outcome(page):
    page.goto("/eligibility/check/")
    page.get_by_label("Leeftijd van de ouder").fill("30")
    page.locator("input[name=income_wages]").fill("1.100,00")
    page.get_by_role("button", name="Toetsen", exact=True).click()
    expect(page.get_by_text("Komt in aanmerking").first).to_be_visible()


def referral_form_with_errors(page):
    page.goto("/referrals/new/")
    page.locator("button[name=check]").click()
    expect(page.locator(".form-errors")).to_be_visible()


def login_with_errors(page):
    page.goto("/accounts/login/")
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    expect(page.locator(".field-error").first).to_be_visible()


def receipt_with_errors(page):
    page.goto("/stock/receive/")
    page.locator("input[name^=item-]").first.fill("0")  # at least 1
    page.locator("form.card button[type=submit]").click()
    expect(page.locator(".field-error").first).to_be_visible()


def watch_requests(page, origin):
    """Every request the page makes that leaves the live server."""
    elsewhere = []
    page.on("request", lambda request: elsewhere.append(request.url)
            if urlsplit(request.url).netloc not in {"", urlsplit(origin).netloc}
            and not request.url.startswith(("data:", "blob:")) else None)
    return elsewhere


def test_the_pages_have_no_serious_or_critical_axe_violation(
        new_page, nurse, coordinator, volunteer, e2e):
    referral = make_referral(nurse)

    phone = new_page(PHONE)
    elsewhere = watch_requests(phone, e2e.url)
    found = check_pages(phone, ["/accounts/login/", ("/accounts/login/ with errors",
                                                     login_with_errors)])
    log_in(phone, nurse)
    found += check_pages(phone, [
        "/",
        "/eligibility/check/",
        ("/eligibility/check/ with an outcome", eligibility_outcome),
        "/referrals/new/",
        ("/referrals/new/ with errors", referral_form_with_errors),
        "/referrals/",
        f"/referrals/{referral.code}/",
        "/accounts/settings/",
    ])

    desk = new_page(DESKTOP)
    elsewhere += watch_requests(desk, e2e.url)
    log_in(desk, coordinator)
    found += check_pages(desk, [
        "/",
        "/referrals/",
        "/referrals/queue/",
        f"/referrals/{referral.code}/",
        "/pick-lists/",
        "/deliveries/",
        "/stock/",
        "/stock/receive/",
        "/dashboard/",
        "/accounts/settings/",
        "/admin/",
        "/admin/logistics/referral/",
        "/admin/logistics/kittype/",
    ])

    shelf = new_page(PHONE)  # the volunteer books what came in, on her phone
    elsewhere += watch_requests(shelf, e2e.url)
    log_in(shelf, volunteer)
    found += check_pages(shelf, ["/stock/receive/",
                                 ("/stock/receive/ with errors", receipt_with_errors)])

    assert not found, "\n\n".join(found)
    # axe-core comes from the package, injected from disk: the pages fetched nothing elsewhere.
    assert elsewhere == []


FOCUSED = """() => { const el = document.activeElement;
  return {tag: el.tagName.toLowerCase(), name: el.name || "", type: el.type || "",
          value: el.value || "", checked: !!el.checked}; }"""


def tab_to(page, name, limit=80):
    """Tab (only Tab) until the field or button of that name has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED)["name"] == name:
            return
    raise AssertionError(f"Tab never reached {name}")


def test_the_referral_form_works_with_the_keyboard_alone(page, nurse, date_field_order):
    point = PickupPointFactory(name="Bibliotheek Overvecht", city="Utrecht")
    # A day after the 12th: typed in the wrong order, its day is no month and the date changes.
    due = timezone.localdate() + datetime.timedelta(days=120)
    due += datetime.timedelta(days=max(0, 13 - due.day))
    typed = {"parent_first_name": "Samira", "parent_last_name": "Bakker",
             "phone": "0612345678", "street": "Dorpsstraat", "house_number": "12",
             "postcode": "1234ab", "city": "Utrecht",
             "due_date": date_as_typed(due, date_field_order),
             "applicant_age": "30", "income_wages": "1100"}
    log_in(page, nurse)
    page.goto("/referrals/new/")
    page.locator("h1").click()  # focus starts at the top of the form, as after reading it
    for name, text in typed.items():
        tab_to(page, name)
        page.keyboard.type(text)
    expect(page.locator("input[name=due_date]")).to_have_value(due.isoformat())
    tab_to(page, "kit_type")
    for _ in range(10):  # a closed list: the arrow keys pick the next option
        if page.evaluate(FOCUSED)["value"] == "start-50-68":
            break
        page.keyboard.press("ArrowDown")
    tab_to(page, "delivery_method")  # on the checked radio; the arrows move the choice
    page.keyboard.press("ArrowDown")
    assert page.evaluate(FOCUSED) | {"tag": "input"} == {
        "tag": "input", "name": "delivery_method", "type": "radio", "value": "pickup",
        "checked": True}
    tab_to(page, "pickup_point")  # shown by the page's script once pick-up is chosen
    page.keyboard.press("ArrowDown")
    tab_to(page, "consent")
    page.keyboard.press("Space")
    tab_to(page, "check")
    page.keyboard.press("Enter")  # Check: the outcome, then Refer
    expect(page.locator("button[name=refer]")).to_be_visible()
    assert Referral.objects.count() == 0
    page.locator("h1").click()
    tab_to(page, "refer")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/referrals/BSP-\d{4}-\d+/"))
    referral = Referral.objects.get()
    assert (referral.parent_first_name, referral.postcode) == ("Samira", "1234 AB")
    assert referral.due_date == due
    assert (referral.referred_by, referral.pickup_point, referral.kit_type.code) == (
        nurse, point, "start-50-68")


def test_every_invalid_field_says_so_and_points_at_its_error(page, nurse):
    log_in(page, nurse)
    referral_form_with_errors(page)
    invalid = page.locator("[aria-invalid=true]")
    # As many fields are marked invalid as the summary at the top lists.
    assert invalid.count() >= 1
    assert page.locator(".field-invalid").count() == page.locator(".form-errors li").count()
    for field in invalid.all():
        name = field.get_attribute("name")
        described = (field.get_attribute("aria-describedby") or "").split()
        assert described, f"{name}: no aria-describedby"
        texts = [page.locator(f"#{id_}").inner_text() for id_ in described
                 if page.locator(f"#{id_}").count()]
        assert any(
            page.locator(f"#{id_}").locator(".field-error").count() for id_ in described
        ), f"{name}: aria-describedby {described} holds no error ({texts})"
        error = field.locator("xpath=ancestor::*[contains(@class,'field')][1]"
                              "//*[contains(@class,'field-error')]")
        assert error.first.inner_text() in " ".join(texts), name
