"""Checks on the project as a whole: migrations, translations, fixtures."""

import io
import re
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "locale" / "nl" / "LC_MESSAGES" / "django"


@pytest.mark.django_db
def test_models_and_migrations_agree():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_every_text_has_a_dutch_translation():
    catalog = polib.pofile(str(CATALOG.with_suffix(".po")))
    untranslated = [entry.msgid for entry in catalog.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalog.fuzzy_entries()]
    # Obsolete (#~) entries are texts the source dropped; `make messages` leaves none behind.
    obsolete = [entry.msgid for entry in catalog.obsolete_entries()]
    assert not untranslated, untranslated
    assert not fuzzy, fuzzy
    assert not obsolete, obsolete


def test_the_dutch_texts_address_the_reader_with_je():
    """One form of address throughout: "je" and "jouw", never "u" and "uw"."""
    catalog = polib.pofile(str(CATALOG.with_suffix(".po")))
    formal = re.compile(r"\b(u|uw)\b", re.IGNORECASE)
    found = [text for entry in catalog.translated_entries()
             for text in [entry.msgstr, *entry.msgstr_plural.values()] if formal.search(text)]
    assert not found, found


def test_the_compiled_catalog_matches_the_source():
    source = polib.pofile(str(CATALOG.with_suffix(".po")))
    compiled = polib.mofile(str(CATALOG.with_suffix(".mo")))
    as_dict = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in compiled}
    stale = [
        entry.msgid for entry in source.translated_entries()
        if not entry.msgid_plural and as_dict.get((entry.msgctxt, entry.msgid)) != entry.msgstr
    ]
    assert not stale, f"run `make messages` to recompile: {stale[:5]}"
