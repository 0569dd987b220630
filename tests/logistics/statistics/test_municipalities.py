"""Municipalities and their postcodes (DESIGN §6): kept by coordinators in the admin (also as
CSV/XLSX), and a referral's municipality from its postcode; unknown is no error."""

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from logistics.models import Municipality, PostcodeRange, Referral
from logistics.referrals import retention, services
from logistics.statistics.municipalities import parse_ranges, set_postcode_ranges
from startpakket.roles import Role
from tests.factories import UserFactory, make_referral, referral_input

pytestmark = pytest.mark.django_db
ADMIN = "/admin/logistics/municipality"


def municipality(code, name, ranges, price=None):
    made = Municipality.objects.create(code=code, name=name, price_per_kit=price)
    set_postcode_ranges(made, ranges)
    return made


@pytest.fixture
def utrecht():
    return municipality("GM0344", "Utrecht", [(3500, 3585)], price="85.00")


@pytest.mark.parametrize(("text", "ranges"), [
    ("3500-3585, 3600", [(3500, 3585), (3600, 3600)]),
    (" 3611 ;3500 – 3510\n", [(3500, 3510), (3611, 3611)]),
    ("", []),
])
def test_postcodes_are_read_as_ranges(text, ranges):
    assert parse_ranges(text) == ranges


@pytest.mark.parametrize("text", ["350", "3500-", "0999", "3600-3500", "35OO", "3500-10000"])
def test_what_is_not_a_postcode_or_range_is_named(text):
    with pytest.raises(ValidationError) as refused:
        parse_ranges(text)
    assert text.strip() in refused.value.messages[0]


def test_ranges_do_not_overlap(utrecht):
    nieuwegein = Municipality.objects.create(code="GM0356", name="Nieuwegein")
    with pytest.raises(ValidationError) as refused:
        set_postcode_ranges(nieuwegein, [(3430, 3439), (3580, 3590)])
    assert "Utrecht" in " ".join(refused.value.messages)
    with pytest.raises(ValidationError):
        set_postcode_ranges(nieuwegein, [(3430, 3439), (3435, 3436)])
    assert not nieuwegein.postcode_ranges.exists()


def test_a_referral_gets_its_municipality_from_its_postcode(utrecht):
    assert make_referral(postcode="3511 AB").municipality == utrecht
    # A postcode no range covers: "unknown", never an error.
    assert make_referral(postcode="9999 ZZ").municipality is None


def test_a_correction_moves_the_referral(utrecht):
    referrer, coordinator = UserFactory(role=Role.REFERRER), UserFactory(role=Role.COORDINATOR)
    referral = make_referral(referrer, postcode="3511 AB")
    services.ask_for_information(referral=referral, user=coordinator, reason="Adres?")
    services.update_referral(referral=referral, user=referrer, answer="Verhuisd",
                             data=referral_input(postcode="1011 AB"))
    referral.refresh_from_db()
    assert referral.municipality is None


def test_the_command_derives_them_again_after_the_ranges_change(utrecht):
    referral = make_referral(postcode="3431 AB")
    assert referral.municipality is None
    nieuwegein = municipality("GM0356", "Nieuwegein", [(3430, 3439)])
    out = io.StringIO()
    call_command("derive_municipalities", stdout=out)
    referral.refresh_from_db()
    assert referral.municipality == nieuwegein
    assert "1" in out.getvalue()
    call_command("derive_municipalities", stdout=io.StringIO())  # nothing left to change


def test_an_anonymised_referral_keeps_its_municipality(utrecht, settings):
    coordinator = UserFactory(role=Role.COORDINATOR)
    referral = make_referral(postcode="3511 AB")
    services.reject_referral(referral=referral, user=coordinator, reason="Te hoog inkomen")
    referral.history.update(at="2020-01-01T12:00:00Z")
    retention.anonymise(referral, today=referral.created_at.date().replace(year=2030))
    call_command("derive_municipalities", stdout=io.StringIO())
    referral = Referral.objects.get(pk=referral.pk)
    assert referral.postcode == "3511" and referral.municipality == utrecht


# --- the admin ------------------------------------------------------------------------------


def csv_upload(*lines):
    upload = io.BytesIO("\n".join(lines).encode())
    upload.name = "gemeenten.csv"
    return upload


def import_csv(client, *lines):
    preview = client.post(f"{ADMIN}/import/", {"import_file": csv_upload(*lines), "format": 0,
                                               "resource": 0})
    assert preview.status_code == 200
    return preview


def test_a_coordinator_imports_municipalities_with_their_postcodes(coordinator_client):
    preview = import_csv(coordinator_client, "code,name,price_per_kit,postcodes",
                         'GM0344,Utrecht,85.00,"3500-3585, 3450-3455"',
                         "GM0356,Nieuwegein,,3430-3439")
    confirm = preview.context["confirm_form"]
    assert confirm is not None
    coordinator_client.post(f"{ADMIN}/process_import/", confirm.initial)
    utrecht = Municipality.objects.get(code="GM0344")
    assert str(utrecht.price_per_kit) == "85.00"
    assert list(utrecht.postcode_ranges.values_list("first", "last")) == [(3450, 3455),
                                                                         (3500, 3585)]
    assert Municipality.objects.get(code="GM0356").price_per_kit is None


