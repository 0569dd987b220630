"""End-to-end tests: Debian's chromium, driven headless by Playwright, against a live server
the tests start on a free port (pytest-django's ``live_server``).

The browser is never downloaded: Playwright drives the chromium the system has
(``E2E_CHROMIUM``, default /usr/bin/chromium). Without it these tests are skipped with the
reason, unless ``REQUIRE_E2E`` or ``CI`` is set: then they fail, so CI cannot go green without
having run them. A failing test leaves a screenshot and the page's HTML under var/e2e/; every
page's load time is written to var/e2e/timings.txt (recorded, never asserted).

The live server serves real commits to another thread, so these tests run on a transactional
database, which is emptied after each test: each test loads the shipped data itself.
"""

import datetime
import json
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from startpakket.roles import Role
from tests.factories import TEST_PASSWORD, UserFactory

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
# Root in a container has no sandbox; nothing of the browser's own may go to the network.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Every page a test loads: the navigation's load time, kept in the tab's sessionStorage (it
# outlives the page; it is the same origin throughout) and read when the test ends. Playwright
# runs init scripts outside the page's CSP.
RECORD_LOAD_TIME = """
window.addEventListener("load", () => setTimeout(() => {
  const [nav] = performance.getEntriesByType("navigation");
  if (!nav) return;
  const seen = JSON.parse(sessionStorage.getItem("e2e-timings") || "[]");
  seen.push({url: location.pathname + location.search, ms: Math.round(nav.loadEventEnd),
             type: nav.type});
  sessionStorage.setItem("e2e-timings", JSON.stringify(seen));
}, 0));
"""


