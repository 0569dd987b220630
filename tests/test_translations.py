"""Every text a user reads is in the Dutch catalogue, and no text bypasses it.

The catalogue's own health (untranslated, fuzzy, obsolete, compiled) is checked in test_project.py;
here the source is compared with it: a fresh extraction of the current tree (Django's makemessages,
run on a throwaway copy so the committed catalogue is never touched) must match the catalogue
exactly, and heuristics catch texts that never reach gettext at all.
"""

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.template.base import Lexer, TokenType

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale" / "nl" / "LC_MESSAGES"
# Where user-facing source lives; tests, benchmarks, scripts and docs are not shown to users.
SOURCE_PACKAGES = ("startpakket", "logistics", "eligibility")
TEMPLATE_DIRS = (ROOT / "templates", *(ROOT / package / "templates" for package in SOURCE_PACKAGES))

# Runs in a subprocess: makemessages reads settings, and with the project's settings it would write
# into the committed locale/ (LOCALE_PATHS). A bare configuration sends it to the copy's locale/.
EXTRACT = """
import sys
import django
from django.conf import settings
settings.configure(LOCALE_PATHS=[sys.argv[1]])
django.setup()
from django.core.management import call_command
for domain in ("django", "djangojs"):
    call_command("makemessages", locale=["nl"], domain=domain, verbosity=0)
"""


def _copy_source(target: Path) -> None:
    """The files makemessages reads (.py, .html, .txt, .js), as `make messages` sees them."""
    skip = {".venv", "var", ".git", "locale", "node_modules", "__pycache__"}
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT)
        if skip & set(relative.parts) or relative.parts[0].endswith(".egg-info"):
            continue
        if path.is_file() and path.suffix in {".py", ".html", ".txt", ".js"}:
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / relative)


def _keys(catalog: polib.POFile) -> set[tuple[str | None, str]]:
    return {(entry.msgctxt, entry.msgid) for entry in catalog if not entry.obsolete}


def _show(keys) -> list[str]:
    return sorted(f"{context}|{msgid}" if context else msgid for context, msgid in keys)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> dict[str, polib.POFile]:
    """A fresh extraction of the current source, per domain (empty when a domain has no texts)."""
    if not shutil.which("xgettext") or not shutil.which("msgmerge"):
        pytest.fail("GNU gettext is needed to extract the texts: apt-get install gettext")
    copy = tmp_path_factory.mktemp("source")
    _copy_source(copy)
    locale = copy / "locale"
    subprocess.run([sys.executable, "-c", EXTRACT, str(locale)], cwd=copy, check=True, timeout=120)
    fresh = locale / "nl" / "LC_MESSAGES"
    found = {domain: fresh / f"{domain}.po" for domain in ("django", "djangojs")}
    return {domain: polib.pofile(str(path)) if path.exists() else polib.POFile()
            for domain, path in found.items()}


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_catalogue_holds_exactly_the_texts_in_the_source(extracted, domain):
    committed_path = LOCALE / f"{domain}.po"
    committed = polib.pofile(str(committed_path)) if committed_path.exists() else polib.POFile()
    missing = _keys(extracted[domain]) - _keys(committed)
    stale = _keys(committed) - _keys(extracted[domain])
    assert not missing, f"not in {committed_path.name}, run `make messages`: {_show(missing)}"
    assert not stale, f"in {committed_path.name} but no longer in the source: {_show(stale)}"


def test_the_extraction_finds_the_texts(extracted):
    """Guards the test above against an extraction that silently found nothing."""
    msgids = {entry.msgid for entry in extracted["django"]}
    assert {"Refer this family", "Dutch"} <= msgids  # one from a template, one from Python


# ---- Text that never reaches gettext -------------------------------------------------------------

# Words a template may show untranslated: the product's name, the language switch (each language
# names itself, as language switches do), and the HTTP header shown as code on the API token page.
UNTRANSLATED_WORDS = {"Startpakket", "Nederlands", "English", "Authorization", "Token"}
# The 500 page is rendered without a request context (Django renders it bare when something broke),
# so it cannot use the reader's language and says everything in both languages on purpose.
BILINGUAL_TEMPLATES = {"templates/500.html"}
# Attributes a reader sees or hears; `value` only on buttons (elsewhere it is form data).
READ_ATTRIBUTES = re.compile(
    r'\b(?:title|alt|placeholder|aria-label|aria-description|data-label)="([^"]*)"')
BUTTON_VALUE = re.compile(r'<input\b[^>]*\btype="(?:submit|button|reset)"[^>]*\bvalue="([^"]*)"|'
                          r'<input\b[^>]*\bvalue="([^"]*)"[^>]*\btype="(?:submit|button|reset)"')
WORD = re.compile(r"[^\W\d_]{2,}")


def _templates() -> list[Path]:
    return sorted(path for directory in TEMPLATE_DIRS if directory.is_dir()
                  for path in directory.rglob("*") if path.suffix in {".html", ".txt"})


def untranslated_template_text(source: str) -> list[str]:
    """Words a reader would see that are not inside {% translate %} or {% blocktranslate %}."""
    parts, in_blocktranslate, in_comment = [], False, False
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = (token.contents.split() or [""])[0]
            in_blocktranslate = name in {"blocktranslate", "blocktrans"} or (
                in_blocktranslate and name not in {"endblocktranslate", "endblocktrans"})
            in_comment = name == "comment" or (in_comment and name != "endcomment")
            parts.append("\0")  # a tag's output is never literal text; keeps words apart
        elif token.token_type == TokenType.VAR:
            parts.append("\0")
        elif token.token_type == TokenType.TEXT and not (in_blocktranslate or in_comment):
            parts.append(token.contents)
    html = "".join(parts)
    html = re.sub(r"<(script|style)\b.*?</\1>|<!--.*?-->", " ", html, flags=re.S | re.I)
    shown = [*READ_ATTRIBUTES.findall(html), *(a or b for a, b in BUTTON_VALUE.findall(html))]
    shown += re.sub(r"&#?\w+;", " ", re.sub(r"<[^>]*>", "\n", html)).split("\n")
    return [word for text in shown for word in WORD.findall(text) if word not in UNTRANSLATED_WORDS]