@pytest.mark.parametrize(("line", "message"), [
    ("GM0356,Nieuwegein,,34x0", "34x0"),
    ("GM0356,Nieuwegein,,3580-3590", "Utrecht"),
    ("0356,Nieuwegein,,3430-3439", "GM0344"),
    ("GM0356,Nieuwegein,veel,3430-3439", ""),
])
def test_a_bad_line_is_named_and_nothing_is_written(coordinator_client, utrecht, line, message):
    preview = import_csv(coordinator_client, "code,name,price_per_kit,postcodes",
                         "GM0321,Houten,80,3990-3995", line)
    assert preview.context.get("confirm_form") is None
    result = preview.context["result"]
    assert result.has_validation_errors() or result.has_errors()
    assert message in preview.content.decode()
    assert list(Municipality.objects.values_list("code", flat=True)) == ["GM0344"]
    assert PostcodeRange.objects.count() == 1


def test_export_then_import_changes_nothing(coordinator_client, utrecht):
    municipality("GM0356", "Nieuwegein", [(3430, 3439), (3441, 3441)])
    data = {"format": 1, "resource": 0, **{f"municipalityresource_{name}": "on" for name in
                                            ["code", "name", "price_per_kit", "postcodes"]}}
    exported = coordinator_client.post(f"{ADMIN}/export/", data)
    assert exported.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(exported.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["code", "name", "price_per_kit", "postcodes"]
    assert ["GM0356", "Nieuwegein", None, "3430-3439, 3441"] in rows
    before = sorted(PostcodeRange.objects.values_list("municipality__code", "first", "last"))
    upload = io.BytesIO(exported.content)
    upload.name = "gemeenten.xlsx"
    preview = coordinator_client.post(f"{ADMIN}/import/", {"import_file": upload, "format": 1,
                                                           "resource": 0})
    coordinator_client.post(f"{ADMIN}/process_import/", preview.context["confirm_form"].initial)
    assert sorted(PostcodeRange.objects.values_list("municipality__code", "first",
                                                    "last")) == before


def test_overlapping_ranges_are_refused_on_the_admin_page(coordinator_client, utrecht):
    response = coordinator_client.post(f"{ADMIN}/add/", {
        "code": "GM0356", "name": "Nieuwegein", "price_per_kit": "",
        "postcode_ranges-TOTAL_FORMS": "2", "postcode_ranges-INITIAL_FORMS": "0",
        "postcode_ranges-0-first": "3430", "postcode_ranges-0-last": "3439",
        "postcode_ranges-1-first": "3580", "postcode_ranges-1-last": "3590",
    })
    assert response.status_code == 200
    assert "Utrecht" in response.content.decode()
    assert not Municipality.objects.filter(code="GM0356").exists()


def test_the_command_places_postcodes_at_the_edges_of_ranges():
    utrecht = municipality("GM0344", "Utrecht", [(3500, 3585), (3450, 3455)])
    zeist = municipality("GM0355", "Zeist", [(3700, 3709)])
    # Made before the ranges existed: no municipality yet.
    PostcodeRange.objects.all().delete()
    referrals = {code: make_referral(postcode=code) for code in
                 ["3450 AA", "3455 AA", "3456 AA", "3499 AA", "3500 AA", "3585 AA", "3586 AA",
                  "3700 AA", "3709 AA", "1000 AA", "9999 ZZ"]}
    set_postcode_ranges(utrecht, [(3500, 3585), (3450, 3455)])
    set_postcode_ranges(zeist, [(3700, 3709)])
    call_command("derive_municipalities", stdout=io.StringIO())
    placed = {code: Referral.objects.get(pk=r.pk).municipality for code, r in referrals.items()}
    assert placed == {"3450 AA": utrecht, "3455 AA": utrecht, "3456 AA": None, "3499 AA": None,
                      "3500 AA": utrecht, "3585 AA": utrecht, "3586 AA": None,
                      "3700 AA": zeist, "3709 AA": zeist, "1000 AA": None, "9999 ZZ": None}


def test_a_new_referral_follows_every_change_of_the_ranges_at_once(token_client, referrer):
    """New referrals find their municipality from the ranges each process keeps between
    requests (``referrals.selectors.municipality_of``): set by the import's service (bulk, no
    signal), edited in the admin (a saved row), or deleted, the next referral follows."""
    from tests.helpers import referral_payload

    api = token_client(referrer)

    def placed(postcode="3512 AB"):
        response = api.post("/api/v1/referrals/", referral_payload(postcode=postcode),
                            format="json")
        assert response.status_code == 201, response.content
        return Referral.objects.get(code=response.json()["code"]).municipality

    utrecht = Municipality.objects.create(code="GM0344", name="Utrecht")
    zeist = Municipality.objects.create(code="GM0355", name="Zeist")
    assert placed() is None  # kept from here on: no ranges yet
    set_postcode_ranges(utrecht, [(3500, 3585)])
    assert placed() == utrecht
    set_postcode_ranges(zeist, [(3700, 3709)])
    assert placed("3701 AA") == zeist
    row = PostcodeRange.objects.get(municipality=zeist)
    row.first, row.last = 3710, 3719  # edited in the admin's inline
    row.save()
    assert placed("3701 AA") is None
    assert placed("3711 AA") == zeist
    zeist.delete()
    assert placed("3711 AA") is None
    assert placed() == utrecht
