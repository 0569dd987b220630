"""The route sheet: one sheet per pick list for the driver, the kits' addresses in postcode
order with the code, the phone number and the delivery notes, and a box to tick at each door.

No names (the slips carry them), nothing of the household or the income (see ``content``). A row
per stop; the column heads are in the page's header, so that a long list continues readably.
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from logistics.distribution.documents.content import RouteSheetContent, Stop
from logistics.distribution.documents.pick_list import date_label
from startpakket.pdf import (
    FONT,
    FONT_BOLD,
    PDFDocument,
    cut_lines,
    draw_tick_box,
    fit_text,
    wrap_text,
)

# A list of the usual size (20 kits) fits one page: a stop takes one line, and a line more per
# line of notes.
BODY = 10  # pt
NOTES = 9.5  # pt
LEADING = 12.5  # pt
PAD = 1.5 * mm  # above and below a row's text
BOX = 4 * mm
NOTE_LINES = 3  # longer notes are cut: the slip has them whole

# Where each column starts, from the frame's left edge; the notes go under the address.
NUMBER_RIGHT = 11 * mm
POSTCODE_X = 13 * mm
ADDRESS_X = 31 * mm
CODE_X = 116 * mm
PHONE_X = 151 * mm


class StopRow(Flowable):
    """One address: tick box, number, postcode, street and city, code, phone; notes below."""

    def __init__(self, number: int, stop: Stop):
        super().__init__()
        self.number, self.stop = number, stop

    def wrap(self, availWidth, availHeight):
        stop = self.stop
        self.width = availWidth
        self.postcode = fit_text(stop.postcode, FONT_BOLD, BODY, ADDRESS_X - POSTCODE_X - 1 * mm)
        address_width = CODE_X - ADDRESS_X - 2 * mm
        address = ", ".join(part for part in (stop.address_line, stop.city) if part)
        self.address = cut_lines(wrap_text(address, FONT, BODY, address_width), 2, FONT, BODY,
                                 address_width)
        self.code = fit_text(stop.code, FONT, BODY, PHONE_X - CODE_X - 1 * mm)
        self.phone = fit_text(stop.phone, FONT_BOLD, BODY, availWidth - PHONE_X)
        notes_width = availWidth - ADDRESS_X
        self.notes = cut_lines(wrap_text(stop.delivery_notes, FONT, NOTES, notes_width),
                               NOTE_LINES, FONT, NOTES, notes_width) \
            if stop.delivery_notes.strip() else []
        self.height = 2 * PAD + (len(self.address) + len(self.notes)) * LEADING
        return self.width, self.height

    def draw(self):
        canvas = self.canv
        top = self.height
        baseline = top - PAD - BODY
        draw_tick_box(canvas, 0, baseline - 1, BOX)
        canvas.setFont(FONT, BODY)
        canvas.drawRightString(NUMBER_RIGHT, baseline, f"{self.number}.")
        canvas.setFont(FONT_BOLD, BODY)
        canvas.drawString(POSTCODE_X, baseline, self.postcode)
        canvas.drawString(PHONE_X, baseline, self.phone)
        canvas.setFont(FONT, BODY)
        canvas.drawString(CODE_X, baseline, self.code)
        for line in self.address:
            canvas.drawString(ADDRESS_X, baseline, line)
            baseline -= LEADING
        canvas.setFont(FONT, NOTES)
        for line in self.notes:
            canvas.drawString(ADDRESS_X, baseline, line)
            baseline -= LEADING
        canvas.setLineWidth(0.4)
        canvas.line(0, 0, self.width, 0)


class RouteSheetPDF(PDFDocument):
    margin = 12 * mm
    header_height = 22 * mm

    def __init__(self, content: RouteSheetContent):
        self.content = content

    def title(self) -> str:
        return _("Route sheet for pick list %(number)s") % {"number": self.content.number}

    def draw_page(self, canvas, doc):
        content = self.content
        left, right = self.margin, self.pagesize[0] - self.margin
        top = self.pagesize[1] - self.margin
        canvas.saveState()
        canvas.setFont(FONT_BOLD, 16)
        canvas.drawString(left, top - 6 * mm, fit_text(self.title(), FONT_BOLD, 16,
                                                       self.frame_width * 0.7))
        canvas.setFont(FONT, 11)
        canvas.drawRightString(right, top - 6 * mm, date_label(content.printed_on))
        count = len(content.stops)
        canvas.drawRightString(right, top - 11.5 * mm, ngettext(
            "%(count)s address", "%(count)s addresses", count) % {"count": count})
        canvas.drawString(left, top - 11.5 * mm,
                          fit_text(content.warehouse, FONT, 11, self.frame_width * 0.7))
        baseline = top - 19 * mm
        canvas.setFont(FONT_BOLD, 9)
        canvas.drawString(left + POSTCODE_X, baseline, _("Postcode"))
        canvas.drawString(left + ADDRESS_X, baseline, _("Address and delivery notes"))
        canvas.drawString(left + CODE_X, baseline, _("Code"))
        canvas.drawString(left + PHONE_X, baseline, _("Phone"))
        canvas.setLineWidth(1.2)
        canvas.line(left, top - 21 * mm, right, top - 21 * mm)
        canvas.restoreState()

    def story(self) -> list[Flowable]:
        return [StopRow(number, stop) for number, stop in enumerate(self.content.stops, start=1)]


def render_route_sheet(content: RouteSheetContent) -> bytes:
    """The route sheet as an A4 PDF: one page for a list of usual size."""
    return RouteSheetPDF(content).render()
