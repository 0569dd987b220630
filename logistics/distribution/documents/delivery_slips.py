"""Delivery slips: one A4 page per package, whatever is in it, for volunteers at the door.

Large type, big tick boxes, the day to deliver by, and a QR code that opens the kit's delivery
page on the volunteer's phone (the code stays printed large, to type instead). A kit that went
out before says so, and why it came back. Nothing about income or household reaches the slip
(see ``content``).

A slip never runs onto a second page. When the text is long, the layout gives in step by step:
the checklist goes into two columns, then smaller rows (never under 11 pt and 4 mm boxes), then
one line per item name, then the delivery notes are cut short with an ellipsis; a checklist that
still does not fit (far beyond any kit) ends with how many items are left out.
"""

from dataclasses import dataclass

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak

from logistics.distribution.documents.content import Line, Slip, SlipsContent
from logistics.distribution.documents.pick_list import babies_label, date_label
from startpakket.pdf import (
    FONT,
    FONT_BOLD,
    PDFDocument,
    cut_lines,
    draw_qr,
    draw_tick_box,
    fit_text,
    qr_modules,
    text_width,
    wrap_text,
)

QR_SIZE = 34 * mm  # the symbol without its quiet zone
QR_QUIET = 7 * mm  # white space kept between the symbol and the text beside it
LABEL_WIDTH = 32 * mm  # the column of field labels ("Phone") left of the values
SECTION_GAP = 2.5 * mm  # above and below the rule between two sections
LABEL = 11  # pt: field labels, small text
NOTES = 12  # pt
VALUE = 13  # pt: address, phone, language
NAME = 16  # pt, bold
CODE = 26  # pt, bold
TITLE = 20  # pt, bold
FOUNDATION = 13  # pt, bold


def leading(size: float) -> float:
    return size * 1.25


@dataclass(frozen=True)
class ChecklistStyle:
    """How the contents are set: one style after the other is tried until the slip fits."""

    columns: int
    row: float  # a row's height when the item's name takes one line
    size: float  # pt
    box: float
    name_lines: int  # at most, then the name is cut with an ellipsis


STYLES = (
    ChecklistStyle(columns=1, row=8 * mm, size=13, box=5.5 * mm, name_lines=3),
    ChecklistStyle(columns=1, row=7 * mm, size=12, box=5 * mm, name_lines=2),
    ChecklistStyle(columns=2, row=7 * mm, size=12, box=5 * mm, name_lines=2),
    ChecklistStyle(columns=2, row=6 * mm, size=11, box=4.5 * mm, name_lines=2),
    ChecklistStyle(columns=2, row=6 * mm, size=11, box=4.5 * mm, name_lines=1),
    ChecklistStyle(columns=2, row=5.5 * mm, size=11, box=4 * mm, name_lines=1),
)
COLUMN_GAP = 8 * mm


