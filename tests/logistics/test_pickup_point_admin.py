"""Pick-up points in the admin (``logistics.admin.PickupPointAdmin``): coordinators add and
change them, never delete one a referral may name (they make it inactive), and the postcode is
stored as every postcode is. The foundation's return address, for the post labels, is set on
its organisation's page."""

import pytest

from logistics.models import PickupPoint, settings_of
from startpakket.models import Organisation
from startpakket.roles import Role
from tests.factories import PickupPointFactory, UserFactory, WarehouseFactory

pytestmark = pytest.mark.django_db
ADD = "/admin/logistics/pickuppoint/add/"


def test_a_coordinator_adds_a_pick_up_point_with_its_postcode_put_right(coordinator_client):
    warehouse = WarehouseFactory()
    data = {"code": "bibliotheek-oost", "name": "Bibliotheek Oost", "warehouse": warehouse.pk,
            "address": "Kerkstraat 1", "postcode": "3511ab", "city": "Utrecht",
            "opening_hours": "ma–vr 10:00–17:00", "is_active": "on"}
    bad = coordinator_client.post(ADD, {**data, "postcode": "0123 AB"})
    assert bad.status_code == 200 and "postcode" in bad.context["adminform"].form.errors
    assert coordinator_client.post(ADD, data).status_code == 302
    point = PickupPoint.objects.get()
    assert (point.postcode, point.warehouse, point.is_active) == ("3511 AB", warehouse, True)
    page = coordinator_client.get(f"/admin/logistics/pickuppoint/{point.pk}/change/")
    assert "code" not in page.context["adminform"].form.fields  # fixed once made


def test_nobody_deletes_a_pick_up_point_and_others_do_not_see_them(client, coordinator_client):
    point = PickupPointFactory()
    deleted = coordinator_client.post(f"/admin/logistics/pickuppoint/{point.pk}/delete/",
                                      {"post": "yes"})
    assert deleted.status_code == 403 and PickupPoint.objects.filter(pk=point.pk).exists()
    for role in (Role.REFERRER, Role.WAREHOUSE):
        client.force_login(UserFactory(role=role))
        assert client.get("/admin/logistics/pickuppoint/").status_code in (302, 403)


def test_the_return_address_is_set_on_the_foundations_page(coordinator_client, coordinator):
    foundation = coordinator.organisation
    page = coordinator_client.get(f"/admin/startpakket/organisation/{foundation.pk}/change/")
    assert "logistics_settings-0-return_address" in page.content.decode()
    data = {"code": foundation.code, "name": foundation.name, "kind": foundation.kind,
            "is_active": "on",
            "logistics_settings-TOTAL_FORMS": "1", "logistics_settings-INITIAL_FORMS": "0",
            "logistics_settings-MIN_NUM_FORMS": "0", "logistics_settings-MAX_NUM_FORMS": "1",
            "logistics_settings-0-contact_line": "",
            "logistics_settings-0-return_address": "Stichting SD\r\nPostbus 1234"}
    saved = coordinator_client.post(
        f"/admin/startpakket/organisation/{foundation.pk}/change/", data)
    assert saved.status_code == 302, saved.context and saved.context["errors"]
    assert settings_of(Organisation.objects.get(pk=foundation.pk)).return_address == (
        "Stichting SD\r\nPostbus 1234")
