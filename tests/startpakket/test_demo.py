"""``manage.py load_demo`` (``make demo``): what a first load gives each role, and what a second
load leaves alone. Loading the demo takes seconds, so a test loads it once (or twice, to check
the rerun) and checks everything that load should have made; each check says what it is about."""

import io
import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from logistics.demo import DEMO_CONTACT_LINE
from logistics.demo_history import OTHER_REFERRERS
from logistics.distribution import selectors as distribution_selectors
from logistics.models import (
    KitType,
    OrganisationSettings,
    PickList,
    Referral,
    StockLevel,
    StockMovement,
    Warehouse,
)
from logistics.referrals.rules import urgency
from logistics.referrals.selectors import with_duplicate_flag
from logistics.referrals.workflow import OPEN_STATUSES
from logistics.stock import ledger
from logistics.stock import services as stock
from startpakket.demo import DEMO_PASSWORD
from startpakket.models import Organisation, User

pytestmark = pytest.mark.django_db


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_load_demo_refuses_outside_demo_mode(settings):
    settings.DEMO = False
    with pytest.raises(CommandError, match="DEMO=1"):
        call_command("load_demo")


def _check_the_three_users_and_the_other_nurses():
    # The three who log in, and the nurses of the history's other organisations.
    assert User.objects.count() == 3 + len(OTHER_REFERRERS)
    expected = {
        "verpleegkundige": ("referrer", "jgz-demo"),
        "magazijn": ("warehouse", "magazijn-demo"),
        "coordinator": ("coordinator", "stichting-demo"),
    }
    for username, (role, code) in expected.items():
        user = User.objects.get(username=username)
        assert (user.role, user.organisation.code) == (role, code)
        assert user.check_password(DEMO_PASSWORD)


def _check_a_short_summary_and_then_the_users(out: str):
    lines = out.splitlines()
    assert len(lines) <= 12
    assert lines[1:3] == ["Demo data:", f"  organisations: {Organisation.objects.count()}, "
                                         f"users: {User.objects.count()}"]
    assert re.fullmatch(r"  referrals: \d+ \(planned \d+, submitted \d+, .*delivered \d+.*\)",
                        lines[3])
    assert lines[4].startswith("  warehouses: 1, kit types: 2, items: ")
    assert lines[5] == "  municipalities: 4"
    assert lines[6:] == [
        "",
        f"Demo users (password: {DEMO_PASSWORD}):",
        f"  {'verpleegkundige':<16} {'Verwijzer':<22} JGZ Demo",
        f"  {'magazijn':<16} {'Magazijnvrijwilliger':<22} Magazijn Demo",
        f"  {'coordinator':<16} {'Coördinator':<22} Stichting Startpakket Demo",
        "",
    ]


def _check_stock_for_25_kits_of_each_type_and_a_low_item():
    warehouse = Warehouse.objects.get(code="magazijn-demo")
    available = {
        level.item_id: level.available for level in StockLevel.objects.filter(warehouse=warehouse)
    }
    kit_types = KitType.objects.active()
    assert kit_types.count() == 2
    for kit_type in kit_types:
        needed = stock.kit_requirements(kit_type, kits=25)
        assert all(available[item.pk] >= quantity for item, quantity in needed.items()), kit_type
    assert ledger.find_drift() == []
    assert any(level.is_low for level in StockLevel.objects.select_related("item")), (
        "the demo should show a low-stock item")


def _check_referrals_in_several_states():
    today = Referral.objects.filter(created_at__date=timezone.localdate())
    statuses = set(today.values_list("status", flat=True))
    assert {"submitted", "needs_info", "approved", "rejected", "delivered"} <= statuses
    # The demo's eleven, and the follow-up kit planned as its delivered kit was recorded.
    assert today.count() == 12
    assert today.filter(status="planned", follows__in=today).count() == 1
    assert with_duplicate_flag(today).filter(possible_duplicate=True).exists()
    assert all(referral.reservation is not None
               for referral in Referral.objects.filter(status="approved"))
    # Three kits wait for the volunteer's first list of the demo, and a follow-up kit for its
    # time window; list 1 was delivered.
    warehouse = PickList.objects.first().warehouse
    assert distribution_selectors.waiting(warehouse).count() == 3
    assert distribution_selectors.waiting_counts([warehouse])[warehouse.pk].later == 1
    assert ledger.find_drift() == []


def _check_follow_up_kits_judged_by_their_own_window():
    """A follow-up kit for a baby of some weeks is due months after the birth (issue 16)."""
    today = timezone.localdate()
    follow_ups = Referral.objects.filter(kit_type__code="vervolg-74-92", status__in=OPEN_STATUSES,
                                         created_at__date=today)
    assert follow_ups.count() >= 2
    assert {referral.code: urgency(referral.deliver_by, today) for referral in follow_ups} == {
        referral.code: "" for referral in follow_ups}


def test_a_first_load_gives_every_role_something_and_mails_nobody(settings, monkeypatch):
    """The data the demo loads would mail its made-up people (decisions, deliveries, new
    referrals); with DEBUG on, e-mail goes to the console, where it buried the demo users. In a
    test nothing commits, so what waits for a commit runs at once here, as it does in the demo."""
    settings.DEMO = True
    monkeypatch.setattr("django.db.transaction.on_commit",
                        lambda func, using=None, robust=False: func())
    out = load_demo()
    assert mail.outbox == []
    _check_a_short_summary_and_then_the_users(out)
    _check_the_three_users_and_the_other_nurses()
    _check_stock_for_25_kits_of_each_type_and_a_low_item()
    _check_referrals_in_several_states()
    _check_follow_up_kits_judged_by_their_own_window()
    row = OrganisationSettings.objects.get()
    assert (row.organisation.code, row.contact_line) == ("stichting-demo", DEMO_CONTACT_LINE)


def test_a_second_load_adds_nothing_and_keeps_what_users_changed(settings):
    settings.DEMO = True
    load_demo()
    Organisation.objects.filter(code="jgz-demo").update(name="JGZ Demo (renamed by a user)")
    OrganisationSettings.objects.update(contact_line="")
    movements = StockMovement.objects.count()

    out = load_demo()

    assert "verpleegkundige" in out and DEMO_PASSWORD in out
    _check_the_three_users_and_the_other_nurses()
    assert StockMovement.objects.count() == movements > 0
    _check_referrals_in_several_states()
    assert Organisation.objects.get(code="jgz-demo").name == "JGZ Demo (renamed by a user)"
    assert list(OrganisationSettings.objects.values_list("contact_line", flat=True)) == [""]
