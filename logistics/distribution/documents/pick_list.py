"""The pick list PDF: totals per item to pick in one walk, then one block per package.

No names or addresses: a package is known on paper by its referral code only (see ``content``).
"""

import itertools

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from logistics.distribution.documents.content import Line, Package, PickListContent
from startpakket.pdf import (
    FONT,
    FONT_BOLD,
    PDFDocument,
    draw_tick_box,
    fit_text,
    text_width,
    wrap_text,
)

BODY = 12  # pt; lines, kit type
SMALL = 11  # pt; notes, SKUs, column labels
LEADING = 14.5  # pt between the lines of a wrapped text at BODY or SMALL
CODE = 18  # pt, bold
HEADING = 14  # pt, bold
# A line's height when its name fits on one line. Two kits of 16 lines, with their sign-off
# lines and a twin's note, still fit on one page (``test_two_full_kits_share_a_page``).
ROW = 6 * mm
BOX = 4.5 * mm  # tick box
PAD = 2.5 * mm  # inside a package's frame
GAP = 4 * mm  # between packages
HEAD = 9 * mm  # a package's code line
SIGN = 7 * mm  # the "packed by / checked by" line: room to write a name
MAX_SKU = 55 * mm  # a longer SKU is cut with an ellipsis


def babies_label(babies: int) -> str:
    """How many babies, with twins and triplets named so that nobody packs a single kit."""
    if babies == 2:
        return _("Twins: 2 babies")
    if babies == 3:
        return _("Triplets: 3 babies")
    return ngettext("%(count)s baby", "%(count)s babies", babies) % {"count": babies}


def date_label(value) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")  # "30 nov 2026", "30 Nov 2026"


class Columns:
    """Where a line's parts go in a block ``width`` wide: tick box, quantity, unit, item, SKU."""

    def __init__(self, width: float, sku_width: float):
        self.width = width
        self.quantity_right = BOX + 16 * mm
        self.unit_x = self.quantity_right + 3 * mm
        self.unit_width = 20 * mm
        self.name_x = self.unit_x + self.unit_width + 2 * mm
        self.sku_width = sku_width
        self.name_width = width - self.name_x - self.sku_width - 3 * mm


class LineRows:
    """A line per item with a tick box, laid out once for a width and drawn at any top."""

    def __init__(self, lines: tuple[Line, ...], columns: Columns):
        self.columns = columns
        self.rows = []
        for line in lines:
            names = wrap_text(line.name, FONT, BODY, columns.name_width)
            height = ROW + (len(names) - 1) * LEADING
            self.rows.append((line, names, height))

    def heights(self) -> list[float]:
        return [height for _line, _names, height in self.rows]

    def draw(self, canvas, x: float, top: float, rows=None) -> float:
        """Draw the rows (all, or the given slice of ``self.rows``) from ``top`` down; returns
        the y where they end."""
        c = self.columns
        canvas.setLineWidth(0.4)
        for line, names, height in self.rows if rows is None else rows:
            baseline = top - 4.4 * mm
            draw_tick_box(canvas, x, top - 5.25 * mm, BOX)
            canvas.setFont(FONT_BOLD, BODY)
            canvas.drawRightString(x + c.quantity_right, baseline, str(line.quantity))
            canvas.setFont(FONT, BODY)
            canvas.drawString(x + c.unit_x, baseline,
                              fit_text(line.unit, FONT, BODY, c.unit_width))
            for number, name in enumerate(names):
                canvas.drawString(x + c.name_x, baseline - number * LEADING, name)
            canvas.setFont(FONT, SMALL)
            canvas.drawRightString(x + c.width, baseline,
                                   fit_text(line.sku, FONT, SMALL, c.sku_width))
            top -= height
            canvas.line(x, top, x + c.width, top)
        return top


class Heading(Flowable):
    """A bold heading and an optional sentence below it, kept on the page of what follows."""

    def __init__(self, text: str, sentences: tuple[str, ...] = ()):
        super().__init__()
        self.text, self.sentences = text, sentences
        self.keepWithNext = True

    def wrap(self, availWidth, availHeight):
        self.lines = [line for sentence in self.sentences
                      for line in wrap_text(sentence, FONT, SMALL, availWidth)]
        self.width = availWidth
        self.height = 9 * mm + len(self.lines) * LEADING + 2 * mm
        return self.width, self.height

    def draw(self):
        canvas = self.canv
        y = self.height - 6 * mm
        canvas.setFont(FONT_BOLD, HEADING)
        canvas.drawString(0, y, self.text)
        canvas.setFont(FONT, SMALL)
        y -= 3 * mm + LEADING - SMALL
        for line in self.lines:
            y -= LEADING
            canvas.drawString(0, y + 3.5, line)