def artefacts_dir() -> Path:
    directory = Path(settings.VAR_DIR) / "e2e"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def e2e_required() -> bool:
    return any(os.environ.get(name, "") not in {"", "0"} for name in ("REQUIRE_E2E", "CI"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so the page fixture knows at teardown whether the
    test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"e2e_report_{report.when}", report)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The journeys last, after pytest-django's ordering: while the browser runs, its event
    loop counts as running in the test thread (see ``browser``), so no other test should run
    in between."""
    e2e = [item for item in items if item.nodeid.startswith("tests/e2e/")]
    if e2e:
        items[:] = [item for item in items if not item.nodeid.startswith("tests/e2e/")] + e2e


TIMINGS: list[tuple[str, str, int, str]] = []


def pytest_sessionfinish(session):
    if not TIMINGS:
        return
    lines = [f"{ms:6d} ms  {url}  ({kind}; {test})" for test, url, ms, kind in TIMINGS]
    slowest = sorted(TIMINGS, key=lambda row: -row[2])[:5]
    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    text = (f"Page load times of the end-to-end journeys on {database} (loadEventEnd, ms)\n"
            + "\n".join(lines) + "\n\nSlowest five:\n"
            + "\n".join(f"{ms:6d} ms  {url}" for _, url, ms, _ in slowest) + "\n")
    (artefacts_dir() / "timings.txt").write_text(text)


def pytest_terminal_summary(terminalreporter):
    if TIMINGS:
        terminalreporter.write_line(
            f"e2e: {len(TIMINGS)} page loads, slowest {max(ms for _, _, ms, _ in TIMINGS)} ms; "
            f"all in {artefacts_dir() / 'timings.txt'}")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        reason = (f"no chromium at {CHROMIUM} (apt-get install chromium, or set E2E_CHROMIUM); "
                  "the end-to-end tests need it")
        if e2e_required():
            pytest.fail(reason + " and REQUIRE_E2E/CI is set", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop marked as running in this thread, so Django
    # would refuse the tests' own database calls as "async". They are plain sync calls between
    # two browser steps; the flag is on only while the browser runs (the journeys run last).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


# The order of a date's parts in the browser's own language, asked of a tab without a locale
# of its own (``new_page`` gives each tab nl-NL, which changes ``Intl`` and ``navigator`` only).
DATE_ORDER = """() => new Intl.DateTimeFormat(navigator.language, {
  day: "2-digit", month: "2-digit", year: "numeric"}).formatToParts(new Date(2027, 3, 1))
  .filter((part) => part.type !== "literal").map((part) => part.type)"""


@pytest.fixture(scope="session")
def date_field_order(browser) -> tuple[str, ...]:
    """The order in which Chromium's date field takes day, month and year, e.g. ("month",
    "day", "year"). It follows the browser's own language, not the page's nor the tab's
    locale: Debian's chromium without chromium-l10n has en-US only, so it asks month first
    even on a Dutch page in a tab set to nl-NL."""
    context = browser.new_context()
    try:
        return tuple(context.new_page().evaluate(DATE_ORDER))
    finally:
        context.close()


def date_as_typed(day: datetime.date, order: tuple[str, ...]) -> str:
    """The digits a person types into the date field for ``day``, in the field's order (it
    moves on by itself after two digits of day or month)."""
    parts = {"day": f"{day.day:02d}", "month": f"{day.month:02d}", "year": f"{day.year:04d}"}
    return "".join(parts[part] for part in order)


@pytest.fixture
def e2e(transactional_db, live_server, settings):
    """The live server with the shipped data (role groups, kit types, norms) loaded again:
    the transactional database is emptied after every test."""
    # The live server speaks plain HTTP, and a browser refuses a __Host- cookie without Secure.
    settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME = "sessionid", "csrftoken"
    call_command("install_defaults", verbosity=0)
    return live_server


@pytest.fixture
def new_page(browser, e2e, request):
    """``new_page(viewport=PHONE)``: a tab of its own (own cookies) on the live server. At the
    end of the test its load times are kept and, when the test failed, its screenshot and HTML
    are written to var/e2e/<test>-<n>.png/.html."""
    contexts = []

    def make(viewport=DESKTOP):
        context = browser.new_context(viewport=viewport, base_url=e2e.url, locale="nl-NL",
                                      timezone_id="Europe/Amsterdam")
        context.set_default_timeout(15_000)
        context.add_init_script(RECORD_LOAD_TIME)
        contexts.append(context)
        return context.new_page()

    yield make

    failed = any(getattr(getattr(request.node, f"e2e_report_{when}", None), "failed", False)
                 for when in ("setup", "call"))
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    for number, context in enumerate(contexts, start=1):
        for page in context.pages:
            try:
                seen = json.loads(page.evaluate("sessionStorage.getItem('e2e-timings') || '[]'"))
            except Exception:  # a page that is gone or not ours: no timings, not a failure
                seen = []
            TIMINGS.extend((request.node.name, row["url"], row["ms"], row["type"]) for row in seen)
            if failed:
                stem = artefacts_dir() / f"{name}-{number}"
                page.screenshot(path=f"{stem}.png", full_page=True)
                Path(f"{stem}.html").write_text(page.content())
        context.close()


@pytest.fixture
def page(new_page):
    """A tab on a phone (390×844), the viewport most users have."""
    return new_page(PHONE)


def log_in(page, user):
    """Log in through the login page, as a person does (two-step login is off in the tests)."""
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    return user


@pytest.fixture
def nurse(e2e):
    return UserFactory(role=Role.REFERRER)


@pytest.fixture
def volunteer(e2e):
    return UserFactory(role=Role.WAREHOUSE)


@pytest.fixture
def coordinator(e2e):
    return UserFactory(role=Role.COORDINATOR)


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """axe-core's violations of those impacts on the page as it is now. The axe script is the
    copy bundled in axe-playwright-python, put into the page from disk: nothing is fetched."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [violation for violation in results.response["violations"]
            if violation["impact"] in impacts]


