"""Charts of the statistics, drawn on the server with reportlab's graphics (DESIGN §6).

A chart is built once as a reportlab ``Drawing``: the monthly report puts that drawing in its
PDF, the dashboard shows it as SVG (``to_svg``). The page's Content-Security-Policy allows no
inline ``style`` attributes, and reportlab's SVG writer puts every colour and font in one; so
``to_svg`` turns them into SVG presentation attributes (``fill="…"``), which CSP does not
govern, and the same SVG works inline in the page and on its own.

A suppressed count (``None``: 1 to 4 shown as "<5") gets no bar; its table says "<5". Every
chart on a page sits beside a table with the same numbers, for screen readers and for print.
"""

import dataclasses
import re
import xml.etree.ElementTree as ET

from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

from startpakket.pdf import FONT, fit_text, register_fonts

SVG_NS = "http://www.w3.org/2000/svg"
# Colour-blind safe (Okabe–Ito): blue, orange, bluish green, vermilion.
PALETTE = [colors.HexColor(value) for value in ("#0072B2", "#E69F00", "#009E73", "#D55E00")]
INK = colors.HexColor("#1d2733")
GRID = colors.HexColor("#d5dbe2")
# The font the browser uses for the SVG's text; the PDF embeds DejaVu Sans.
SVG_FONTS = "DejaVu Sans, system-ui, sans-serif"
LABEL_SIZE = 9


@dataclasses.dataclass(frozen=True)
class Series:
    label: str
    values: tuple[int | None, ...]  # None: suppressed, no bar


@dataclasses.dataclass(frozen=True)
class Chart:
    """What a chart shows: a title, the categories along one axis, one or more series."""

    key: str  # unique on a page; the SVG's element ids start with it
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    horizontal: bool = False

    @property
    def empty(self) -> bool:
        return not self.categories or not any(
            value for series in self.series for value in series.values)


def _value_axis_max(chart: Chart) -> int:
    highest = max((value or 0 for series in chart.series for value in series.values), default=0)
    return max(highest, 4)


def _legend(chart: Chart, x: float, y: float) -> Legend:
    legend = Legend()
    legend.x, legend.y = x, y
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 80
    legend.dx = legend.dy = 8
    legend.fontName, legend.fontSize = FONT, 9
    legend.fillColor = INK
    legend.strokeWidth = 0
    legend.colorNamePairs = [(PALETTE[n % len(PALETTE)], series.label)
                             for n, series in enumerate(chart.series)]
    return legend


def draw(chart: Chart, width: float = 360, height: float | None = None, *,
         with_title: bool = True) -> Drawing:
    """The chart as a drawing ``width`` points wide: vertical bars per category (months), or
    horizontal bars with the names on the left (organisations, municipalities, kit types).
    ``with_title=False`` leaves the title out (a page shows it as its heading). 360 wide, the
    text reads at its size on a phone."""
    register_fonts()
    if chart.horizontal:
        drawing = _horizontal(chart, width, height)
    else:
        drawing = _vertical(chart, width, height or 200)
    if with_title:
        drawing.add(String(0, drawing.height - 12, chart.title, fontName=FONT, fontSize=10,
                           fillColor=INK))
    return drawing


def _style_bars(bars, chart: Chart, *, reverse: bool = False) -> None:
    """Data and colours; ``reverse``: the series in reverse order (reportlab stacks a
    horizontal group's bars from the bottom, so the first series would end up last)."""
    order = list(range(len(chart.series)))[::-1 if reverse else 1]
    bars.data = [[value if value else None for value in chart.series[n].values]
                 for n in order]
    for position, n in enumerate(order):
        bars.bars[position].fillColor = PALETTE[n % len(PALETTE)]
        bars.bars[position].strokeWidth = 0
    bars.valueAxis.valueMin = 0
    bars.valueAxis.valueMax = _value_axis_max(chart)
    bars.valueAxis.labels.fontName = bars.categoryAxis.labels.fontName = FONT
    bars.valueAxis.labels.fontSize = bars.categoryAxis.labels.fontSize = LABEL_SIZE
    bars.valueAxis.labelTextFormat = "%d"
    bars.valueAxis.forceZero = True
    bars.valueAxis.visibleGrid = True
    bars.valueAxis.gridStrokeColor = GRID
    bars.valueAxis.strokeColor = bars.categoryAxis.strokeColor = INK
    bars.valueAxis.labels.fillColor = bars.categoryAxis.labels.fillColor = INK