def test_templates_show_no_text_outside_the_catalogue():
    found = {}
    for path in _templates():
        relative = path.relative_to(ROOT).as_posix()
        if relative in BILINGUAL_TEMPLATES:
            continue
        if words := untranslated_template_text(path.read_text()):
            found[relative] = words
    assert not found, f"wrap these in {{% translate %}}: {found}"


def test_the_template_check_sees_text_in_all_its_hiding_places():
    assert untranslated_template_text(
        '<p>Hallo</p><button title="Opslaan">{% translate "Save" %}</button>'
        '<input type="submit" value="Verstuur"><input type="hidden" value="x1">'
    ) == ["Opslaan", "Verstuur", "Hallo"]
    assert untranslated_template_text(
        '{% blocktranslate %}Hi {{ name }}{% endblocktranslate %}'
        '{% comment %}Let op{% endcomment %}<!-- note -->'
        '<script src="{% static "a.js" %}"></script><title>{{ x }} · Startpakket</title>'
    ) == []


# Common Dutch words that are not also English words, and the product's own Dutch vocabulary.
DUTCH = re.compile(
    r"\b(het|een|niet|geen|je|jouw|jij|wordt|worden|zijn|naar|voor|deze|dit|ook|maar|moet|kunnen|kan|"
    r"bij|uit|nog|alle|aanmelding\w*|pakket\w*|bezorg\w*|gezin\w*|ophaal\w*|magazijn\w*|voorraad\w*|"
    r"verpleegkundige\w*|afgeleverd|gegevens|datum|opslaan|annuleren|verwijder\w*|toevoegen|terug|"
    r"welkom|overzicht|gebruiker\w*|wachtwoord\w*|inloggen|uitloggen)\b",
    re.IGNORECASE,
)
# Made-up Dutch households, people and notes for `make demo` and the load tests (stored as data,
# as a user would have typed them); never shown outside the demo.
DEMO_DATA = {"logistics/demo.py", "logistics/demo_history.py", "logistics/load_data.py",
             "startpakket/demo.py", "startpakket/management/commands/load_demo.py"}


def dutch_strings_in_python(source: str) -> list[str]:
    """String literals with Dutch words, docstrings left out (gettext's msgids are English)."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value) for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docstrings and DUTCH.search(node.value)]


def test_python_has_no_dutch_text_outside_the_catalogue():
    found = {}
    for package in SOURCE_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "migrations" in path.parts or relative in DEMO_DATA:
                continue
            if strings := dutch_strings_in_python(path.read_text()):
                found[relative] = strings
    assert not found, f"write these in English inside gettext: {found}"


def test_no_msgid_is_dutch():
    catalog = polib.pofile(str(LOCALE / "django.po"))
    dutch = [entry.msgid for entry in catalog if DUTCH.search(entry.msgid)]
    assert not dutch, dutch


def test_the_python_check_finds_dutch_but_not_english():
    source = '"""Het pakket."""\nx = _("Het pakket is bezorgd")\ny = "Save"'
    assert dutch_strings_in_python(source) == ["Het pakket is bezorgd"]


# ---- JavaScript ----------------------------------------------------------------------------------

# Where a script would put text in front of the reader.
JS_TEXT_SINKS = re.compile(r"\b(textContent|innerText|innerHTML|outerHTML|alert|confirm|prompt|"
                           r"placeholder|title|ariaLabel|setCustomValidity)\b|aria-label")
# Arguments that are selectors, ids or event names, or texts already going through gettext.
JS_CODE_ARGUMENT = re.compile(
    r"\b(?:gettext|ngettext|pgettext|npgettext|querySelector|querySelectorAll|getElementById|closest|matches|addEventListener|"
    r"removeEventListener|getAttribute|setAttribute|toggleAttribute|hasAttribute)\(\s*(['\"`])(?:(?!\1).)*\1")
JS_STRING = re.compile(r"(['\"`])((?:(?!\1)[^\\]|\\.)*)\1")


def untranslated_js_text(source: str) -> list[str]:
    code = re.sub(r"/\*.*?\*/|//[^\n]*", " ", source, flags=re.S)
    sinks = JS_TEXT_SINKS.findall(code)
    strings = [text for _, text in JS_STRING.findall(JS_CODE_ARGUMENT.sub(" ", code))
               if re.search(r"\s", text) or re.match(r"[A-Z][a-z]", text)]
    return [f"{sink} (a text sink)" for sink in sinks if sink] + strings


def test_scripts_show_no_text_outside_the_catalogue():
    """The scripts only show and hide; a script that writes text must use a djangojs catalogue
    (gettext in JavaScript, checked by the extraction above)."""
    found = {}
    for package in SOURCE_PACKAGES:
        for path in sorted((ROOT / package / "static").rglob("*.js")):
            if texts := untranslated_js_text(path.read_text()):
                found[path.relative_to(ROOT).as_posix()] = texts
    assert not found, found


def test_the_script_check_finds_text():
    source = 'el.querySelector(".a b");\nx = "Pick-up point";\ny = gettext("Close");'
    assert untranslated_js_text(source) == ["Pick-up point"]
    source = '/* "Hello there" */ box.textContent = label;'
    assert untranslated_js_text(source) == ["textContent (a text sink)"]