def describe_violations(url: str, violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{url}: {violation['id']} ({violation['impact']}) {violation['help']}")
        lines.extend(f"    {', '.join(map(str, node['target']))}: {node['html'][:200]}"
                     + "".join(f"\n      - {check['message']}" for check in
                               node.get("any", []) + node.get("all", []) + node.get("none", []))
                     for node in violation["nodes"])
    return "\n".join(lines)


# Common words of the Dutch interface: none may be left on a page in English.
DUTCH = ("Aanmelding", "aanmelden", "Aanmelden", "Toets", "Toetsen", "Pakket", "pakket",
         "pakketten", "Bezorg", "Bezorgd", "Bezorging", "bezorgen", "Opslaan", "Uitloggen",
         "Wissel", "Afhaalpunt", "afhaalpunt", "verplicht", "Verplicht", "Gezin", "gezin",
         "Zoeken", "Tonen", "Instellingen", "Verwijzingen", "Aanmeldingen", "Leeftijd",
         "Inkomen", "Ouder", "Uitgerekende", "Postcode is", "Terug", "Annuleren", "Versturen",
         "Komt in aanmerking", "Paklijst", "paklijst", "Ingepakt", "Magazijn", "Voorraad",
         "Ontvangst", "Goedkeuren", "Vraag", "Maand", "Totaal", "Geen", "niet", "voor",
         "van de", "het", "een", "wachten", "afdrukken", "maat", "Vervolgpakket")

# What a user reads or hears: the text (also of a menu folded away on the phone and of what is
# there for screen readers only) and the attributes that speak.
PAGE_TEXT = """(() => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll("script, style, template").forEach((node) => node.remove());
  const spoken = [...body.querySelectorAll("[aria-label], [title], [placeholder], [alt]")]
    .flatMap((node) => ["aria-label", "title", "placeholder", "alt"]
      .map((name) => node.getAttribute(name) || ""));
  return [document.title, body.innerText, body.textContent, ...spoken].join("\\n");
})()"""


def dutch_left(page, data=()) -> list[str]:
    """The Dutch interface words on the page, leaving out ``data`` (what was typed, the data
    the tests made) and the language's own name in the switch."""
    return dutch_words(page.evaluate(PAGE_TEXT), data)


def dutch_words(text: str, data=()) -> list[str]:
    """The Dutch interface words in ``text`` (a page's or a document's), leaving out ``data``."""
    for written in sorted({*data, "Nederlands"}, key=len, reverse=True):
        text = text.replace(written, " ")
    # Each word with the text around it, to find where it comes from.
    return [f"{word}: …{text[max(0, found.start() - 40):found.end() + 40]}…"
            for word in DUTCH if (found := re.search(rf"\b{re.escape(word)}\b", text))]


def switch_to_english(page) -> None:
    """The language switch in the header, as a person uses it (her choice is stored)."""
    page.locator("select[name=language]").select_option("en")
    page.get_by_role("button", name="Wissel").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


class Language:
    """A journey that runs in Dutch and once more in English (the ``language`` fixture).

    ``say(dutch, english)`` is what the user reads in the journey's language; ``switch(page)``
    turns a logged-in tab to that language with the header's switch; in English ``check(page,
    where)`` fails when a Dutch word is left on the page, leaving out ``data``: the names and
    texts the test made or typed (data, not interface)."""

    def __init__(self, code: str):
        self.code = code
        self.english = code == "en"
        self.data: list[str] = []

    def say(self, dutch: str, english: str) -> str:
        return english if self.english else dutch

    def switch(self, page) -> None:
        if self.english:
            switch_to_english(page)

    def check(self, page, where: str) -> None:
        if self.english:
            page.wait_for_load_state()
            assert dutch_left(page, self.data) == [], f"Dutch on {where} ({page.url})"

    def check_text(self, text: str, where: str) -> None:
        """In English, no Dutch word in a document's text (a PDF's, say)."""
        if self.english:
            assert dutch_words(text, self.data) == [], f"Dutch in {where}"


def names_of(*users) -> list[str]:
    """What the pages show of these people: their names and their organisations' (data)."""
    return [text for user in users
            for text in (user.get_full_name(), user.organisation.name if user.organisation
                         else "")
            if text]


def item_names() -> list[str]:
    """The articles' names: data the warehouse keeps in Dutch, as its shelves are labelled."""
    from logistics.models import Item

    return list(Item.objects.values_list("name", flat=True))


@pytest.fixture(params=["nl", "en"])
def language(request):
    return Language(request.param)


def due_in_days(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def fill_referral_form(page, point, *, due_days: int = 120) -> None:
    """The nurse's typing on the referral form, up to the consent: the family, the phone and
    postcode as people type them, the due date, the first kit and ``point`` to collect it at."""
    page.locator("input[name=parent_first_name]").fill("Samira")
    page.locator("input[name=parent_last_name]").fill("Bakker")
    page.locator("input[name=phone]").fill("06-12 34 56 78")
    page.locator("input[name=street]").fill("Dorpsstraat")
    page.locator("input[name=house_number]").fill("12")
    page.locator("input[name=postcode]").fill("1234ab")
    page.locator("input[name=city]").fill("Utrecht")
    page.locator("input[name=due_date]").fill(due_in_days(due_days))
    page.locator("select[name=kit_type]").select_option("start-50-68")
    # The pick-up list appears (the page's script) only once "pick-up point" is chosen.
    page.locator("input[name=delivery_method][value=pickup]").check()
    page.locator("select[name=pickup_point]").select_option(point.code)
