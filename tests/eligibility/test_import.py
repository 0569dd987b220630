"""Norm tables in and out as CSV/XLSX: a bad file is refused whole, with every bad line named."""

import csv
import io
from decimal import Decimal

import pytest
import tablib

from eligibility.imports import NormImportRefused, import_norms, load_dataset
from eligibility.models import NormRow, NormTable

pytestmark = pytest.mark.django_db

EXCL_COLUMN = "amount_excl_holiday_allowance"
HEADER = ("valid_from,category,amount_incl_holiday_allowance,amount_excl_holiday_allowance,"
          "status,source")


def csv_dataset(*lines):
    return load_dataset("\n".join([HEADER, *lines]).encode(), "csv")


def snapshot():
    return sorted(NormRow.objects.values_list("table__valid_from", "category", "amount_incl",
                                              "amount_excl", "status"))


def test_the_shipped_tables_are_loaded_with_sources_and_status():
    assert NormTable.objects.count() == 7
    assert NormRow.objects.count() == 63
    row = NormRow.objects.get(table__valid_from="2026-01-01", category="single_21_aow")
    assert (row.amount_incl, row.amount_excl, row.status) == (
        Decimal("1401.50"), Decimal("1331.43"), "uncertain")
    assert "Normenbrief" in row.source
    derived = NormRow.objects.get(table__valid_from="2025-07-01", category="single_18_20")
    assert derived.amount_incl == Decimal("337.98")  # 321.08 / 0.95 = 337.978…


def test_a_good_file_adds_a_table_and_derives_missing_amounts():
    report = import_norms(csv_dataset(
        "2026-07-01,single_21_aow,1420.00,,published,Normenbrief juli 2026",
        "2026-07-01,couple_21_aow,,1920.00,published,Normenbrief juli 2026",
    ))
    assert report.new == 2
    rows = {r.category: r for r in NormRow.objects.filter(table__valid_from="2026-07-01")}
    assert rows["single_21_aow"].amount_excl == Decimal("1349.00")
    assert rows["couple_21_aow"].amount_incl == Decimal("2021.05")


def test_a_file_with_bad_rows_writes_nothing_and_names_every_bad_line():
    before = snapshot()
    with pytest.raises(NormImportRefused) as refused:
        import_norms(csv_dataset(
            "2026-07-01,single_21_aow,1420.00,,published,ok",            # line 2: good
            "2026-07-01,single_99,1420.00,,published,x",                 # line 3: category
            "2026-07-01,couple_21_aow,-5,,published,x",                  # line 4: negative
            "2026-07-01,single_aow,veel,,published,x",                   # line 5: not a number
            "2026-07-01,single_21_aow,1421.00,,published,x",             # line 6: duplicate
            "2026-07-01,couple_aow,,,published,x",                       # line 7: no amount
            "1 juli 2026,couple_18_20,600,,published,x",                 # line 8: date
            "2026-07-01,single_18_20,300.001,,published,x",              # line 9: decimals
        ))
    lines = {problem.line: " ".join(problem.messages) for problem in refused.value.problems}
    assert sorted(lines) == [3, 4, 5, 6, 7, 8, 9]
    assert "single_99" in lines[3]
    assert "negatief" in lines[4]
    assert "veel" in lines[5]
    assert "rij 1" in lines[6]
    assert "minstens een" in lines[7]
    assert "JJJJ-MM-DD" in lines[8]
    assert "2 decimalen" in lines[9]
    assert snapshot() == before
    assert not NormTable.objects.filter(valid_from="2026-07-01").exists()


@pytest.mark.parametrize(
    ("written", "expected"),
    [("1420.50", "1420.50"), ("1420,50", "1420.50"), ("1.420,50", "1420.50"), ("€ 1420", "1420")],
)
def test_amounts_in_dutch_spreadsheet_notation(written, expected):
    import_norms(csv_dataset(f'2026-07-01,single_21_aow,"{written}",,published,x'))
    row = NormRow.objects.get(table__valid_from="2026-07-01")
    assert row.amount_incl == Decimal(expected)