class Checklist:
    """The contents as rows with tick boxes in one or two columns, for one style and width."""

    def __init__(self, lines: tuple[Line, ...], style: ChecklistStyle, width: float):
        self.style, self.width = style, width
        self.column_width = (width - (style.columns - 1) * COLUMN_GAP) / style.columns
        size = style.size
        self.quantity_right = style.box + 13 * mm
        self.unit_x = self.quantity_right + 2.5 * mm
        self.unit_width = max((text_width(line.unit, FONT, size) for line in lines), default=0)
        self.unit_width = min(self.unit_width, 22 * mm)
        self.name_x = self.unit_x + self.unit_width + 3 * mm
        name_width = self.column_width - self.name_x
        self.rows = []
        for line in lines:
            names = cut_lines(wrap_text(line.name, FONT, size, name_width), style.name_lines,
                              FONT, size, name_width)
            self.rows.append((line, names, style.row + (len(names) - 1) * leading(size)))
        self.omitted = 0

    def split_point(self) -> int:
        """Rows in the first column: half, by count, so that the reading order is plain."""
        return len(self.rows) if self.style.columns == 1 else (len(self.rows) + 1) // 2

    def height(self) -> float:
        heights = [row[2] for row in self.rows]
        half = self.split_point()
        height = max(sum(heights[:half]), sum(heights[half:]))
        return height + (self.style.row if self.omitted else 0)

    def drop_rows_to(self, room: float) -> None:
        """Keep only the rows that fit in ``room``, with a last row saying how many are left."""
        while self.rows and self.height() > room:
            self.rows.pop()
            self.omitted += 1

    def draw(self, canvas, x: float, top: float) -> None:
        style = self.style
        half = self.split_point()
        columns = [self.rows[:half], self.rows[half:]]
        for number, rows in enumerate(columns):
            left = x + number * (self.column_width + COLUMN_GAP)
            y = top
            for line, names, height in rows:
                baseline = y - style.row / 2 - style.size * 0.36
                draw_tick_box(canvas, left, y - (style.row + style.box) / 2, style.box)
                canvas.setFont(FONT_BOLD, style.size)
                canvas.drawRightString(left + self.quantity_right, baseline, str(line.quantity))
                canvas.setFont(FONT, style.size)
                canvas.drawString(left + self.unit_x, baseline,
                                  fit_text(line.unit, FONT, style.size, self.unit_width))
                for index, name in enumerate(names):
                    canvas.drawString(left + self.name_x, baseline - index * leading(style.size),
                                      name)
                y -= height
        if self.omitted:
            text = ngettext("… and %(count)s more item: see the pick list",
                            "… and %(count)s more items: see the pick list",
                            self.omitted) % {"count": self.omitted}
            y = top - self.height() + style.row
            canvas.setFont(FONT_BOLD, style.size)
            canvas.drawString(x, y - style.row / 2 - style.size * 0.36,
                              fit_text(text, FONT_BOLD, style.size, self.width))


