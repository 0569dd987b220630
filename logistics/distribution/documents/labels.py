"""Address labels for kits sent by post, in a plain box: the recipient's name and address, the
foundation's return address as the sender, and a small reference to match label and box. No
content description, no logo, nothing of the kit: families choose post so that nobody, the
postman and the neighbours included, can tell what it is (see ``content``).

Two forms:

- ``A4_SHEET``: A4 sheets of 8 labels, 2 across and 4 down, each 99.1 × 67.7 mm (the common
  sheet sold as Avery L7165 / J8165 and compatible), 13.1 mm from the top edge, 4.65 mm from the
  left, 2.5 mm between the columns and none between the rows: a label per kit, in the list's
  order, a new sheet after eight.
- ``SINGLE``: one 10 × 15 cm label per page (portrait), the size of label printers and of
  parcel services' own labels.

Drawn on a plain canvas: no page numbers or headers, which would land on a label or its backing.
"""

import io
from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from logistics.distribution.documents.content import Label, LabelsContent
from startpakket.pdf import (
    AUTHOR,
    FONT,
    FONT_BOLD,
    cut_lines,
    fit_text,
    register_fonts,
    wrap_text,
)


@dataclass(frozen=True)
class LabelSheet:
    """Where the labels are on a page: ``columns`` × ``rows`` labels of ``width`` × ``height``,
    the first ``left`` from the page's left edge and ``top`` from its top edge, the next ones
    ``pitch_x`` and ``pitch_y`` further."""

    code: str
    page_size: tuple[float, float]
    columns: int
    rows: int
    width: float
    height: float
    left: float
    top: float
    pitch_x: float
    pitch_y: float
    padding: float  # kept free inside each label: printers and sheets are never exact
    sender_size: float  # pt
    name_size: float
    address_size: float

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    def origin(self, position: int) -> tuple[float, float]:
        """The lower left corner of the label at ``position`` (0 first) on its page."""
        index = position % self.per_page
        column, row = index % self.columns, index // self.columns
        x = self.left + column * self.pitch_x
        y = self.page_size[1] - self.top - row * self.pitch_y - self.height
        return x, y


A4_SHEET = LabelSheet(
    code="a4", page_size=A4, columns=2, rows=4, width=99.1 * mm, height=67.7 * mm,
    left=4.65 * mm, top=13.1 * mm, pitch_x=101.6 * mm, pitch_y=67.7 * mm, padding=6 * mm,
    sender_size=7.5, name_size=13, address_size=12)
SINGLE = LabelSheet(
    code="10x15", page_size=(100 * mm, 150 * mm), columns=1, rows=1, width=100 * mm,
    height=150 * mm, left=0, top=0, pitch_x=100 * mm, pitch_y=150 * mm, padding=7 * mm,
    sender_size=9, name_size=17, address_size=15)
SHEETS = {sheet.code: sheet for sheet in (A4_SHEET, SINGLE)}

SENDER_LINES = 4
NAME_LINES = 2
ADDRESS_LINES = 4


def leading(size: float) -> float:
    return size * 1.25


def _draw_label(canvas: Canvas, sheet: LabelSheet, x: float, y: float, label: Label,
                sender: tuple[str, ...]) -> None:
    pad = sheet.padding
    width = sheet.width - 2 * pad
    top = y + sheet.height - pad
    if sender:
        canvas.setFont(FONT, sheet.sender_size)
        lines = [_("Sender:") + " " + sender[0], *sender[1:]]
        lines = [line for text in lines
                 for line in wrap_text(text, FONT, sheet.sender_size, width)]
        for line in cut_lines(lines, SENDER_LINES, FONT, sheet.sender_size, width):
            top -= leading(sheet.sender_size)
            canvas.drawString(x + pad, top + 2, line)
        top -= 1.5 * mm
        canvas.setLineWidth(0.5)
        canvas.line(x + pad, top, x + pad + width, top)

    # The recipient, set in from the left as post offices read it, below the middle of what
    # is left; the reference in the lower right corner.
    indent = width * (0.12 if sheet.columns > 1 else 0.0)
    text_width = width - indent
    names = cut_lines(wrap_text(label.recipient, FONT_BOLD, sheet.name_size, text_width),
                      NAME_LINES, FONT_BOLD, sheet.name_size, text_width)
    address = [line for text in label.address_lines
               for line in wrap_text(text, FONT, sheet.address_size, text_width)]
    address = cut_lines(address, ADDRESS_LINES, FONT, sheet.address_size, text_width)
    block = len(names) * leading(sheet.name_size) + len(address) * leading(sheet.address_size)
    bottom = y + pad + leading(7)
    room = top - bottom
    baseline = bottom + max(room - block, 0) / 2 + block
    for line in names:
        baseline -= leading(sheet.name_size)
        canvas.setFont(FONT_BOLD, sheet.name_size)
        canvas.drawString(x + pad + indent, baseline + 3, line)
    for line in address:
        baseline -= leading(sheet.address_size)
        canvas.setFont(FONT, sheet.address_size)
        canvas.drawString(x + pad + indent, baseline + 3, line)
    canvas.setFont(FONT, 7)
    canvas.drawRightString(x + pad + width, y + pad,
                           fit_text(label.reference, FONT, 7, width / 2))


def render_labels(content: LabelsContent, sheet: LabelSheet = A4_SHEET) -> bytes:
    """The labels as a PDF on ``sheet``: one per kit, in order; there must be at least one."""
    if not content.labels:
        raise ValueError("No labels to print.")
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=sheet.page_size, lang=get_language())
    canvas.setTitle(_("Address labels"))
    canvas.setAuthor(AUTHOR)
    canvas.setCreator(AUTHOR)
    sender = tuple(line.strip() for line in content.sender_lines if line.strip())
    for position, label in enumerate(content.labels):
        if position and position % sheet.per_page == 0:
            canvas.showPage()
        _draw_label(canvas, sheet, *sheet.origin(position), label, sender)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
