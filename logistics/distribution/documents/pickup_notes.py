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

from logistics.distribution.documents.content import PickupNote, PickupNotesContent
from logistics.distribution.documents.parts import (
    LABEL_WIDTH,
    NAME,
    NOTES,
    RECEIPT,
    SECTION_GAP,
    VALUE,
    KitPage,
    KitPagesPDF,
    leading,
)
from startpakket.pdf import FONT, FONT_BOLD, cut_lines, wrap_text

HOURS_LINES = 6  # longer opening hours are cut: the point knows its own hours


class PickupNotePage(KitPage):
    """One note, filling the page's frame; laid out on the first ``wrap``."""

    def __init__(self, note: PickupNote, content: PickupNotesContent, width: float,
                 height: float):
        super().__init__(content, width, height)
        self.note = note

    def _lay_out(self):
        note, width = self.note, self.width
        self._lay_out_band()

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
        self.fields_height = self._fields_height()

        self.collect = wrap_text(ngettext(
            "To collect the kit the parent shows proof of identity in the name above, or the "
            "code %(code)s. It waits here for %(weeks)s week after it was brought.",
            "To collect the kit the parent shows proof of identity in the name above, or the "
            "code %(code)s. It waits here for %(weeks)s weeks after it was brought.",
            note.collect_weeks) % {"code": note.code, "weeks": note.collect_weeks},
            FONT, VALUE, width)
        self.collect_height = len(self.collect) * leading(VALUE)

        self._lay_out_contents_head(note.kit_type, note.babies)
        contact_height = self._lay_out_contact()
        fixed = (self.band_height + self.fields_height + self.collect_height
                 + self.contents_head + RECEIPT + contact_height)
        room = self.height - fixed - 2 * SECTION_GAP * (4 + bool(self.contact))
        if not self._fit_checklist(note.lines, room):
            self.checklist.drop_rows_to(room)

    def draw(self):
        canvas, note, top = self.canv, self.note, self.height
        self._draw_band(canvas, top, _("Pick-up note"), note.code, note.delivery_url)
        y = self._rule(canvas, top - self.band_height)
        y = self._rule(canvas, self._draw_fields(canvas, y))
        canvas.setFont(FONT, VALUE)
        for line in self.collect:
            canvas.drawString(0, y - VALUE, line)
            y -= leading(VALUE)
        y = self._rule(canvas, y)
        self._draw_contents(canvas, y, note.babies)
        self._draw_foot(canvas, _("Collected by (name)"))


class PickupNotesPDF(KitPagesPDF):
    page_class = PickupNotePage

    def kits(self) -> tuple[PickupNote, ...]:
        return self.content.notes

    def titles(self) -> tuple[str, str]:
        return _("Pick-up notes"), _("Pick-up notes for pick list %(number)s")

    def page_labels(self) -> tuple[str, str]:
        return (_("Note %(number)s/%(total)s"),
                _("Pick list %(list)s · note %(number)s/%(total)s"))


def render_pickup_notes(content: PickupNotesContent) -> bytes:
    """The pick-up notes as an A4 PDF, one page per kit; there must be at least one."""
    if not content.notes:
        raise ValueError("No pick-up notes to print.")
    return PickupNotesPDF(content).render()
