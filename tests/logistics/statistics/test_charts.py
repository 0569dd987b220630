"""The charts (logistics/statistics/charts.py): one reportlab drawing, drawn as SVG for the page
(well-formed, a bar per shown count, no style attributes the page's CSP would block) and into
the PDF."""

import xml.etree.ElementTree as ET

import pytest
from reportlab.graphics import renderPDF

from logistics.statistics import charts

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = charts.Chart(
    key="chart-month", title="Per maand", categories=("jan 25", "feb 25", "mrt 25"),
    series=(charts.Series("Aangemeld", (12, None, 7)),  # None: "<5", no bar
            charts.Series("Bezorgd", (5, 0, 9))))


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - the app's own output


def fill(colour) -> str:
    """As the SVG spells a colour: ``#0072b2``."""
    return "#" + colour.hexval()[2:]


def bars(svg: str) -> list[ET.Element]:
    """The bars: the rectangles in the series' colours, less the legend's 8×8 swatches."""
    root = parse(svg)
    colours = {fill(colour) for colour in charts.PALETTE}
    return [e for e in root.iter(f"{SVG}rect") if e.get("fill") in colours
            and (float(e.get("width")), float(e.get("height"))) != (8, 8)]


def svg_of(chart: charts.Chart) -> str:
    return charts.to_svg(charts.draw(chart), key=chart.key, title=chart.title,
                         description="De getallen staan in de tabel.")


@pytest.mark.parametrize("horizontal", [False, True])
def test_svg_is_well_formed_with_a_bar_per_shown_count(horizontal):
    chart = charts.Chart(**{**MONTHS.__dict__, "horizontal": horizontal})
    svg = svg_of(chart)
    root = parse(svg)  # well-formed
    assert root.tag == f"{SVG}svg"
    # 12, 7, 5, 9: four bars; the hidden count and the 0 draw none.
    drawn = bars(svg)
    assert len(drawn) == 4
    sizes = sorted(float(e.get("width" if horizontal else "height")) for e in drawn)
    assert sizes == pytest.approx(sorted(sizes)) and sizes[0] < sizes[-1]
    # Heights (or widths) in proportion to the counts.
    assert sizes[-1] / sizes[0] == pytest.approx(12 / 5, rel=0.01)
    texts = [e.text for e in root.iter(f"{SVG}text")]
    assert {"jan 25", "feb 25", "mrt 25", "Aangemeld", "Bezorgd", "Per maand"} <= set(texts)


def test_svg_passes_the_pages_content_security_policy():
    svg = svg_of(MONTHS)
    root = parse(svg)
    assert not [e for e in root.iter() if "style" in e.attrib]
    assert not list(root.iter(f"{SVG}style")) and not list(root.iter(f"{SVG}script"))
    assert not svg.startswith("<?xml") and "DOCTYPE" not in svg
    # Colours and fonts survive as presentation attributes.
    assert {e.get("fill") for e in bars(svg)} == {"#0072b2", "#e69f00"}


def test_svg_has_its_accessible_name_and_only_its_own_ids():
    root = parse(svg_of(MONTHS))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-month-title"
    assert root.get("aria-describedby") == "chart-month-desc"
    assert root.find(f"{SVG}title").text == "Per maand"
    assert root.find(f"{SVG}desc").text == "De getallen staan in de tabel."
    assert sorted(e.get("id") for e in root.iter() if e.get("id")) == [
        "chart-month-desc", "chart-month-title"]


def test_names_typed_by_people_are_escaped():
    chart = charts.Chart(key="k", title="<script>alert(1)</script>",
                         categories=('Gemeente "&<b>', "Łódź"),
                         series=(charts.Series("Aangemeld", (6, 8)),), horizontal=True)
    svg = svg_of(chart)
    assert "<script>" not in svg and "<b>" not in svg
    texts = [e.text for e in parse(svg).iter(f"{SVG}text")]
    assert 'Gemeente "&<b>' in texts and "Łódź" in texts


def test_empty_and_all_hidden_charts_are_empty():
    assert charts.Chart("k", "t", (), ()).empty
    assert charts.Chart("k", "t", ("a",), (charts.Series("s", (None,)),)).empty
    assert not MONTHS.empty


def test_the_same_drawing_draws_a_pdf():
    pdf = renderPDF.drawToString(charts.draw(MONTHS))
    assert pdf.startswith(b"%PDF")
