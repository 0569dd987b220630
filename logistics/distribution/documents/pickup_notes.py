"""Pick-up notes: one A4 page per kit that a family collects at a pick-up point, in place of a
delivery slip. It goes with the box to the point and tells the volunteer there whose kit it is,
what the parent brings to collect it, how long it waits, and what is in it; it ends with lines
to sign for it.

Like a slip: the code large and as a QR code (the kit's page, to record the collection), never
onto a second page (the checklist takes the slip's styles, step by step smaller, until it fits),
nothing about income or household (see ``content``).
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak

from logistics.distribution.documents.content import PickupNote, PickupNotesContent
from logistics.distribution.documents.delivery_slips import (
    CODE,
    FOUNDATION,
    LABEL,
    LABEL_WIDTH,
    NAME,
    NOTES,
    QR_QUIET,
    QR_SIZE,
    SECTION_GAP,
    STYLES,
    TITLE,
    VALUE,
    Checklist,
    draw_receipt,
    leading,
)
from logistics.distribution.documents.pick_list import babies_label, date_label
from startpakket.pdf import (
    FONT,
    FONT_BOLD,
    PDFDocument,
    cut_lines,
    draw_qr,
    fit_text,
    qr_modules,
    text_width,
    wrap_text,
)

HOURS_LINES = 6  # longer opening hours are cut: the point knows its own hours
RECEIPT = 17 * mm


class PickupNotePage(Flowable):
    """One note, filling the page's frame; laid out on the first ``wrap``."""

    def __init__(self, note: PickupNote, content: PickupNotesContent, width: float,
                 height: float):
        super().__init__()
        self.note, self.content = note, content
        self.width, self.height = width, height
        self.laid_out = False

    def wrap(self, availWidth, availHeight):
        if not self.laid_out:
            self._lay_out()
            self.laid_out = True
        return self.width, self.height

    def _lay_out(self):
        note, content, width = self.note, self.content, self.width
        band_width = width - QR_SIZE - QR_QUIET
        self.foundation = cut_lines(wrap_text(content.foundation, FONT_BOLD, FOUNDATION,
                                              band_width), 2, FONT_BOLD, FOUNDATION, band_width)
        self.byline = fit_text(f"{content.warehouse} · {date_label(content.printed_on)}", FONT,
                               LABEL, band_width)
        band = (len(self.foundation) * leading(FOUNDATION) + leading(TITLE) + leading(CODE)
                + leading(LABEL) + 2 * mm)
        self.band_height = max(band, QR_SIZE + QR_QUIET - SECTION_GAP)

        value_width = width - LABEL_WIDTH
        self.fields = []  # (label, font, size, lines)
        self.fields.append((_("For"), FONT_BOLD, NAME, cut_lines(
            wrap_text(note.recipient, FONT_BOLD, NAME, value_width), 2, FONT_BOLD, NAME,
            value_width)))
        self.fields.append((_("Pick-up point"), FONT_BOLD, VALUE, cut_lines(
            wrap_text(note.point_name, FONT_BOLD, VALUE, value_width), 2, FONT_BOLD, VALUE,
            value_width)))
        address = [line for address_line in note.point_address_lines
                   for line in cut_lines(wrap_text(address_line, FONT, VALUE, value_width), 2,
                                         FONT, VALUE, value_width)]
        self.fields.append(("", FONT, VALUE, address))
        self.fields.append((_("Opening hours"), FONT, NOTES, cut_lines(
            wrap_text(note.opening_hours, FONT, NOTES, value_width), HOURS_LINES, FONT, NOTES,
            value_width)))
        self.fields_height = sum(len(lines) * leading(size) for _l, _f, size, lines in self.fields)
        self.fields_height += (len(self.fields) - 1) * 1.5 * mm

        self.collect = wrap_text(ngettext(
            "To collect the kit the parent shows proof of identity in the name above, or the "
            "code %(code)s. It waits here for %(weeks)s week after it was brought.",
            "To collect the kit the parent shows proof of identity in the name above, or the "
            "code %(code)s. It waits here for %(weeks)s weeks after it was brought.",
            note.collect_weeks) % {"code": note.code, "weeks": note.collect_weeks},
            FONT, VALUE, width)
        self.collect_height = len(self.collect) * leading(VALUE)

        self.kit = fit_text(note.kit_type, FONT_BOLD, VALUE,
                            width - LABEL_WIDTH - text_width(babies_label(note.babies), FONT_BOLD,
                                                             VALUE) - 6 * mm)
        self.contents_head = leading(VALUE) + 1.5 * mm
        self.contact = cut_lines(wrap_text(content.contact_line, FONT, LABEL, width), 2, FONT,
                                 LABEL, width) if content.contact_line.strip() else []
        fixed = (self.band_height + self.fields_height + self.collect_height
                 + self.contents_head + RECEIPT + len(self.contact) * leading(LABEL))
        room = self.height - fixed - 2 * SECTION_GAP * (4 + bool(self.contact))
        for style in STYLES:
            self.checklist = Checklist(note.lines, style, width)
            if self.checklist.height() <= room:
                return
        self.checklist.drop_rows_to(room)

    def draw(self):
        canvas, note, width = self.canv, self.note, self.width
        top = self.height
        y = top
        canvas.setFont(FONT_BOLD, FOUNDATION)
        for line in self.foundation:
            y -= leading(FOUNDATION)
            canvas.drawString(0, y + 3, line)
        canvas.setFont(FONT_BOLD, TITLE)
        y -= leading(TITLE)
        canvas.drawString(0, y + 4, _("Pick-up note"))
        canvas.setFont(FONT_BOLD, CODE)
        y -= leading(CODE)
        canvas.drawString(0, y + 5, note.code)
        canvas.setFont(FONT, LABEL)
        y -= leading(LABEL) + 1 * mm
        canvas.drawString(0, y + 3, self.byline)
        draw_qr(canvas, qr_modules(note.delivery_url or note.code), width - QR_SIZE,
                top - QR_SIZE, QR_SIZE)

        y = self._rule(canvas, top - self.band_height)
        for label, font, size, lines in self.fields:
            if label:
                canvas.setFont(FONT, LABEL)
                canvas.drawString(0, y - size, fit_text(label, FONT, LABEL, LABEL_WIDTH - 2 * mm))
            canvas.setFont(font, size)
            for line in lines:
                canvas.drawString(LABEL_WIDTH, y - size, line)
                y -= leading(size)
            y -= 1.5 * mm
        y = self._rule(canvas, y + 1.5 * mm)
        canvas.setFont(FONT, VALUE)
        for line in self.collect:
            canvas.drawString(0, y - VALUE, line)
            y -= leading(VALUE)
        y = self._rule(canvas, y)

        canvas.setFont(FONT, LABEL)
        canvas.drawString(0, y - VALUE, _("Contents"))
        canvas.setFont(FONT_BOLD, VALUE)
        canvas.drawString(LABEL_WIDTH, y - VALUE, self.kit)
        canvas.setFont(FONT_BOLD if note.babies > 1 else FONT, VALUE)
        canvas.drawRightString(width, y - VALUE, babies_label(note.babies))
        y -= self.contents_head
        canvas.setLineWidth(0.8)
        self.checklist.draw(canvas, 0, y)

        y = 0.0
        if self.contact:
            canvas.setFont(FONT, LABEL)
            for line in reversed(self.contact):
                canvas.drawCentredString(width / 2, y + 3, line)
                y += leading(LABEL)
            y = self._rule(canvas, y + 2 * SECTION_GAP) + 2 * SECTION_GAP
        draw_receipt(canvas, width, y + RECEIPT, _("Collected by (name)"))
        self._rule(canvas, y + RECEIPT + 2 * SECTION_GAP)

    def _rule(self, canvas, y: float) -> float:
        y -= SECTION_GAP
        canvas.setLineWidth(0.8)
        canvas.line(0, y, self.width, y)
        return y - SECTION_GAP


class PickupNotesPDF(PDFDocument):
    def __init__(self, content: PickupNotesContent):
        self.content = content

    def title(self) -> str:
        number = self.content.pick_list_number
        if number is None:
            return _("Pick-up notes")
        return _("Pick-up notes for pick list %(number)s") % {"number": number}

    def page_label(self, number: int, total: int) -> str:
        values = {"list": self.content.pick_list_number, "number": number, "total": total}
        if values["list"] is None:
            return _("Note %(number)s/%(total)s") % values
        return _("Pick list %(list)s · note %(number)s/%(total)s") % values

    def story(self) -> list[Flowable]:
        story: list[Flowable] = []
        for note in self.content.notes:
            if story:
                story.append(PageBreak())
            story.append(PickupNotePage(note, self.content, self.frame_width, self.frame_height))
        return story


def render_pickup_notes(content: PickupNotesContent) -> bytes:
    """The pick-up notes as an A4 PDF, one page per kit; there must be at least one."""
    if not content.notes:
        raise ValueError("No pick-up notes to print.")
    return PickupNotesPDF(content).render()
