"""What a delivery slip and a pick-up note share: one A4 page per kit with the foundation, the
title and the code large beside a QR code, fields with their labels, the kit's contents as rows
of tick boxes, and at the foot lines to sign on and the foundation's contact line. The checklist
takes one style after the other, step by step smaller, until the page fits."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak

from logistics.distribution.documents.content import Line
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
RECEIPT = 17 * mm  # the lines to sign on, with their labels
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
    """How the contents are set: one style after the other is tried until the page fits."""

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


class KitPage(Flowable):
    """One kit's page, filling the page's frame; laid out on the first ``wrap``.

    A subclass measures its parts in ``_lay_out`` and draws them in ``draw``, with the pieces
    below: the band at the top, ``self.fields`` (label, font, size, lines), the contents and the
    foot."""

    def __init__(self, content, width: float, height: float):
        super().__init__()
        self.content = content
        self.width, self.height = width, height
        self.laid_out = False

    def wrap(self, availWidth, availHeight):
        if not self.laid_out:
            self._lay_out()
            self.laid_out = True
        return self.width, self.height

    def _lay_out(self):
        raise NotImplementedError

    # Layout

    def _band_width(self) -> float:
        """Beside the QR code."""
        return self.width - QR_SIZE - QR_QUIET

    def _lay_out_band(self, extra: float = 0.0) -> None:
        """The foundation, title, code and byline; ``extra`` for a line of the subclass's."""
        content, band_width = self.content, self._band_width()
        self.foundation = cut_lines(wrap_text(content.foundation, FONT_BOLD, FOUNDATION,
                                              band_width), 2, FONT_BOLD, FOUNDATION, band_width)
        self.byline = fit_text(f"{content.warehouse} · {date_label(content.printed_on)}", FONT,
                               LABEL, band_width)
        band = (len(self.foundation) * leading(FOUNDATION) + leading(TITLE) + leading(CODE)
                + leading(LABEL) + 2 * mm + extra)
        # The rule below stays out of the QR code's quiet zone too.
        self.band_height = max(band, QR_SIZE + QR_QUIET - SECTION_GAP)

    def _fields_height(self) -> float:
        height = sum(len(lines) * leading(size) for _l, _f, size, lines in self.fields)
        return height + (len(self.fields) - 1) * 1.5 * mm

    def _lay_out_contents_head(self, kit_type: str, babies: int) -> None:
        self.kit = fit_text(kit_type, FONT_BOLD, VALUE,
                            self.width - LABEL_WIDTH - text_width(babies_label(babies), FONT_BOLD,
                                                                  VALUE) - 6 * mm)
        self.contents_head = leading(VALUE) + 1.5 * mm

    def _lay_out_contact(self) -> float:
        """The foundation's contact line at the foot; its height."""
        contact_line, width = self.content.contact_line, self.width
        self.contact = cut_lines(wrap_text(contact_line, FONT, LABEL, width), 2, FONT,
                                 LABEL, width) if contact_line.strip() else []
        return len(self.contact) * leading(LABEL)

    def _fit_checklist(self, lines: tuple[Line, ...], room: float, beside: float = 0.0) -> bool:
        """Takes the first style in which the checklist and ``beside`` fit ``room``; if none
        does, the last, and says so."""
        for style in STYLES:
            self.checklist = Checklist(lines, style, self.width)
            if self.checklist.height() + beside <= room:
                return True
        return False

    # Drawing

    def _rule(self, canvas, y: float) -> float:
        y -= SECTION_GAP
        canvas.setLineWidth(0.8)
        canvas.line(0, y, self.width, y)
        return y - SECTION_GAP

    def _draw_label(self, canvas, top: float, label: str, size: float) -> None:
        """A field's label, on the baseline of the first line of a value set in ``size``."""
        canvas.setFont(FONT, LABEL)
        canvas.drawString(0, top - size, fit_text(label, FONT, LABEL, LABEL_WIDTH - 2 * mm))

    def _draw_band(self, canvas, top: float, title: str, code: str, url: str,
                   extra: str = "") -> None:
        """The top of the page; ``extra`` in bold under the code. The QR code opens ``url``."""
        y = top
        canvas.setFont(FONT_BOLD, FOUNDATION)
        for line in self.foundation:
            y -= leading(FOUNDATION)
            canvas.drawString(0, y + 3, line)
        canvas.setFont(FONT_BOLD, TITLE)
        y -= leading(TITLE)
        canvas.drawString(0, y + 4, title)
        canvas.setFont(FONT_BOLD, CODE)
        y -= leading(CODE)
        canvas.drawString(0, y + 5, code)
        if extra:
            canvas.setFont(FONT_BOLD, VALUE)
            y -= leading(VALUE)
            canvas.drawString(0, y + 3, extra)
        canvas.setFont(FONT, LABEL)
        y -= leading(LABEL) + 1 * mm
        canvas.drawString(0, y + 3, self.byline)
        draw_qr(canvas, qr_modules(url or code), self.width - QR_SIZE, top - QR_SIZE, QR_SIZE)

    def _draw_fields(self, canvas, y: float) -> float:
        """``self.fields`` one under the other, a label (if any) beside each first line."""
        for label, font, size, lines in self.fields:
            if label:
                self._draw_label(canvas, y, label, size)
            canvas.setFont(font, size)
            for line in lines:
                canvas.drawString(LABEL_WIDTH, y - size, line)
                y -= leading(size)
            y -= 1.5 * mm
        return y + 1.5 * mm

    def _draw_contents(self, canvas, y: float, babies: int) -> None:
        self._draw_label(canvas, y, _("Contents"), VALUE)
        canvas.setFont(FONT_BOLD, VALUE)
        baseline = y - VALUE
        canvas.drawString(LABEL_WIDTH, baseline, self.kit)
        canvas.setFont(FONT_BOLD if babies > 1 else FONT, VALUE)
        canvas.drawRightString(self.width, baseline, babies_label(babies))
        y -= self.contents_head
        canvas.setLineWidth(0.8)
        self.checklist.draw(canvas, 0, y)

    def _draw_foot(self, canvas, name_label: str) -> None:
        """The receipt and the contact line sit at the foot of the page, whatever is above."""
        y = 0.0
        if self.contact:
            canvas.setFont(FONT, LABEL)
            for line in reversed(self.contact):
                canvas.drawCentredString(self.width / 2, y + 3, line)
                y += leading(LABEL)
            y = self._rule(canvas, y + 2 * SECTION_GAP) + 2 * SECTION_GAP
        draw_receipt(canvas, self.width, y + RECEIPT, name_label)
        self._rule(canvas, y + RECEIPT + 2 * SECTION_GAP)


class KitPagesPDF(PDFDocument):
    """One ``KitPage`` a kit, numbered within the pick list when printed for a whole list."""

    page_class: type[KitPage]  # made as ``page_class(kit, content, width, height)``

    def __init__(self, content):
        self.content = content

    def kits(self) -> tuple:
        raise NotImplementedError

    def titles(self) -> tuple[str, str]:
        """The title alone, and for a pick list (``%(number)s``)."""
        raise NotImplementedError

    def page_labels(self) -> tuple[str, str]:
        """``%(number)s/%(total)s`` alone, and for a pick list (``%(list)s``)."""
        raise NotImplementedError

    def title(self) -> str:
        number = self.content.pick_list_number
        alone, for_list = self.titles()
        if number is None:
            return alone
        return for_list % {"number": number}

    def page_label(self, number: int, total: int) -> str:
        values = {"list": self.content.pick_list_number, "number": number, "total": total}
        alone, for_list = self.page_labels()
        return (alone if values["list"] is None else for_list) % values

    def story(self) -> list[Flowable]:
        story: list[Flowable] = []
        for kit in self.kits():
            if story:
                story.append(PageBreak())
            story.append(self.page_class(kit, self.content, self.frame_width,
                                         self.frame_height))
        return story
