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

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from reportlab.lib.units import mm

from logistics.distribution.documents.content import Slip, SlipsContent
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
from logistics.distribution.documents.pick_list import date_label
from startpakket.pdf import FONT, FONT_BOLD, cut_lines, fit_text, wrap_text


class SlipPage(KitPage):
    """One slip, filling the page's frame; laid out on the first ``wrap``."""

    def __init__(self, slip: Slip, content: SlipsContent, width: float, height: float):
        super().__init__(content, width, height)
        self.slip = slip

    # Layout: every part's lines are measured first, then the checklist style and the notes'
    # length are chosen so that the whole fits the frame.

    def _lay_out(self):
        slip, width = self.slip, self.width
        self.deliver_by = fit_text(capfirst(_("deliver by %(date)s") % {
            "date": date_label(slip.deliver_by)}), FONT_BOLD, VALUE, self._band_width()) \
            if slip.deliver_by else ""
        self._lay_out_band(leading(VALUE) if self.deliver_by else 0)

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
        self.fields_height = self._fields_height()

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

        self._lay_out_contents_head(slip.kit_type, slip.babies)
        contact_height = self._lay_out_contact()

        fixed = (self.band_height + self.fields_height + self.contents_head
                 + RECEIPT + contact_height)
        gaps = 2 * SECTION_GAP * (3 + bool(self.contact))  # a rule between two sections
        room = self.height - fixed - gaps - (1.5 * mm if self.notes else 0)

        notes_height = len(self.notes) * leading(NOTES)
        if self._fit_checklist(slip.lines, room, beside=notes_height):
            return
        # Last resort: shorten the notes, keeping two lines if possible, then the checklist.
        keep = max(int((room - self.checklist.height()) // leading(NOTES)), min(2, len(self.notes)))
        self.notes = cut_lines(self.notes, keep, FONT, NOTES, value_width)
        self.checklist.drop_rows_to(room - len(self.notes) * leading(NOTES))

    # Drawing, from the top of the frame down.

    def draw(self):
        canvas, slip = self.canv, self.slip
        top = self.height
        self._draw_band(canvas, top, _("Delivery slip"), slip.code, slip.delivery_url,
                        self.deliver_by)
        y = top - self.band_height
        y = self._rule(canvas, y)
        y = self._draw_slip_fields(canvas, y)
        y = self._rule(canvas, y)
        self._draw_contents(canvas, y, slip.babies)
        self._draw_foot(canvas, _("Received by (name)"))

    def _draw_slip_fields(self, canvas, y: float) -> float:
        if self.attempt:
            canvas.setFont(FONT_BOLD, VALUE)
            canvas.drawString(0, y - VALUE, self.attempt)
            y -= leading(VALUE)
            canvas.setFont(FONT, VALUE)
            for line in self.failed:
                canvas.drawString(0, y - VALUE, line)
                y -= leading(VALUE)
            y -= 1.5 * mm
        y = self._draw_fields(canvas, y)
        if self.notes:
            y -= 1.5 * mm
            self._draw_label(canvas, y, _("Delivery notes"), NOTES)
            canvas.setFont(FONT, NOTES)
            for line in self.notes:
                canvas.drawString(LABEL_WIDTH, y - NOTES, line)
                y -= leading(NOTES)
        return y


class DeliverySlipsPDF(KitPagesPDF):
    page_class = SlipPage

    def kits(self) -> tuple[Slip, ...]:
        return self.content.slips

    def titles(self) -> tuple[str, str]:
        return _("Delivery slips"), _("Delivery slips for pick list %(number)s")

    def page_labels(self) -> tuple[str, str]:
        return (_("Slip %(number)s/%(total)s"),
                _("Pick list %(list)s · slip %(number)s/%(total)s"))


def render_delivery_slips(content: SlipsContent) -> bytes:
    """The delivery slips as an A4 PDF, one page per slip; there must be at least one."""
    if not content.slips:
        # reportlab would make one empty page, numbered "slip 1/1".
        raise ValueError("No slips to print.")
    return DeliverySlipsPDF(content).render()
