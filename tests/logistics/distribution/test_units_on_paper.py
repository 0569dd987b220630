"""The pick list and the slips name a unit as it goes with its number: a line of one cap says
"1 piece", the list's total of two caps "2 pieces" (in Dutch "1 stuk", "2 stuks")."""

import pytest
from django.utils import translation

from logistics.distribution import services as pick_lists
from logistics.distribution.documents.gather import pick_list_content
from tests.helpers import approved_kits, pdf_text

pytestmark = pytest.mark.django_db
CAP = "MUTS-50-56"  # one per baby in a start-kit


@pytest.fixture
def two_kits(warehouse, warehouse_user, coordinator, referrer):
    approved_kits(warehouse, coordinator, referrer, 2)
    return pick_lists.create_pick_list(warehouse=warehouse, user=warehouse_user)


@pytest.mark.parametrize(("language", "one", "two"), [("en", "piece", "pieces"),
                                                      ("nl", "stuk", "stuks")])
def test_a_package_line_and_the_lists_total_each_agree_with_their_number(two_kits, language,
                                                                         one, two):
    with translation.override(language):
        content = pick_list_content(two_kits)
    (total,) = [line for line in content.totals if line.sku == CAP]
    assert (total.quantity, total.unit) == (2, two)
    for package in content.packages:
        (line,) = [line for line in package.lines if line.sku == CAP]
        assert (line.quantity, line.unit) == (1, one)


def test_the_printed_list_in_english_counts_pieces(warehouse_client, two_kits):
    warehouse_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    _, text = pdf_text(warehouse_client.get(f"/pick-lists/{two_kits.pk}/pdf/").content)
    words = " ".join(text.split()) + " "
    assert "2 pieces " in words and "1 piece " in words
    assert "2 piece " not in words and "1 pieces " not in words
