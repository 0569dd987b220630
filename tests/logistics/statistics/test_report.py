"""The monthly report (PDF): its text holds the key figures, the municipality, the tables, the
definitions and the statement (price × kits delivered), in Dutch and English; from the
dashboard and from the command."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from logistics.models import Municipality
from logistics.statistics import figures, report
from logistics.statistics.figures import Period
from tests.helpers import pdf_text

pytestmark = pytest.mark.django_db
FEB = Period.parse("2025-02")


def text_of(pdf: bytes) -> str:
    return " ".join(pdf_text(pdf)[1].split())


@pytest.fixture
def priced(world):
    Municipality.objects.filter(code="GM0344").update(price_per_kit=Decimal("85.50"))
    return world


def test_dutch_report_for_one_municipality(priced):
    # Utrecht in February 2025 (conftest.PLAN): r1 and r2 delivered, so 2 × € 85,50.
    text = text_of(report.render_report(FEB, priced.utrecht, "nl"))
    assert "Utrecht (GM0344)" in text
    assert "februari 2025" in text
    assert "Kerncijfers" in text
    assert "Utrecht (GM0344) 2 € 85,50 € 171,00" in text
    assert "Totaal te betalen: € 171,00" in text
    with translation.override("nl"):
        for definition in figures.DEFINITIONS.values():
            assert " ".join(str(definition).split()) in text
    assert "pagina 1 van" in text


def test_english_report_for_one_municipality(priced):
    text = text_of(report.render_report(FEB, priced.utrecht, "en"))
    assert "Key figures" in text
    assert "February 2025" in text
    assert "Utrecht (GM0344) 2 € 85.50 € 171.00" in text
    assert "Total to pay: € 171.00" in text
    with translation.override("en"):
        for definition in figures.DEFINITIONS.values():
            assert " ".join(str(definition).split()) in text


def test_key_figures_and_tables_are_the_suppressed_figures(priced):
    # Q1 for all: 10 referred, 7 approved; the rest small (conftest.PLAN).
    text = text_of(report.render_report(Period.parse("2025-01", "2025-03"), None, "en"))
    assert "Referred 10" in text
    assert "Approved 7" in text
    assert "Rejected <5" in text
    assert "Utrecht 5 <5 0 0 <5 <5" in text
    assert "All municipalities" in text


def test_no_price_set_says_so(world):
    text = text_of(report.render_report(FEB, world.utrecht, "en"))
    assert "Utrecht (GM0344) 2 no price set –" in text
    assert "No price per kit is set." in text


def test_all_municipalities_lists_each_with_its_price(priced):
    Municipality.objects.filter(code="GM0307").update(price_per_kit=Decimal("70.00"))
    text = text_of(report.render_report(Period.parse("2025-01", "2025-03"), None, "en"))
    # Only Utrecht had deliveries in Q1 (r1, r2, and r11's January delivery: 3).
    assert "Utrecht (GM0344) 3 € 85.50 € 256.50" in text
    assert "Total to pay: € 256.50" in text


def test_download_from_the_dashboard(client, priced):
    client.force_login(priced.coordinator)
    response = client.get("/dashboard/report.pdf",
                          {"month": "2025-02", "municipality": "GM0344", "lang": "en"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "startpakket-report-2025-02-GM0344.pdf" in response["Content-Disposition"]
    assert "Total to pay: € 171.00" in text_of(response.content)


@pytest.mark.parametrize(("query", "field"), [
    ({"month": "2025-2x"}, "month"),
    ({"quarter": "2025-Q5"}, "quarter"),
    ({"month": "2025-01", "quarter": "2025-Q1"}, "quarter"),
    ({"municipality": "GM9999"}, "municipality"),
    ({"lang": "de"}, "lang"),
])
def test_bad_report_choices_are_field_errors(coordinator_client, query, field):
    response = coordinator_client.get("/dashboard/report.pdf", query)
    assert response.status_code == 400
    assert list(response.context["report_form"].errors) == [field]


def test_quarter_report(priced):
    text = text_of(report.render_report(Period.quarter(2025, 1), priced.utrecht, "en"))
    assert "January 2025 – March 2025" in text
    assert "Utrecht (GM0344) 3 € 85.50 € 256.50" in text


def test_the_command_writes_the_report(priced, tmp_path):
    out = tmp_path / "report.pdf"
    call_command("stats_report", "--month", "2025-02", "--municipality", "GM0344",
                 "--language", "en", "-o", str(out), verbosity=0)
    assert "Total to pay: € 171.00" in text_of(out.read_bytes())
    call_command("stats_report", "--quarter", "2025-Q1", "-o", str(out), verbosity=0)
    assert "Alle gemeenten" in text_of(out.read_bytes())


@pytest.mark.parametrize(("arguments", "message"), [
    (["--month", "2025-13"], "--month"),
    (["--quarter", "2025-Q0"], "--quarter"),
    (["--municipality", "GM9999"], "--municipality"),
    (["--language", "de"], "--language"),
])
def test_the_command_refuses_bad_input(world, tmp_path, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("stats_report", *arguments, "-o", str(tmp_path / "r.pdf"))
    assert not (tmp_path / "r.pdf").exists()


def test_the_command_refuses_a_missing_folder(world, tmp_path):
    with pytest.raises(CommandError, match="-o"):
        call_command("stats_report", "-o", str(tmp_path / "nope" / "r.pdf"))
