"""The admin as a coordinator reads it: every section and model in Dutch (the third-party apps'
included), the shipped policy's note written for her, and import-export's "Select all" working
under the Content Security Policy."""

import re

import pytest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from eligibility.models import Policy
from startpakket.models import Organisation
from tests.helpers import ROOT

pytestmark = pytest.mark.django_db


def test_the_admin_index_names_every_section_and_model_in_dutch(coordinator_client):
    page = coordinator_client.get("/admin/").content.decode()
    for dutch in ("Authenticator-apps", "Reservecodes", "Sets reservecodes", "Audittrail",
                  "API-tokens", "Gebruikers", "Beleid"):
        assert dutch in page, dutch
    for english in ("OTP_TOTP", "Otp_Totp", "OTP_STATIC", "Otp_Static",
                    "TOTP device", "Static device", "static device", "Audit log", "Audit Log"):
        assert english not in page, english


@pytest.mark.parametrize("url", ["/admin/otp_totp/totpdevice/", "/admin/otp_static/staticdevice/"])
def test_the_device_pages_speak_dutch(coordinator_client, referrer, url):
    TOTPDevice.objects.create(user=referrer, name="Telefoon", confirmed=True)
    device = StaticDevice.objects.create(user=referrer, name="backup", confirmed=True)
    pages = [coordinator_client.get(url).content.decode()]
    if "static" in url:
        pages.append(coordinator_client.get(f"{url}{device.pk}/change/").content.decode())
    for page in pages:
        assert "Gekoppeld" in page or "gekoppeld" in page
        for english in ("Created at", "Last used at", "Confirmed", "Search by user",
                        "The user that this device", "Identity", "Timestamps"):
            assert english not in page, english
    assert "Laatst gebruikt" in pages[0] and "Zoek op gebruikersnaam of e-mailadres" in pages[0]


def test_the_audit_trail_names_changed_fields_in_dutch(coordinator_client, coordinator):
    organisation = Organisation.objects.get(pk=coordinator.organisation_id)
    organisation.name = "Stichting Nieuwe Naam"
    organisation.save()
    page = coordinator_client.get("/admin/auditlog/logentry/").content.decode()
    assert "1 wijziging: naam" in page
    assert "1 change:" not in page and "changes:" not in page
    assert ">Organisaties</a>" in page  # the filter by kind of object
    for english in (">Resource<", ">Action<", ">system<", ">organisation</a>"):
        assert english not in page, english


def test_the_shipped_policy_note_is_written_for_coordinators():
    note = Policy.objects.get().note
    assert "DESIGN" not in note and "design" not in note
    assert "130%" in note and "Voeg dan een nieuw beleid toe" in note


EXPORT = "/admin/logistics/item/export/"


def test_the_export_page_has_no_inline_script_or_style(coordinator_client):
    page = coordinator_client.get(EXPORT).content.decode()
    assert 'class="select-toggle"' in page  # the "Select all" box is there
    scripts = re.findall(r"<script\b([^>]*)>", page)
    assert scripts and all("src=" in attributes for attributes in scripts), scripts
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", page), "an inline event handler"
    assert not re.search(r"<[^>]+\sstyle\s*=", page), "an inline style"
    assert '<script src="/static/startpakket/admin_export.js"></script>' in page
    label = re.search(r'<label for="([^"]+)"><strong>Alles selecteren', page)
    assert label and f'id="{label.group(1)}"' in page


def test_the_select_all_script_ticks_the_export_fields():
    script = (ROOT / "startpakket" / "static" / "startpakket" / "admin_export.js").read_text()
    assert ".select-toggle" in script and ".selectable-field-export-row" in script
    assert 'addEventListener("change"' in script
