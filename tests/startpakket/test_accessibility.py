"""What every page offers people who use a keyboard, a screen reader or poor eyesight: badges
readable at WCAG's 4.5:1, a skip link to the main content, and nothing outside a landmark."""

import re
from html.parser import HTMLParser

import pytest

from tests.helpers import ROOT

CSS = ROOT / "startpakket" / "static" / "startpakket" / "app.css"
LANDMARKS = {"header", "main", "footer", "nav", "aside"}


def _luminance(hex_colour: str) -> float:
    """WCAG 2's relative luminance of ``#rrggbb`` or ``#rgb``."""
    digits = hex_colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    channels = [int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted([_luminance(first), _luminance(second)], reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_contrast_is_computed_as_wcag_does():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def css_rules() -> dict[str, dict[str, str]]:
    """Selector → its declarations, with ``var(--x)`` resolved from ``:root``."""
    text = re.sub(r"/\*.*?\*/", "", CSS.read_text(), flags=re.S)
    rules: dict[str, dict[str, str]] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
        declarations = {
            name.strip(): value.strip()
            for name, _, value in (part.partition(":") for part in body.split(";"))
            if value.strip()}
        for selector in selectors.split(","):
            rules.setdefault(selector.strip(), {}).update(declarations)
    variables = rules.get(":root", {})

    def resolve(value: str) -> str:
        return re.sub(r"var\((--[\w-]+)\)", lambda m: variables[m.group(1)], value)

    return {selector: {name: resolve(value) for name, value in declarations.items()}
            for selector, declarations in rules.items()}


def colours(declarations: dict[str, str]) -> tuple[str, str]:
    background = declarations.get("background-color") or declarations["background"]
    return background.split()[0], declarations["color"]


@pytest.mark.parametrize("selector", [".badge-at-risk", ".badge-low"])
def test_the_amber_badges_reach_4_5_to_1(selector):
    background, text = colours(css_rules()[selector])
    assert background == "#c79100"  # still amber: the colour says "almost too late" / "low"
    assert contrast(background, text) >= 4.5


def test_every_badge_with_its_own_colours_reaches_4_5_to_1():
    badges = {selector: declarations for selector, declarations in css_rules().items()
              if re.fullmatch(r"\.badge(-[\w-]+)?", selector) and "color" in declarations
              and ({"background", "background-color"} & declarations.keys())}
    assert len(badges) >= 4
    for selector, declarations in badges.items():
        assert contrast(*colours(declarations)) >= 4.5, selector


class PageOutline(HTMLParser):
    """Where the skip link points, which ids exist, and the landmarks around the demo banner."""

    VOID = {"meta", "link", "input", "br", "img", "hr", "source", "area", "col", "wbr"}

    def __init__(self):
        super().__init__()
        self.open: list[tuple[str, dict]] = []
        self.ids: set[str] = set()
        self.first_link: dict | None = None
        self.body_seen = False
        self.demo_banner_landmarks: list[str] | None = None
        self.main_id: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and self.first_link is None and self.body_seen:
            self.first_link = attrs
        if tag == "body":
            self.body_seen = True
        if tag == "main":
            self.main_id = attrs.get("id")
        if "demo-banner" in (attrs.get("class") or "").split():
            self.demo_banner_landmarks = [
                name for name, its in self.open if name in LANDMARKS or its.get("role")]
        if tag not in self.VOID:
            self.open.append((tag, attrs))

    def handle_endtag(self, tag):
        while self.open:
            if self.open.pop()[0] == tag:
                break


def outline(response) -> PageOutline:
    parser = PageOutline()
    parser.feed(response.content.decode())
    return parser


@pytest.mark.parametrize("url", ["/", "/accounts/login/"])
def test_the_first_link_skips_to_the_main_content(client, referrer, url):
    if url == "/":
        client.force_login(referrer)
    page = outline(client.get(url))
    assert page.first_link is not None
    assert page.first_link["class"] == "skip-link"
    target = page.first_link["href"]
    assert target.startswith("#")
    assert target[1:] in page.ids
    assert page.main_id == target[1:]


def test_the_demo_banner_sits_inside_the_page_header(referrer_client, settings):
    settings.DEMO = True
    page = outline(referrer_client.get("/"))
    assert page.demo_banner_landmarks == ["header"]