def _vertical(chart: Chart, width: float, height: float) -> Drawing:
    drawing = Drawing(width, height)
    bars = VerticalBarChart()
    bars.x, bars.y = 32, 52  # room for month labels of two lines and the legend
    bars.width, bars.height = width - 42, height - 72
    _style_bars(bars, chart)
    bars.categoryAxis.categoryNames = list(chart.categories)
    bars.categoryAxis.labels.dy = -2
    bars.groupSpacing = 4
    bars.barSpacing = 0
    drawing.add(bars)
    drawing.add(_legend(chart, 32, 10))
    return drawing


def _horizontal(chart: Chart, width: float, height: float | None) -> Drawing:
    label_width = min(150.0, width * 0.3)
    band = 11 * max(len(chart.series), 1) + 8
    plot_height = band * max(len(chart.categories), 1)
    height = height or plot_height + 64
    drawing = Drawing(width, height)
    bars = HorizontalBarChart()
    bars.x, bars.y = label_width + 6, 34
    bars.width, bars.height = width - label_width - 16, height - 56
    _style_bars(bars, chart, reverse=True)
    # Top to bottom in the order given (reportlab draws the first category at the bottom).
    bars.categoryAxis.reverseDirection = True
    bars.categoryAxis.categoryNames = [fit_text(name, FONT, LABEL_SIZE, label_width - 4)
                                       for name in chart.categories]
    bars.categoryAxis.labels.boxAnchor = "e"
    bars.categoryAxis.labels.dx = -4
    bars.groupSpacing = 6
    bars.barSpacing = 0
    drawing.add(bars)
    drawing.add(_legend(chart, 8, 10))
    return drawing


def to_svg(drawing: Drawing, *, key: str, title: str, description: str) -> str:
    """The drawing as an ``<svg>`` element to put in a page (or serve on its own): no XML
    declaration, no ``style`` attributes, no ids but its own ``{key}-title``/``{key}-desc``;
    ``role="img"`` with the title and the description as its accessible name and description.
    Text in the drawing is escaped by the SVG writer."""
    text = renderSVG.drawToString(drawing, useClip=True)
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    # Our own writer's output: its DOCTYPE declares no entities, and text in it is escaped.
    root = ET.fromstring(text.encode("utf-8"))  # noqa: S314
    for element in root.iter():
        element.attrib.pop("id", None)
        style = element.attrib.pop("style", None)
        if style:
            for name, value in _declarations(style):
                element.set(name, value)
        if "font-family" in element.attrib:
            element.set("font-family", SVG_FONTS)
    for name in ("width", "height"):
        root.attrib.pop(name, None)
    root.set("role", "img")
    root.set("class", "chart")
    root.set("aria-labelledby", f"{key}-title")
    root.set("aria-describedby", f"{key}-desc")
    for tag, value in (("title", title), ("desc", description)):
        element = root.find(f"{{{SVG_NS}}}{tag}")
        element.text = value
        element.set("id", f"{key}-{tag}")
    return ET.tostring(root, encoding="unicode")


_DECLARATION = re.compile(r"^\s*([a-z-]+)\s*:\s*(.+?)\s*$")


def _declarations(style: str) -> list[tuple[str, str]]:
    """``"stroke: red; fill: none;"`` → ``[("stroke", "red"), ("fill", "none")]``. Every
    property the SVG writer uses (fill, stroke, their widths and opacities, font-family,
    font-size, clip) is also a presentation attribute of the same name."""
    found = []
    for part in style.split(";"):
        match = _DECLARATION.match(part)
        if match:
            found.append((match[1], match[2]))
    return found
