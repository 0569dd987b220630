"""The monthly (or quarterly) report for a municipality, or for all (DESIGN §6): A4, Dutch or
English, ready to send. Header, key figures, a chart (``charts``, as on the dashboard), the
tables with small counts hidden, the definitions, and the statement: kits delivered to families
living there × the municipality's price per kit.

``render_report(period, municipality, language="nl") -> bytes``. Everything shown comes from
``content.content_for``, so the report says what the dashboard and the exports say.
"""

from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from logistics.statistics import charts, content, figures
from logistics.statistics.content import Content
from logistics.statistics.figures import MEASURE_LABELS, Period
from startpakket.pdf import FONT, FONT_BOLD, PDFDocument

LANGUAGES = ("nl", "en")
GREY = colors.HexColor("#5b6776")
LINE = colors.HexColor("#d5dbe2")

BODY = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8.5, leading=11.5, textColor=GREY)
TITLE = ParagraphStyle("title", parent=BODY, fontName=FONT_BOLD, fontSize=17, leading=21)
HEADING = ParagraphStyle("heading", parent=BODY, fontName=FONT_BOLD, fontSize=12, leading=15,
                         spaceBefore=8, spaceAfter=4)


def money(amount: Decimal | None) -> str:
    if amount is None:
        return "–"
    return "€ " + formats.number_format(amount, 2, use_l10n=True, force_grouping=True)


def number(value) -> str:
    """A count, a hidden count ("<5", "x"), a percentage or days (one decimal), or a dash."""
    if value is None:
        return "–"
    if isinstance(value, Decimal):
        return formats.number_format(value, 1, use_l10n=True)
    return str(value)


def _p(text: str, style=BODY) -> Paragraph:
    return Paragraph(escape(text), style)


class _Drawing(Flowable):
    """A reportlab graphics drawing as a flowable, scaled to the frame's width."""

    def __init__(self, drawing, width: float):
        super().__init__()
        self.drawing, self.scale = drawing, width / drawing.width
        self.width, self.height = width, drawing.height * self.scale

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        from reportlab.graphics import renderPDF

        self.canv.saveState()
        self.canv.scale(self.scale, self.scale)
        renderPDF.draw(self.drawing, self.canv, 0, 0)
        self.canv.restoreState()


HEADER = ParagraphStyle("header", parent=BODY, fontName=FONT_BOLD, fontSize=7.5, leading=9,
                        textColor=GREY, alignment=2)


def _table(header: list[str], rows: list[list[str]], widths: list[float],
           total: list[str] | None = None) -> Table:
    """A table with its header on top; headers wrap (right-aligned above the numbers)."""
    head = [header[0], *(Paragraph(escape(text), HEADER) for text in header[1:])]
    data = [head, *rows, *([total] if total else [])]
    table = Table(data, colWidths=widths, repeatRows=1)
    style = [
        ("FONT", (0, 0), (-1, -1), FONT, 8.5),
        ("FONT", (0, 0), (-1, 0), FONT_BOLD, 8),
        ("TEXTCOLOR", (0, 0), (-1, 0), GREY),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, LINE),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        # Room for a whole word in a measure's header ("goedgekeurd"): no break inside it.
        ("LEFTPADDING", (1, 0), (-1, 0), 1),
    ]
    if total:
        style += [("FONT", (0, -1), (-1, -1), FONT_BOLD, 8.5),
                  ("LINEABOVE", (0, -1), (-1, -1), 1, GREY)]
    table.setStyle(TableStyle(style))
    return table


