"""Admin exports never hand a spreadsheet a formula (issue 13, point 6a): a text cell that
starts with ``=``, ``+``, ``-`` or ``@`` is exported with an apostrophe in front, in CSV and
XLSX alike; numbers stay numbers."""

import io

import openpyxl
import pytest
import tablib

from startpakket.spreadsheets import escape_formula
from tests.factories import ItemFactory
from tests.logistics.stock.test_admin import CSV, XLSX, export_items

pytestmark = pytest.mark.django_db

FORMULAS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3", "\t=1+1"]


@pytest.fixture
def formula_items():
    return {f"TEST-F{index}": ItemFactory(sku=f"TEST-F{index}", name=name)
            for index, name in enumerate(FORMULAS)}


def test_csv_exports_escape_formulas(coordinator_client, formula_items):
    rows = tablib.Dataset().load(export_items(coordinator_client, CSV).decode("utf-8-sig"),
                                 format="csv").dict
    names = {row["sku"]: row["name"] for row in rows}
    for sku, item in formula_items.items():
        assert names[sku] == "'" + item.name
    assert names["TEST-F0"] == '\'=HYPERLINK("http://x","y")'


def test_xlsx_exports_hold_no_formula(coordinator_client, formula_items):
    sheet = openpyxl.load_workbook(io.BytesIO(export_items(coordinator_client, XLSX))).active
    header = [cell.value for cell in sheet[1]]
    names = {}
    for row in sheet.iter_rows(min_row=2):
        assert all(cell.data_type != "f" for cell in row), [cell.value for cell in row]
        values = dict(zip(header, (cell.value for cell in row), strict=True))
        names[values["sku"]] = values["name"]
    for sku, item in formula_items.items():
        assert names[sku] == "'" + item.name


def test_a_carriage_return_in_front_is_escaped_too():
    # XLSX stores it as a line feed, so it is tested here rather than through an export.
    assert escape_formula("\r=1+1") == "'\r=1+1"


def test_plain_text_and_numbers_are_left_alone():
    for value in ["Romper 50/56", "", "-5", "-2.50", "-2,5", 7, None, "a=b"]:
        assert escape_formula(value) == value


def test_a_control_character_does_not_break_the_xlsx_export(coordinator_client):
    ItemFactory(sku="TEST-CTRL", name="Romper\x01 50/56")
    sheet = openpyxl.load_workbook(io.BytesIO(export_items(coordinator_client, XLSX))).active
    assert "Romper\N{REPLACEMENT CHARACTER} 50/56" in [cell.value for cell in sheet["B"]]
