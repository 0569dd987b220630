"""The logistics admin: master data in and out as CSV/XLSX, the stock ledger read-only."""

import datetime
import io
from types import SimpleNamespace

import pytest
import tablib

from logistics.models import Item, KitComponent, KitType, StockMovement
from logistics.stock import services as stock
from logistics.stock.resources import ItemResource, KitComponentResource, KitTypeResource
from tests.factories import (
    ItemFactory,
    KitTypeFactory,
    WarehouseFactory,
    kit_with,
    make_referral,
)

pytestmark = pytest.mark.django_db

ADMIN = "/admin/logistics"
CSV, XLSX = 0, 1  # the order of ``formats`` in the admin
ITEM_COLUMNS = ["sku", "name", "unit", "low_stock_level", "is_active"]


@pytest.fixture
def booked(coordinator):
    """A warehouse with stock, a kit type and one reservation: a row in every admin list."""
    warehouse = WarehouseFactory()
    romper = ItemFactory(sku="TEST-ROMPER", name="Romper 50/56")
    diapers = ItemFactory(sku="TEST-LUIERS", name="Luiers maat 1")
    kit = kit_with([(romper, 2, True), (diapers, 1)], code="proef-pakket")
    movements = stock.receive(warehouse=warehouse, lines={romper: 10, diapers: 5},
                              user=coordinator, note="Donatie")
    reservation = stock.reserve(kit_type=kit, warehouse=warehouse, user=coordinator, babies=2)
    return SimpleNamespace(warehouse=warehouse, romper=romper, diapers=diapers, kit=kit,
                           movement=movements[0], reservation=reservation)


def csv_upload(*lines, name="bestand.csv"):
    upload = io.BytesIO("\n".join(lines).encode())
    upload.name = name
    return upload


def import_through_admin(client, model, upload, file_format=CSV):
    """Step one of the admin import: upload; the preview has a confirm form only if all is well."""
    preview = client.post(f"{ADMIN}/{model}/import/",
                          {"import_file": upload, "format": file_format, "resource": 0})
    assert preview.status_code == 200
    return preview, preview.context.get("confirm_form")


def confirm_import(client, model, confirm):
    response = client.post(f"{ADMIN}/{model}/process_import/", confirm.initial)
    assert response.status_code == 302
    return response


def export_through_admin(client, model, columns, file_format):
    data = {"format": file_format, "resource": 0,
            **{f"{model}resource_{name}": "on" for name in columns}}
    response = client.post(f"{ADMIN}/{model}/export/", data)
    assert response.status_code == 200, response.content[:500]
    return response.content


def export_items(client, file_format):
    return export_through_admin(client, "item", ITEM_COLUMNS, file_format)


def export_and_import_again(client, model, columns, file_format, rows):
    """Export every column, import the file as it came: all ``rows`` unchanged, none new."""
    upload = io.BytesIO(export_through_admin(client, model, columns, file_format))
    upload.name = "export.xlsx" if file_format == XLSX else "export.csv"
    preview, confirm = import_through_admin(client, model, upload, file_format)
    assert confirm is not None, preview.content.decode()[:2000]
    totals = preview.context["result"].totals
    assert (totals["new"], totals["update"], totals["skip"]) == (0, 0, rows)
    confirm_import(client, model, confirm)


def items_snapshot(**filters):
    return sorted(Item.objects.filter(**filters).values_list(*ITEM_COLUMNS))


def components_snapshot(**filters):
    return sorted(KitComponent.objects.filter(**filters).values_list(
        "kit_type__code", "item__sku", "quantity", "per_baby"))


# (a) every page opens for a coordinator


@pytest.mark.parametrize(
    "model", ["item", "kittype", "kitcomponent", "stocklevel", "stockmovement", "reservation"]
)
def test_a_coordinator_sees_every_list(coordinator_client, booked, model):
    response = coordinator_client.get(f"{ADMIN}/{model}/")
    assert response.status_code == 200
    assert response.context["cl"].result_count > 0


def test_a_coordinator_opens_the_detail_pages(coordinator_client, booked):
    component = booked.kit.components.get(item=booked.romper)
    level = booked.romper.levels.get()
    for path in [f"item/{booked.romper.pk}/change/", f"kittype/{booked.kit.pk}/change/",
                 f"kitcomponent/{component.pk}/change/", f"stocklevel/{level.pk}/change/",
                 f"stockmovement/{booked.movement.pk}/change/", "item/add/", "kittype/add/"]:
        assert coordinator_client.get(f"{ADMIN}/{path}").status_code == 200, path