class Totals(Flowable):
    """Per item, how many to pick for the whole list; splits between rows across pages."""

    def __init__(self, totals: tuple[Line, ...], sku_width: float, continued: bool = False):
        super().__init__()
        self.totals, self.sku_width, self.continued = totals, sku_width, continued
        self.layout = None

    def _lay_out(self, width):
        # Indented as the packages' lines are, so that the columns line up.
        if self.layout is None or self.layout.columns.width != width - 2 * PAD:
            self.layout = LineRows(self.totals, Columns(width - 2 * PAD, self.sku_width))
        return self.layout

    def header_height(self):
        return 8 * mm

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        self.height = self.header_height() + sum(self._lay_out(availWidth).heights()) + GAP
        return self.width, self.height

    def split(self, availWidth, availHeight):
        heights = self._lay_out(availWidth).heights()
        room = availHeight - self.header_height() - GAP
        count = 0
        while count < len(heights) and heights[count] <= room:
            room -= heights[count]
            count += 1
        if count == 0 or count == len(heights):
            return []
        return [Totals(self.totals[:count], self.sku_width, self.continued),
                Totals(self.totals[count:], self.sku_width, continued=True)]

    def draw(self):
        canvas = self.canv
        columns = self.layout.columns
        top = self.height
        baseline = top - 5 * mm
        canvas.setFont(FONT_BOLD, SMALL)
        canvas.drawRightString(PAD + columns.quantity_right, baseline, _("Quantity"))
        canvas.drawString(PAD + columns.unit_x, baseline, _("Unit"))
        item = _("Item") if not self.continued else _("Item (continued)")
        canvas.drawString(PAD + columns.name_x, baseline, item)
        canvas.drawRightString(PAD + columns.width, baseline, _("SKU"))
        top -= self.header_height()
        canvas.setLineWidth(1)
        canvas.line(PAD, top, PAD + columns.width, top)
        self.layout.draw(canvas, PAD, top)


class PackageBlock(Flowable):
    """One package in a frame: code, kit type and babies, lines with tick boxes, notes.

    It is never split over two pages unless it is taller than a whole page, which a kit of
    realistic size never is; then it continues on the next page under its code. So a page
    ends early only where the next block does not fit. The kit type's name is never cut: it
    wraps beside the code. At the foot, lines for who packed and who checked the box.
    """

    def __init__(self, package: Package, page_height: float, sku_width: float, rows=None,
                 continued=False, notes=True):
        super().__init__()
        self.package, self.page_height, self.sku_width = package, page_height, sku_width
        # When split: this part's rows, whether it follows another part, whether notes are on it.
        self.rows, self.continued, self.notes = rows, continued, notes
        self.laid_out_for = None
        self.spaceBefore = GAP  # dropped at the top of a page

    def _lay_out(self, width):
        if self.laid_out_for == width:
            return
        self.laid_out_for = width
        package, inner = self.package, width - 2 * PAD
        self.line_rows = LineRows(package.lines, Columns(inner, self.sku_width))
        if self.rows is None:
            self.rows = self.line_rows.rows if not package.already_packed else []
        kit = package.kit_type
        if self.continued:
            kit = _("%(kit)s (continued)") % {"kit": kit}
        self.babies = babies_label(package.babies)
        self.babies_font = FONT_BOLD if package.babies > 1 else FONT  # twins stand out
        self.babies_width = text_width(self.babies, self.babies_font, BODY)
        room = inner - text_width(package.code, FONT_BOLD, CODE) - self.babies_width - 10 * mm
        self.kit = wrap_text(kit, FONT, BODY, room)
        self.head = HEAD + (len(self.kit) - 1) * LEADING
        self.packed_lines = []
        if package.already_packed and not self.continued:
            sentence = _("Packed earlier: take the packed box with code %(code)s. "
                         "Pick nothing for this package.") % {"code": package.code}
            self.packed_lines = wrap_text(sentence, FONT_BOLD, BODY, inner)
        self.note_indent = text_width(_("Note:") + " ", FONT_BOLD, SMALL)
        self.note_lines = [wrap_text(note, FONT, SMALL, inner - self.note_indent)
                           for note in package.notes] if self.notes else []

    def _height(self, rows, with_notes=True) -> float:
        height = 2 * PAD + self.head
        height += len(self.packed_lines) * LEADING + (2 * mm if self.packed_lines else 0)
        height += sum(row[2] for row in rows)
        if with_notes and self.note_lines:
            height += 2 * mm + sum(len(lines) for lines in self.note_lines) * LEADING
        if with_notes and self.notes:  # the sign-off goes with the last part, as the notes
            height += SIGN
        return height

    def wrap(self, availWidth, availHeight):
        self._lay_out(availWidth)
        self.width = availWidth
        self.height = self._height(self.rows)
        return self.width, self.height

    def split(self, availWidth, availHeight):
        self._lay_out(availWidth)
        if self._height(self.rows) <= self.page_height:
            return []  # keep it together: it goes to the next page whole
        room = availHeight - self._height([], with_notes=False)
        count = 0
        while count < len(self.rows) and self.rows[count][2] <= room:
            room -= self.rows[count][2]
            count += 1
        if count == 0:
            return []
        first = PackageBlock(self.package, self.page_height, self.sku_width, self.rows[:count],
                             continued=self.continued, notes=False)
        rest = PackageBlock(self.package, self.page_height, self.sku_width, self.rows[count:],
                            continued=True, notes=self.notes)
        return [first, rest]

    def draw(self):
        canvas = self.canv
        inner = self.width - 2 * PAD
        top = self.height
        canvas.setLineWidth(1.2)
        canvas.rect(0, 0, self.width, top, stroke=1, fill=0)
        x = PAD
        y = top - PAD - 6 * mm
        canvas.setFont(FONT_BOLD, CODE)
        canvas.drawString(x, y, self.package.code)
        canvas.setFont(self.babies_font, BODY)
        canvas.drawRightString(x + inner, y, self.babies)
        canvas.setFont(FONT, BODY)
        for number, line in enumerate(self.kit):
            canvas.drawRightString(x + inner - self.babies_width - 4 * mm,
                                   y - number * LEADING, line)
        y = top - PAD - self.head
        canvas.setLineWidth(0.4)
        canvas.line(x, y, x + inner, y)
        if self.packed_lines:
            canvas.setFont(FONT_BOLD, BODY)
            y -= 2 * mm
            for line in self.packed_lines:
                y -= LEADING
                canvas.drawString(x, y + 3, line)
        y = self.line_rows.draw(canvas, x, y, self.rows)
        if self.note_lines:
            y -= 2 * mm
            canvas.setFont(FONT_BOLD, SMALL)
            canvas.drawString(x, y - LEADING + 3, _("Note:"))
            canvas.setFont(FONT, SMALL)
            for lines in self.note_lines:
                for line in lines:
                    y -= LEADING
                    canvas.drawString(x + self.note_indent, y + 3, line)
        if self.notes:
            self._draw_sign_off(canvas, x, PAD, inner)

    def _draw_sign_off(self, canvas, x: float, bottom: float, width: float) -> None:
        """"Packed by ____  Checked by ____" on the block's last line; a box packed earlier
        is only checked."""
        labels = [_("Checked by")] if self.package.already_packed else [_("Packed by"),
                                                                         _("Checked by")]
        share = width / len(labels)
        baseline = bottom + 1.5 * mm
        canvas.setLineWidth(0.6)
        for number, label in enumerate(labels):
            left = x + number * share
            label = fit_text(label, FONT_BOLD, SMALL, share / 2)
            canvas.setFont(FONT_BOLD, SMALL)
            canvas.drawString(left, baseline, label)
            start = left + text_width(label, FONT_BOLD, SMALL) + 2 * mm
            canvas.line(start, baseline - 1, left + share - 6 * mm, baseline - 1)