class SlipPage(Flowable):
    """One slip, filling the page's frame; laid out on the first ``wrap``."""

    def __init__(self, slip: Slip, content: SlipsContent, width: float, height: float):
        super().__init__()
        self.slip, self.content = slip, content
        self.width, self.height = width, height
        self.laid_out = False

    def wrap(self, availWidth, availHeight):
        if not self.laid_out:
            self._lay_out()
            self.laid_out = True
        return self.width, self.height

    # Layout: every part's lines are measured first, then the checklist style and the notes'
    # length are chosen so that the whole fits the frame.

    def _lay_out(self):
        slip, content, width = self.slip, self.content, self.width
        band_width = width - QR_SIZE - QR_QUIET
        self.foundation = cut_lines(wrap_text(content.foundation, FONT_BOLD, FOUNDATION,
                                              band_width), 2, FONT_BOLD, FOUNDATION, band_width)
        self.byline = fit_text(f"{content.warehouse} · {date_label(content.printed_on)}", FONT,
                               LABEL, band_width)
        self.deliver_by = fit_text(capfirst(_("deliver by %(date)s") % {
            "date": date_label(slip.deliver_by)}), FONT_BOLD, VALUE, band_width) \
            if slip.deliver_by else ""
        band = (len(self.foundation) * leading(FOUNDATION) + leading(TITLE) + leading(CODE)
                + leading(LABEL) + 2 * mm + (leading(VALUE) if self.deliver_by else 0))
        # The rule below stays out of the QR code's quiet zone too.
        self.band_height = max(band, QR_SIZE + QR_QUIET - SECTION_GAP)

        value_width = width - LABEL_WIDTH
        self.value_width = value_width
        self.fields = []  # (label, font, size, lines)
        name = wrap_text(slip.recipient, FONT_BOLD, NAME, value_width)
        self.fields.append((_("Name"), FONT_BOLD, NAME,
                            cut_lines(name, 3, FONT_BOLD, NAME, value_width)))
        address = [line for address_line in slip.address_lines
                   for line in cut_lines(wrap_text(address_line, FONT, VALUE, value_width), 2,
                                         FONT, VALUE, value_width)]
        if address:
            self.fields.append((_("Address"), FONT, VALUE,
                                cut_lines(address, 5, FONT, VALUE, value_width)))
        if slip.phone:
            self.fields.append((_("Phone"), FONT_BOLD, VALUE,
                                [fit_text(slip.phone, FONT_BOLD, VALUE, value_width)]))
        if slip.language:
            self.fields.append((_("Language"), FONT, VALUE,
                                [fit_text(slip.language, FONT, VALUE, value_width)]))
        self.fields_height = sum(len(lines) * leading(size) for _l, _f, size, lines in self.fields)
        self.fields_height += (len(self.fields) - 1) * 1.5 * mm

        # Before the name: whoever takes the kit out again knows at once it came back, and why.
        self.attempt, self.failed = "", []
        if slip.attempt > 1:
            self.attempt = (_("Second attempt") if slip.attempt == 2
                            else _("Attempt %(number)s") % {"number": slip.attempt})
            if slip.failed_reason.strip():
                self.failed = cut_lines(wrap_text(
                    _("Last time it failed: %(reason)s") % {"reason": slip.failed_reason.strip()},
                    FONT, VALUE, width), 3, FONT, VALUE, width)
            self.fields_height += (1 + len(self.failed)) * leading(VALUE) + 1.5 * mm

        self.notes = wrap_text(slip.delivery_notes, FONT, NOTES, value_width) \
            if slip.delivery_notes.strip() else []

        self.kit = fit_text(slip.kit_type, FONT_BOLD, VALUE,
                            width - LABEL_WIDTH - text_width(babies_label(slip.babies), FONT_BOLD,
                                                             VALUE) - 6 * mm)
        self.contents_head = leading(VALUE) + 1.5 * mm

        self.receipt_height = 17 * mm
        self.contact = cut_lines(wrap_text(content.contact_line, FONT, LABEL, width), 2, FONT,
                                 LABEL, width) if content.contact_line.strip() else []
        contact_height = len(self.contact) * leading(LABEL)

        fixed = (self.band_height + self.fields_height + self.contents_head
                 + self.receipt_height + contact_height)
        gaps = 2 * SECTION_GAP * (3 + bool(self.contact))  # a rule between two sections
        room = self.height - fixed - gaps - (1.5 * mm if self.notes else 0)

        notes_height = len(self.notes) * leading(NOTES)
        for style in STYLES:
            self.checklist = Checklist(slip.lines, style, width)
            if self.checklist.height() + notes_height <= room:
                return
        # Last resort: shorten the notes, keeping two lines if possible, then the checklist.
        keep = max(int((room - self.checklist.height()) // leading(NOTES)), min(2, len(self.notes)))
        self.notes = cut_lines(self.notes, keep, FONT, NOTES, value_width)
        self.checklist.drop_rows_to(room - len(self.notes) * leading(NOTES))

    # Drawing, from the top of the frame down.

    def draw(self):
        canvas, slip, width = self.canv, self.slip, self.width
        top = self.height
        self._draw_band(canvas, top)
        y = top - self.band_height
        y = self._rule(canvas, y)
        y = self._draw_fields(canvas, y)
        y = self._rule(canvas, y)
        self._draw_label(canvas, y, _("Contents"), VALUE)
        babies = babies_label(slip.babies)
        canvas.setFont(FONT_BOLD, VALUE)
        baseline = y - VALUE
        canvas.drawString(LABEL_WIDTH, baseline, self.kit)
        canvas.setFont(FONT_BOLD if slip.babies > 1 else FONT, VALUE)
        canvas.drawRightString(width, baseline, babies)
        y -= self.contents_head
        canvas.setLineWidth(0.8)
        self.checklist.draw(canvas, 0, y)
        # The receipt and the contact line sit at the foot of the page, whatever is above.
        y = 0.0
        if self.contact:
            canvas.setFont(FONT, LABEL)
            for line in reversed(self.contact):
                canvas.drawCentredString(width / 2, y + 3, line)
                y += leading(LABEL)
            y = self._rule(canvas, y + 2 * SECTION_GAP)
            y += 2 * SECTION_GAP
        self._draw_receipt(canvas, y + self.receipt_height)
        self._rule(canvas, y + self.receipt_height + 2 * SECTION_GAP)

    def _rule(self, canvas, y: float) -> float:
        y -= SECTION_GAP
        canvas.setLineWidth(0.8)
        canvas.line(0, y, self.width, y)
        return y - SECTION_GAP

    def _draw_label(self, canvas, top: float, label: str, size: float) -> None:
        """A field's label, on the baseline of the first line of a value set in ``size``."""
        canvas.setFont(FONT, LABEL)
        canvas.drawString(0, top - size, fit_text(label, FONT, LABEL, LABEL_WIDTH - 2 * mm))

    def _draw_band(self, canvas, top: float) -> None:
        y = top
        canvas.setFont(FONT_BOLD, FOUNDATION)
        for line in self.foundation:
            y -= leading(FOUNDATION)
            canvas.drawString(0, y + 3, line)
        canvas.setFont(FONT_BOLD, TITLE)
        y -= leading(TITLE)
        canvas.drawString(0, y + 4, _("Delivery slip"))
        canvas.setFont(FONT_BOLD, CODE)
        y -= leading(CODE)
        canvas.drawString(0, y + 5, self.slip.code)
        if self.deliver_by:
            canvas.setFont(FONT_BOLD, VALUE)
            y -= leading(VALUE)
            canvas.drawString(0, y + 3, self.deliver_by)
        canvas.setFont(FONT, LABEL)
        y -= leading(LABEL) + 1 * mm
        canvas.drawString(0, y + 3, self.byline)
        draw_qr(canvas, qr_modules(self.slip.delivery_url or self.slip.code),
                self.width - QR_SIZE, top - QR_SIZE, QR_SIZE)

    def _draw_fields(self, canvas, y: float) -> float:
        if self.attempt:
            canvas.setFont(FONT_BOLD, VALUE)
            canvas.drawString(0, y - VALUE, self.attempt)
            y -= leading(VALUE)
            canvas.setFont(FONT, VALUE)
            for line in self.failed:
                canvas.drawString(0, y - VALUE, line)
                y -= leading(VALUE)
            y -= 1.5 * mm
        for label, font, size, lines in self.fields:
            self._draw_label(canvas, y, label, size)
            canvas.setFont(font, size)
            for line in lines:
                canvas.drawString(LABEL_WIDTH, y - size, line)
                y -= leading(size)
            y -= 1.5 * mm
        y += 1.5 * mm
        if self.notes:
            y -= 1.5 * mm
            self._draw_label(canvas, y, _("Delivery notes"), NOTES)
            canvas.setFont(FONT, NOTES)
            for line in self.notes:
                canvas.drawString(LABEL_WIDTH, y - NOTES, line)
                y -= leading(NOTES)
        return y

    def _draw_receipt(self, canvas, top: float) -> None:
        draw_receipt(canvas, self.width, top, _("Received by (name)"))


def draw_receipt(canvas, width: float, top: float, name_label: str) -> None:
    """Lines to write on, each with its label below: name, signature, date."""
    fields = ((name_label, 0.42), (_("Signature"), 0.36), (_("Date"), 0.22))
    gap = 5 * mm
    usable = width - gap * (len(fields) - 1)
    x = 0.0
    line_y = top - 11 * mm
    canvas.setLineWidth(0.8)
    for label, share in fields:
        field_width = usable * share
        canvas.line(x, line_y, x + field_width, line_y)
        canvas.setFont(FONT, LABEL)
        canvas.drawString(x, line_y - LABEL - 1, fit_text(label, FONT, LABEL, field_width))
        x += field_width + gap


class DeliverySlipsPDF(PDFDocument):
    def __init__(self, content: SlipsContent):
        self.content = content

    def title(self) -> str:
        number = self.content.pick_list_number
        if number is None:
            return _("Delivery slips")
        return _("Delivery slips for pick list %(number)s") % {"number": number}

    def page_label(self, number: int, total: int) -> str:
        values = {"list": self.content.pick_list_number, "number": number, "total": total}
        if values["list"] is None:
            return _("Slip %(number)s/%(total)s") % values
        return _("Pick list %(list)s · slip %(number)s/%(total)s") % values

    def story(self) -> list[Flowable]:
        story: list[Flowable] = []
        for slip in self.content.slips:
            if story:
                story.append(PageBreak())
            story.append(SlipPage(slip, self.content, self.frame_width, self.frame_height))
        return story


def render_delivery_slips(content: SlipsContent) -> bytes:
    """The delivery slips as an A4 PDF, one page per slip; there must be at least one."""
    if not content.slips:
        # reportlab would make one empty page, numbered "slip 1/1".
        raise ValueError("No slips to print.")
    return DeliverySlipsPDF(content).render()