class ReportPDF(PDFDocument):
    def __init__(self, data: Content):
        self.data = data

    def title(self) -> str:
        return _("Start-kit figures %(period)s, %(municipality)s") % {
            "period": self.data.period, "municipality": self.data.municipality_name}

    def page_label(self, number: int, total: int) -> str:
        return _("page %(number)d of %(total)d") % {"number": number, "total": total}

    def story(self) -> list:
        data = self.data
        story = [
            _p(_("Start-kits: figures for %(period)s") % {"period": data.period}, TITLE),
            _p(data.municipality_name, HEADING),
            _p(_("Made on %(date)s by Startpakket.") % {
                "date": formats.date_format(timezone.localdate(), "DATE_FORMAT")}, SMALL),
            Spacer(0, 4 * mm),
            _p(_("Key figures"), HEADING),
            self._key_figures(),
            Spacer(0, 3 * mm),
            self._drawing(),
            _p(_("Referrals by current status"), HEADING),
            self._statuses(),
        ]
        for grouping in content.TABLES:
            story += self._grouped(grouping)
        story += [KeepTogether([_p(_("Statement"), HEADING), *self._statement()])]
        story += [_p(_("Definitions"), HEADING),
                  *(_p(str(text), SMALL) for text in figures.DEFINITIONS.values())]
        return story

    def _drawing(self) -> Flowable:
        chart = self._chart()
        drawing = charts.draw(chart, width=480, height=None if chart.horizontal else 190)
        return _Drawing(drawing, self.frame_width * 0.8)

    def _chart(self) -> charts.Chart:
        """One chart: per month over a quarter or more; per municipality (or kit type, for one
        municipality) over one month, where bars per month would be a single group."""
        data = self.data
        if len(data.period.months) > 1:
            return data.chart("month")
        return data.chart("kit_type" if data.municipality is not None else "municipality")

    def _key_figures(self) -> Table:
        data = self.data
        percent = "%"
        rows = [
            [_("Referred"), number(data.totals["referred"])],
            [_("Approved"), number(data.totals["approved"])],
            [_("Rejected"), number(data.totals["rejected"])],
            [_("Delivered"), number(data.totals["delivered"])],
            [_("Approval rate"), _suffix(number(data.approval_rate), percent, data.approval_rate)],
            [_("Delivered in time"),
             _suffix(number(data.share_in_time), percent, data.share_in_time)],
            [_("Median days to approval"), number(data.median_days_to_approval)],
            [_("Median days to delivery"), number(data.median_days_to_delivery)],
        ]
        return _table([_("Figure"), _("Value")], rows, [80 * mm, 40 * mm])

    def _statuses(self) -> Table:
        rows = [[content.status_label(status), number(count)]
                for status, count in self.data.by_status.items()]
        return _table([_("Status"), _("Referrals")], rows, [80 * mm, 40 * mm])

    def _grouped(self, grouping: str) -> list:
        table = self.data.tables[grouping]
        if grouping != "month" and not table.rows:
            return []
        measures = list(table.measures)
        header = [str(figures.GROUPING_LABELS[grouping]).capitalize(),
                  *(str(MEASURE_LABELS[m]) for m in measures)]
        rows = [[row.keys[0].name, *(number(row.counts[m]) for m in measures)]
                for row in table.rows]
        total = [_("Total"), *(number(table.totals[m]) for m in measures)]
        first = 42 * mm  # the rest wide enough for "goedgekeurd" unbroken
        rest = (self.frame_width - first) / len(measures)
        return [KeepTogether([_p(content.chart_title(grouping), HEADING),
                              _table(header, rows, [first, *[rest] * len(measures)], total)])]

    def _statement(self) -> list:
        statement = self.data.statement
        if not statement.lines:
            return [_p(_("No kits were delivered in this period."))]
        rows = [[line.municipality, str(line.delivered),
                 money(line.price) if line.price is not None else _("no price set"),
                 money(line.amount)] for line in statement.lines]
        total = [_("Total"), str(statement.delivered), "", money(statement.total)]
        table = _table([_("Municipality"), _("Kits delivered"), _("Price per kit"), _("Amount")],
                       rows, [70 * mm, 30 * mm, 35 * mm, 35 * mm],
                       total if len(rows) > 1 else None)
        return [
            _p(_("Kits delivered in %(period)s to families living in the municipality, times "
                 "the price per kit. These are exact numbers: the statement is the basis of "
                 "payment.") % {"period": self.data.period}, SMALL),
            Spacer(0, 2 * mm),
            table,
            Spacer(0, 2 * mm),
            _p(_("Total to pay: %(total)s") % {"total": money(statement.total)}
               if statement.total is not None else _("No price per kit is set."), HEADING),
        ]


def _suffix(text: str, suffix: str, value) -> str:
    return f"{text}{suffix}" if isinstance(value, Decimal) else text


def render_report(period: Period, municipality=None, language: str = "nl") -> bytes:
    """The report as PDF in ``language`` (nl or en): ``municipality`` None for all, a
    ``Municipality``, or ``figures.UNKNOWN``."""
    if language not in LANGUAGES:
        raise ValueError(language)
    with override(language):
        return ReportPDF(content.content_for(period, municipality)).render()


def filename(period: Period, municipality) -> str:
    where = getattr(municipality, "code", municipality) or "all"
    return f"startpakket-report-{period.code}-{where}.pdf"