class PickListPDF(PDFDocument):
    margin = 12 * mm
    header_height = 18 * mm

    def __init__(self, content: PickListContent):
        self.content = content

    def title(self) -> str:
        return _("Pick list %(number)s") % {"number": self.content.number}

    def draw_page(self, canvas, doc):
        content = self.content
        left, right = self.margin, self.pagesize[0] - self.margin
        top = self.pagesize[1] - self.margin
        canvas.saveState()
        canvas.setFont(FONT_BOLD, 18)
        canvas.drawString(left, top - 6 * mm, self.title())
        canvas.setFont(FONT, 13)
        canvas.drawRightString(right, top - 6 * mm, date_label(content.created_on))
        count = len(content.packages)
        packages = ngettext("%(count)s package", "%(count)s packages", count) % {"count": count}
        canvas.drawRightString(right, top - 12.5 * mm, packages)
        canvas.drawString(left, top - 12.5 * mm,
                          fit_text(content.warehouse, FONT, 13, self.frame_width * 0.7))
        canvas.setLineWidth(1.5)
        canvas.line(left, top - 15 * mm, right, top - 15 * mm)
        canvas.restoreState()

    def story(self) -> list[Flowable]:
        content = self.content
        packed = sum(package.already_packed for package in content.packages)
        sentences = [_("Pick these in one walk, then pack the packages below.")]
        if packed:
            sentences.append(ngettext(
                "Not counted: %(count)s package packed earlier.",
                "Not counted: %(count)s packages packed earlier.", packed) % {"count": packed})
        # One SKU column for the whole list, as wide as its longest SKU, so that none is cut.
        skus = {line.sku for line in content.totals}
        skus.update(line.sku for package in content.packages for line in package.lines)
        sku_width = min(max((text_width(sku, FONT, SMALL) for sku in skus), default=0), MAX_SKU)
        story: list[Flowable] = [Heading(_("Totals for this list"), tuple(sentences)),
                                 Totals(content.totals, sku_width)]
        page_height = self.frame_height
        # A heading over each delivery method's group (the packages come grouped).
        for method, group in itertools.groupby(content.packages, key=lambda p: p.method):
            group = list(group)
            heading = _("Packages") if not method else _(
                "Packages: %(method)s (%(count)s)") % {"method": method, "count": len(group)}
            story.append(Heading(heading))
            story.extend(PackageBlock(package, page_height, sku_width) for package in group)
        return story


def render_pick_list(content: PickListContent) -> bytes:
    """The pick list as an A4 PDF."""
    return PickListPDF(content).render()
