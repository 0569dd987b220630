"""Charts of the statistics, drawn on the server with reportlab's graphics (DESIGN §6).

A chart is built once as a reportlab ``Drawing``: the monthly report puts that drawing in its
PDF, the dashboard shows it as SVG (``to_svg``). The page's Content-Security-Policy allows no
inline ``style`` attributes, so ``to_svg`` writes colours and fonts as SVG presentation
attributes (``fill="…"``), which CSP does not govern, and the same SVG works inline in the
page and on its own.

A suppressed count (``None``: 1 to 4 shown as "<5") gets no bar; its table says "<5". Every
chart on a page sits beside a table with the same numbers, for screen readers and for print.
"""

import dataclasses
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import (
    Drawing,
    Group,
    Line,
    Rect,
    String,
    mmult,
    transformPoint,
)
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


def _ticks(highest: int) -> list[int]:
    """From 0 to at least ``highest`` in at most five steps of 1, 2 or 5 × a power of ten."""
    power = 1
    while True:
        for factor in (1, 2, 5):
            step = power * factor
            if highest <= 5 * step:
                return list(range(0, -(-highest // step) * step + 1, step))
        power *= 10


def _text(x: float, y: float, text: str, anchor: str = "start") -> String:
    return String(x, y, text, fontName=FONT, fontSize=LABEL_SIZE, fillColor=INK,
                  textAnchor=anchor)


def _series_colour(n: int):
    return PALETTE[n % len(PALETTE)]


def _legend(drawing: Drawing, chart: Chart, x: float, y: float) -> None:
    """A swatch and the label of each series, side by side from ``x``."""
    for n, series in enumerate(chart.series):
        drawing.add(Rect(x, y, 8, 8, fillColor=_series_colour(n), strokeColor=None, strokeWidth=0))
        drawing.add(_text(x + 12, y, series.label))
        x += 80


def draw(chart: Chart, width: float = 360, height: float | None = None, *,
         with_title: bool = True) -> Drawing:
    """The chart as a drawing ``width`` points wide: vertical bars per category (months), or
    horizontal bars with the names on the left (organisations, municipalities, kit types).
    ``with_title=False`` leaves the title out (a page shows it as its heading). 360 wide, the
    text reads at its size on a phone.

    Drawn from rectangles, lines and strings rather than reportlab's chart widgets, which
    took the dashboard's five charts 30 ms to lay out."""
    register_fonts()
    if chart.horizontal:
        drawing = _horizontal(chart, width, height)
    else:
        drawing = _vertical(chart, width, height or 200)
    if with_title:
        drawing.add(String(0, drawing.height - 12, chart.title, fontName=FONT, fontSize=10,
                           fillColor=INK))
    return drawing


def _bars(chart: Chart) -> list[tuple[int, int, int]]:
    """(category, series, value) of every bar: a hidden count (None) or 0 has none."""
    return [(category, n, value) for n, series in enumerate(chart.series)
            for category, value in enumerate(series.values) if value]


def _vertical(chart: Chart, width: float, height: float) -> Drawing:
    drawing = Drawing(width, height)
    x, y = 32, 52  # room for month labels of two lines and the legend
    plot_width, plot_height = width - 42, height - 72
    ticks = _ticks(_value_axis_max(chart))
    scale = plot_height / ticks[-1]
    for tick in ticks:
        drawing.add(Line(x, y + tick * scale, x + plot_width, y + tick * scale,
                         strokeColor=GRID if tick else INK, strokeWidth=0.5 if tick else 1))
        drawing.add(_text(x - 4, y + tick * scale - 3, str(tick), "end"))
    drawing.add(Line(x, y, x, y + plot_height, strokeColor=INK, strokeWidth=1))
    group = plot_width / max(len(chart.categories), 1)
    bar = (group - 4) / max(len(chart.series), 1)  # 4 points between the groups
    for category, name in enumerate(chart.categories):
        for line, text in enumerate(name.split("\n")):
            drawing.add(_text(x + (category + 0.5) * group, y - 11 - line * 10, text, "middle"))
    for category, n, value in _bars(chart):
        drawing.add(Rect(x + category * group + 2 + n * bar, y, bar, value * scale,
                         fillColor=_series_colour(n), strokeColor=None, strokeWidth=0))
    _legend(drawing, chart, 32, 10)
    return drawing


def _horizontal(chart: Chart, width: float, height: float | None) -> Drawing:
    label_width = min(150.0, width * 0.3)
    band = 11 * max(len(chart.series), 1) + 8
    plot_height = band * max(len(chart.categories), 1)
    height = height or plot_height + 64
    drawing = Drawing(width, height)
    x, y = label_width + 6, 34
    plot_width, plot_height = width - label_width - 16, height - 56
    ticks = _ticks(_value_axis_max(chart))
    scale = plot_width / ticks[-1]
    for tick in ticks:
        drawing.add(Line(x + tick * scale, y, x + tick * scale, y + plot_height,
                         strokeColor=GRID if tick else INK, strokeWidth=0.5 if tick else 1))
        drawing.add(_text(x + tick * scale, y - 11, str(tick), "middle"))
    drawing.add(Line(x, y, x + plot_width, y, strokeColor=INK, strokeWidth=1))
    group = plot_height / max(len(chart.categories), 1)
    bar = (group - 6) / max(len(chart.series), 1)  # 6 points between the groups
    top = y + plot_height
    # Top to bottom in the order given, the series in theirs within a group.
    for category, name in enumerate(chart.categories):
        drawing.add(_text(x - 4, top - (category + 0.5) * group - 3,
                          fit_text(name, FONT, LABEL_SIZE, label_width - 4), "end"))
    for category, n, value in _bars(chart):
        drawing.add(Rect(x, top - category * group - 3 - (n + 1) * bar, value * scale, bar,
                         fillColor=_series_colour(n), strokeColor=None, strokeWidth=0))
    _legend(drawing, chart, 8, 10)
    return drawing


def to_svg(drawing: Drawing, *, key: str, title: str, description: str) -> str:
    """The drawing as an ``<svg>`` element to put in a page (or serve on its own): no XML
    declaration, no ``style`` attributes, no ids but its own ``{key}-title``/``{key}-desc``;
    ``role="img"`` with the title and the description as its accessible name and description.
    Colours and fonts are presentation attributes (``fill="…"``), which CSP does not govern.

    Written here rather than by reportlab's SVG renderer, which builds a DOM with ``minidom``:
    the dashboard's five charts took it 60 ms. ``draw`` makes only groups, rectangles, lines
    and strings."""
    width, height = drawing.width, drawing.height
    parts = [
        f'<svg xmlns="{SVG_NS}" viewBox="0 0 {_number(width)} {_number(height)}" role="img" '
        f'class="chart" aria-labelledby="{_attribute(key)}-title" '
        f'aria-describedby="{_attribute(key)}-desc">',
        f'<title id="{_attribute(key)}-title">{escape(title)}</title>',
        f'<desc id="{_attribute(key)}-desc">{escape(description)}</desc>',
    ]
    _write(drawing, (1, 0, 0, 1, 0, 0), height, parts)
    parts.append("</svg>")
    return "".join(parts)


def _attribute(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _colour(colour) -> str:
    return "none" if colour is None else "#" + colour.hexval()[2:8]


def _stroke(shape) -> str:
    if shape.strokeColor is None or not shape.strokeWidth:
        return ' stroke="none"'
    dashes = getattr(shape, "strokeDashArray", None)
    return (f' stroke="{_colour(shape.strokeColor)}" stroke-width="{_number(shape.strokeWidth)}"'
            + (f' stroke-dasharray="{" ".join(_number(d) for d in dashes)}"' if dashes else ""))


def _write(node, matrix, height: float, parts: list[str]) -> None:
    """Append ``node`` in SVG's coordinates (y down from the top): every point through the
    groups' transforms, which in a bar chart only move and scale."""

    def point(x, y):
        x, y = transformPoint(matrix, (x, y))
        return x, height - y

    if isinstance(node, Group):
        inner = mmult(matrix, node.transform)
        for child in node.contents:
            _write(child, inner, height, parts)
    elif isinstance(node, Rect):
        (x1, y1), (x2, y2) = point(node.x, node.y), point(node.x + node.width,
                                                           node.y + node.height)
        parts.append(f'<rect x="{_number(min(x1, x2))}" y="{_number(min(y1, y2))}" '
                     f'width="{_number(abs(x2 - x1))}" height="{_number(abs(y2 - y1))}" '
                     f'fill="{_colour(node.fillColor)}"{_stroke(node)}/>')
    elif isinstance(node, Line):
        (x1, y1), (x2, y2) = point(node.x1, node.y1), point(node.x2, node.y2)
        parts.append(f'<line x1="{_number(x1)}" y1="{_number(y1)}" x2="{_number(x2)}" '
                     f'y2="{_number(y2)}"{_stroke(node)}/>')
    elif isinstance(node, String):
        x, y = point(node.x, node.y)
        anchor = {"middle": "middle", "end": "end"}.get(node.textAnchor, "start")
        parts.append(f'<text x="{_number(x)}" y="{_number(y)}" text-anchor="{anchor}" '
                     f'font-family="{SVG_FONTS}" font-size="{_number(node.fontSize)}" '
                     f'fill="{_colour(node.fillColor)}">{escape(node.text)}</text>')
    else:
        raise TypeError(f"no SVG for {type(node).__name__} in a chart")