def test_an_ambiguous_amount_is_refused_not_guessed():
    with pytest.raises(NormImportRefused, match=r"1,420\.50"):
        import_norms(csv_dataset('2026-07-01,single_21_aow,"1,420.50",,published,x'))


def test_a_file_without_the_key_columns_is_refused():
    dataset = load_dataset(b"date,amount\n2026-07-01,1\n", "csv")
    with pytest.raises(NormImportRefused, match="valid_from"):
        import_norms(dataset)


def test_import_norms_command_refuses_a_bad_file(tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "norms.csv"
    path.write_text(HEADER + "\n2026-07-01,single_99,1,,published,x\n")
    with pytest.raises(CommandError, match="regel 2"):
        call_command("import_norms", str(path))


def test_install_defaults_keeps_a_coordinators_corrections():
    from django.core.management import call_command

    row = NormRow.objects.get(table__valid_from="2026-01-01", category="single_21_aow")
    row.status = "published"
    row.save(update_fields=["status"])
    call_command("install_defaults", verbosity=0)
    row.refresh_from_db()
    assert row.status == "published"


def export_from_admin(client, file_format):
    """Export through the admin, as a coordinator does: format 0 is CSV, 1 is XLSX."""
    fields = ["valid_from", "category", "amount_incl", "amount_excl", "status", "source"]
    data = {"format": file_format, "resource": 0}
    data.update({f"normrowresource_{name}": "on" for name in fields})
    response = client.post("/admin/eligibility/normrow/export/", data)
    assert response.status_code == 200, response.content[:500]
    return response.content


def import_through_admin(client, content, name, file_format):
    upload = io.BytesIO(content)
    upload.name = name
    preview = client.post("/admin/eligibility/normrow/import/",
                          {"import_file": upload, "format": file_format, "resource": 0})
    assert preview.status_code == 200
    confirm = preview.context.get("confirm_form")
    return preview, confirm


def test_a_coordinator_exports_edits_in_a_spreadsheet_and_imports_a_new_table(coordinator_client):
    exported = export_from_admin(coordinator_client, 0).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert len(rows) == 63
    # In the spreadsheet: copy the newest table's rows to a new date with new figures.
    new_rows = [
        dict(row, valid_from="2026-07-01", status="published", source="Normenbrief 1 juli 2026",
             amount_incl_holiday_allowance="",
             amount_excl_holiday_allowance=str(Decimal(row[EXCL_COLUMN]) + 10))
        for row in rows if row["valid_from"] == "2026-01-01"
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(new_rows)

    preview, confirm = import_through_admin(coordinator_client, out.getvalue().encode(),
                                            "normen.csv", 0)
    assert confirm is not None, preview.content.decode()[:2000]
    response = coordinator_client.post("/admin/eligibility/normrow/process_import/",
                                       confirm.initial)
    assert response.status_code == 302
    table = NormTable.objects.get(valid_from="2026-07-01")
    single = table.rows.get(category="single_21_aow")
    assert single.amount_excl == Decimal("1341.43")
    assert single.amount_incl == Decimal("1412.03")  # derived: 1341.43 / 0.95
    assert table.rows.count() == 9


def test_the_admin_refuses_a_bad_file_and_shows_the_lines(coordinator_client):
    content = (HEADER + "\n2026-07-01,single_99,1,,published,x\n").encode()
    preview, confirm = import_through_admin(coordinator_client, content, "normen.csv", 0)
    assert confirm is None
    assert "single_99" in preview.content.decode()
    assert not NormTable.objects.filter(valid_from="2026-07-01").exists()


def test_xlsx_round_trip(coordinator_client):
    content = export_from_admin(coordinator_client, 1)
    dataset = tablib.Dataset().load(content, format="xlsx")
    assert len(dataset) == 63
    report = import_norms(dataset)
    assert report.new == 0 and report.updated == 0