def test_a_reservation_shows_its_lines_read_only(coordinator_client, booked):
    response = coordinator_client.get(f"{ADMIN}/reservation/{booked.reservation.pk}/change/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Romper 50/56" in page and "Luiers maat 1" in page
    assert 'name="_save"' not in page


def test_the_stock_level_list_sorts_by_available(coordinator_client, booked):
    # Column 5 is "available": on hand minus reserved, computed by the database.
    response = coordinator_client.get(f"{ADMIN}/stocklevel/", {"o": "5"})
    assert [level.item.sku for level in response.context["cl"].result_list] == [
        "TEST-LUIERS", "TEST-ROMPER"]  # 5 − 1 = 4 and 10 − 4 = 6


# (b) items imported through the admin, keyed on SKU


def test_an_item_import_creates_and_updates_by_sku(coordinator_client):
    ItemFactory(sku="TEST-ROMPER", name="Romper", low_stock_level=0, unit="piece")
    upload = csv_upload(
        "sku,name,unit,low_stock_level,is_active",
        "TEST-ROMPER,Romper maat 50/56,piece,10,1",
        "TEST-SOKJES,Sokjes 0-3 maanden,pair,5,",
    )
    preview, confirm = import_through_admin(coordinator_client, "item", upload)
    assert confirm is not None, preview.content.decode()[:2000]
    totals = preview.context["result"].totals
    assert (totals["new"], totals["update"]) == (1, 1)
    assert not Item.objects.filter(sku="TEST-SOKJES").exists()  # the preview writes nothing

    confirm_import(coordinator_client, "item", confirm)
    assert items_snapshot(sku__startswith="TEST-") == [
        ("TEST-ROMPER", "Romper maat 50/56", "piece", 10, True),
        ("TEST-SOKJES", "Sokjes 0-3 maanden", "pair", 5, True),  # empty: the default, active
    ]


def test_an_empty_cell_keeps_what_is_there(coordinator_client):
    ItemFactory(sku="TEST-ROMPER", name="Romper", low_stock_level=7, is_active=False)
    upload = csv_upload("sku,name,unit,low_stock_level,is_active",
                        "TEST-ROMPER,Romper,piece,,")
    _, confirm = import_through_admin(coordinator_client, "item", upload)
    confirm_import(coordinator_client, "item", confirm)
    item = Item.objects.get(sku="TEST-ROMPER")
    assert (item.low_stock_level, item.is_active) == (7, False)


def test_a_bad_item_file_is_refused_whole_with_every_line_named(coordinator_client):
    ItemFactory(sku="TEST-ROMPER", name="Romper")
    before = items_snapshot()
    upload = csv_upload(
        "sku,name,unit,low_stock_level,is_active",
        "NIEUW-1,Goed,piece,1,ja",                     # row 1: good
        "test-romper,Kleine letters,piece,1,1",       # row 2: SKU format
        "NIEUW-2,Halve,piece,2.5,1",                   # row 3: not a whole number
        "NIEUW-3,Misschien,piece,1,misschien",         # row 4: not yes or no
        "NIEUW-1,Dubbel,piece,1,1",                    # row 5: same SKU as row 1
        "NIEUW-4,Vreemd,stuk,1,1",                     # row 6: unknown unit
    )
    preview, confirm = import_through_admin(coordinator_client, "item", upload)
    assert confirm is None
    assert sorted(row.number for row in preview.context["result"].invalid_rows) == [2, 3, 4, 5, 6]
    page = preview.content.decode()
    assert "2.5" in page and "misschien" in page and "stuk" in page
    assert items_snapshot() == before


# (c) kit contents imported by kit code and SKU


def test_a_components_import_adds_and_updates_lines(coordinator_client, booked):
    upload = csv_upload(
        "kit_type,item,quantity,per_baby",
        "proef-pakket,TEST-ROMPER,3,ja",
        "proef-pakket,TEST-LUIERS,2,",
    )
    preview, confirm = import_through_admin(coordinator_client, "kitcomponent", upload)
    assert confirm is not None, preview.content.decode()[:2000]
    confirm_import(coordinator_client, "kitcomponent", confirm)
    assert components_snapshot(kit_type=booked.kit) == [
        ("proef-pakket", "TEST-LUIERS", 2, False),
        ("proef-pakket", "TEST-ROMPER", 3, True),
    ]


def test_a_components_import_with_an_unknown_sku_or_kit_writes_nothing(coordinator_client,
                                                                        booked):
    before = components_snapshot()
    upload = csv_upload(
        "kit_type,item,quantity,per_baby",
        "proef-pakket,TEST-ROMPER,5,1",
        "proef-pakket,BESTAAT-NIET,1,0",
        "geen-pakket,TEST-LUIERS,1,0",
    )
    preview, confirm = import_through_admin(coordinator_client, "kitcomponent", upload)
    assert confirm is None
    result = preview.context["result"]
    assert not result.has_errors()  # row errors with a message, not tracebacks
    assert sorted(row.number for row in result.invalid_rows) == [2, 3]
    page = preview.content.decode()
    assert "BESTAAT-NIET" in page and "geen-pakket" in page
    assert components_snapshot() == before


# (d) the ledger cannot be edited through the admin


def test_a_movement_cannot_be_changed_added_or_deleted(coordinator_client, booked):
    movement = booked.movement
    url = f"{ADMIN}/stockmovement/{movement.pk}"
    page = coordinator_client.get(f"{url}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert "deletelink" not in page.content.decode()

    changed = coordinator_client.post(f"{url}/change/", {"quantity": 1000, "note": "vals"})
    assert changed.status_code == 403
    assert coordinator_client.post(f"{url}/delete/", {"post": "yes"}).status_code == 403
    assert coordinator_client.get(f"{ADMIN}/stockmovement/add/").status_code == 403
    movement.refresh_from_db()
    assert (movement.quantity, movement.note) == (10, "Donatie")
    assert StockMovement.objects.count() == 2


def test_not_even_a_superuser_edits_the_ledger(admin_client, booked):
    url = f"{ADMIN}/stockmovement/{booked.movement.pk}"
    assert admin_client.post(f"{url}/change/", {"quantity": 1000}).status_code == 403
    assert admin_client.post(f"{url}/delete/", {"post": "yes"}).status_code == 403
    assert admin_client.get(f"{ADMIN}/stockmovement/add/").status_code == 403
    assert admin_client.post(f"{ADMIN}/item/{booked.romper.pk}/delete/",
                             {"post": "yes"}).status_code == 403


@pytest.mark.parametrize("model", ["stocklevel", "reservation", "item", "kittype"])
def test_levels_reservations_items_and_kit_types_are_never_deleted(coordinator_client, booked,
                                                                   model):
    obj = {"stocklevel": booked.romper.levels.get(), "reservation": booked.reservation,
           "item": booked.romper, "kittype": booked.kit}[model]
    response = coordinator_client.post(f"{ADMIN}/{model}/{obj.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_an_item_is_deactivated_not_renamed(coordinator_client, booked):
    url = f"{ADMIN}/item/{booked.romper.pk}/change/"
    response = coordinator_client.post(url, {"sku": "ANDERS", "name": "Romper 50/56",
                                              "unit": "piece", "low_stock_level": 0})
    assert response.status_code == 302
    booked.romper.refresh_from_db()
    assert (booked.romper.sku, booked.romper.is_active) == ("TEST-ROMPER", False)


# (e) an export imports again unchanged


@pytest.mark.parametrize("file_format", [CSV, XLSX])
def test_an_item_export_imports_again_without_changes(coordinator_client, booked, file_format):
    ItemFactory(sku="TEST-SOKJES", name="Sokjes", unit="pair", low_stock_level=12,
                is_active=False)
    before = items_snapshot()
    export_and_import_again(coordinator_client, "item", ITEM_COLUMNS, file_format, len(before))
    assert items_snapshot() == before


# the resources on their own


def test_the_item_export_has_plain_columns(booked):
    dataset = ItemResource().export(Item.objects.filter(sku="TEST-ROMPER"))
    assert dataset.headers == ITEM_COLUMNS
    assert list(dataset[0]) == ["TEST-ROMPER", "Romper 50/56", "piece", 0, "1"]


def test_a_duplicate_component_line_is_refused(booked):
    KitTypeFactory(code="tweede")
    dataset = tablib.Dataset(headers=["kit_type", "item", "quantity", "per_baby"])
    dataset.append(["tweede", "TEST-LUIERS", 1, "nee"])
    dataset.append(["tweede", "TEST-LUIERS", 2, "nee"])
    result = KitComponentResource().import_data(dataset, dry_run=True)
    assert [row.number for row in result.invalid_rows] == [2]
    assert "tweede / TEST-LUIERS" in str(result.invalid_rows[0].error_dict)


# kit types: English texts, time window and follow-up kit in and out

KIT_TYPE_COLUMNS = ["code", "name", "description", "name_en", "description_en",
                    "window_opens_weeks", "deliver_by_weeks", "follow_up", "is_active"]


def kit_types_snapshot():
    return sorted(KitType.objects.values_list(
        "code", "name", "description", "name_en", "description_en", "window_opens_weeks",
        "deliver_by_weeks", "follow_up__code", "is_active"))


def test_the_kit_type_export_has_the_window_the_follow_up_and_the_english_texts():
    first = KitType.objects.get(code="start-50-68")
    dataset = KitTypeResource().export(KitType.objects.filter(pk=first.pk))
    assert dataset.headers == KIT_TYPE_COLUMNS
    assert dataset.dict[0] | {"description": "", "description_en": ""} == {
        "code": "start-50-68", "name": first.name, "description": "",
        "name_en": first.name_en, "description_en": "", "window_opens_weeks": -16,
        "deliver_by_weeks": -6, "follow_up": first.follow_up.code, "is_active": "1"}


@pytest.mark.parametrize("file_format", [CSV, XLSX])
def test_a_kit_type_export_imports_again_without_changes(coordinator_client, file_format):
    before = kit_types_snapshot()
    export_and_import_again(coordinator_client, "kittype", KIT_TYPE_COLUMNS, file_format,
                            len(before))
    assert kit_types_snapshot() == before


def test_an_imported_window_moves_the_dates_of_the_referrals_under_way(coordinator_client):
    referral = make_referral()
    assert referral.kit_type.code == "start-50-68"
    upload = csv_upload("code,name_en,window_opens_weeks,deliver_by_weeks,follow_up",
                        "start-50-68,First kit,-20,-8,")
    preview, confirm = import_through_admin(coordinator_client, "kittype", upload)
    assert confirm is not None, preview.content.decode()[:2000]
    referral.refresh_from_db()
    assert referral.deliver_by == referral.due_date - datetime.timedelta(weeks=6)  # a preview

    confirm_import(coordinator_client, "kittype", confirm)
    kit = KitType.objects.get(code="start-50-68")
    # The columns in the file changed, those not in it (name, description) stayed.
    assert (kit.name_en, kit.window_opens_weeks, kit.deliver_by_weeks, kit.follow_up) == (
        "First kit", -20, -8, None)
    assert kit.name == referral.kit_type.name
    referral.refresh_from_db()
    assert (referral.window_opens, referral.deliver_by) == (
        referral.due_date - datetime.timedelta(weeks=20),
        referral.due_date - datetime.timedelta(weeks=8))


def test_a_bad_kit_type_file_is_refused_whole_with_every_line_named(coordinator_client):
    KitTypeFactory(code="proef-a", name="Proef A")
    KitTypeFactory(code="proef-b", name="Proef B", follow_up=KitType.objects.get(code="proef-a"))
    before = kit_types_snapshot()
    upload = csv_upload(
        "code,name,window_opens_weeks,deliver_by_weeks,follow_up",
        "proef-c,Goed,-16,-6,proef-a",                 # row 1: good
        "proef-d,Omgekeerd,-6,-16,",                   # row 2: opens after deliver by
        "proef-e,Onbekend,-16,-6,bestaat-niet",        # row 3: unknown follow-up kit
        "proef-a,Kringetje,-16,-6,proef-b",            # row 4: a -> b -> a, planned for ever
        "proef-f,Half,-16.5,-6,",                      # row 5: not a whole number of weeks
    )
    preview, confirm = import_through_admin(coordinator_client, "kittype", upload)
    assert confirm is None
    result = preview.context["result"]
    assert not result.has_errors()  # row errors with a message, not tracebacks
    errors = {row.number: row.error_dict for row in result.invalid_rows}
    assert sorted(errors) == [2, 3, 4, 5]
    assert set(errors[2]) == {"deliver_by_weeks"} and set(errors[4]) == {"follow_up"}
    page = preview.content.decode()
    assert "bestaat-niet" in page and "-16.5" in page
    assert kit_types_snapshot() == before
