"""The base of the printed documents: fonts, A4 pages with "page/total" numbers, drawing helpers.

The standard PDF fonts stop at Latin-1, so a Polish ł, a Turkish ğ or a Romanian ș would print as
a box. DejaVu Sans covers every Latin-script name; it is vendored in ``fonts/`` with its licence
and embedded (as a subset) in every PDF.

Documents draw with plain canvas calls inside small flowables rather than with paragraphs and
big tables: a pick list of 500 packages must render in a second or two.
"""

import functools
import io
import itertools
import threading
from collections.abc import Callable
from pathlib import Path

from django.utils.translation import get_language
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
# Author and creator of every document; never a person, so no personal data in the metadata.
AUTHOR = "Startpakket"
ELLIPSIS = "…"

_font_lock = threading.Lock()
_fonts_registered = False


def register_fonts() -> None:
    """Register DejaVu Sans (regular and bold) with reportlab, once per process."""
    global _fonts_registered
    if _fonts_registered:
        return
    # A second registration halfway through another thread's document would swap the font
    # object that holds that document's subsets.
    with _font_lock:
        if not _fonts_registered:
            pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
            pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
            pdfmetrics.registerFontFamily(
                FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)
            _fonts_registered = True


def page_of_total(number: int, total: int) -> str:
    return f"{number}/{total}"


class NumberedCanvas(Canvas):
    """A canvas that writes a label such as "2/7" at the foot of every page.

    The total is known only when the last page is done, so every finished page is held back
    (its state: drawing operations, resources, page number) until ``save``, which then writes
    each page's label and hands the pages to the document in order.

    ``page_label(number, total)`` gives the label; "number/total" by default.
    """

    label_font_size = 10
    label_bottom = 8 * mm

    def __init__(self, *args, page_label: Callable[[int, int], str] = page_of_total, **kwargs):
        super().__init__(*args, **kwargs)
        self._page_label = page_label
        self._held_pages: list[dict] = []

    def showPage(self):
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def draw_page_label(self, number: int, total: int) -> None:
        label = self._page_label(number, total)
        if not label:
            return
        register_fonts()
        self.saveState()
        self.setFillColorRGB(0, 0, 0)
        self.setFont(FONT, self.label_font_size)
        self.drawCentredString(self._pagesize[0] / 2, self.label_bottom, label)
        self.restoreState()

    def _write_held_pages(self) -> None:
        if self._code:  # drawn on but not yet shown
            self.showPage()
        held, self._held_pages = self._held_pages, []
        for number, state in enumerate(held, start=1):
            self.__dict__.update(state)
            self._held_pages = []
            self.draw_page_label(number, len(held))
            super().showPage()

    def save(self):
        self._write_held_pages()
        super().save()

    def getpdfdata(self):
        self._write_held_pages()
        return super().getpdfdata()


class PDFDocument:
    """An A4 document built from flowables, with a header hook and page labels at the foot.

    Subclasses give the ``title`` (PDF metadata; no personal data) and the ``story``; they may
    reserve ``header_height`` below the top margin and draw in it in ``draw_page``, and change
    the footer with ``page_label``. ``render()`` returns the PDF.
    """

    pagesize = A4
    margin = 15 * mm
    header_height = 0.0
    # Room above the bottom margin kept free of flowables (the page label sits in the margin).
    footer_height = 0.0

    def title(self) -> str:
        raise NotImplementedError

    def story(self) -> list[Flowable]:
        raise NotImplementedError

    def draw_page(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        """Draw what every page has besides the flowables, e.g. a header."""

    def page_label(self, number: int, total: int) -> str:
        return page_of_total(number, total)

    @property
    def frame_width(self) -> float:
        return self.pagesize[0] - 2 * self.margin

    @property
    def frame_height(self) -> float:
        return self.pagesize[1] - 2 * self.margin - self.header_height - self.footer_height

    def render(self) -> bytes:
        register_fonts()
        buffer = io.BytesIO()
        doc = BaseDocTemplate(
            buffer, pagesize=self.pagesize, title=self.title(), author=AUTHOR, creator=AUTHOR,
            subject="", lang=get_language(), initialFontName=FONT, leftMargin=self.margin,
            rightMargin=self.margin, topMargin=self.margin, bottomMargin=self.margin)
        frame = Frame(self.margin, self.margin + self.footer_height, self.frame_width,
                      self.frame_height, leftPadding=0, rightPadding=0, topPadding=0,
                      bottomPadding=0, id="body")
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self.draw_page)])
        doc.build(self.story(),
                  canvasmaker=functools.partial(NumberedCanvas, page_label=self.page_label))
        return buffer.getvalue()


def text_width(text: str, font: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, font, size)


def wrap_text(text: str, font: str, size: float, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width``; at spaces, inside a word only if
    the word alone is too wide. Line breaks in the text are kept; always at least one line."""
    space = text_width(" ", font, size)
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        words: list[str] = []
        used = 0.0
        for word in paragraph.split():
            word_width = text_width(word, font, size)
            if word_width > width:
                *pieces, word = _break_word(word, font, size, width)
                if words:
                    lines.append(" ".join(words))
                lines.extend(pieces)
                words, used = [], 0.0
                word_width = text_width(word, font, size)
            if words and used + space + word_width > width:
                lines.append(" ".join(words))
                words, used = [], 0.0
            used += (space if words else 0.0) + word_width
            words.append(word)
        lines.append(" ".join(words))
    return lines


def _break_word(word: str, font: str, size: float, width: float) -> list[str]:
    pieces, start = [], 0
    for end in range(1, len(word) + 1):
        if end - start > 1 and text_width(word[start:end], font, size) > width:
            pieces.append(word[start:end - 1])
            start = end - 1
    pieces.append(word[start:])
    return pieces


def fit_text(text: str, font: str, size: float, width: float) -> str:
    """``text`` on one line: as it is if it fits, else cut and ended with an ellipsis."""
    if text_width(text, font, size) <= width:
        return text
    low, high = 0, len(text)  # the longest prefix that fits with the ellipsis
    while low < high:
        middle = (low + high + 1) // 2
        if text_width(text[:middle].rstrip() + ELLIPSIS, font, size) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS


def cut_lines(lines: list[str], count: int, font: str, size: float, width: float) -> list[str]:
    """The first ``count`` lines; if any were dropped, the last one kept ends with an ellipsis."""
    if len(lines) <= count:
        return lines
    if count <= 0:
        return []
    kept = lines[:count]
    kept[-1] = fit_text(kept[-1].rstrip() + " " + ELLIPSIS, font, size, width)
    return kept


def draw_tick_box(canvas: Canvas, x: float, y: float, size: float = 5 * mm) -> None:
    """An empty square to tick by hand, its lower left corner at (x, y)."""
    canvas.rect(x, y, size, size, stroke=1, fill=0)


def qr_modules(value: str) -> list[list[bool]]:
    """The QR code of ``value`` as rows of modules, True for dark; error correction M, so that
    a creased or smudged slip still scans."""
    widget = QrCodeWidget(value, barLevel="M")
    widget.qr.make()
    return widget.qr.modules


def draw_qr(canvas: Canvas, modules: list[list[bool]], x: float, y: float, size: float) -> None:
    """Draw QR modules ``size`` square with the lower left corner at (x, y).

    The quiet zone (four modules of white all round) is not drawn: keep that space empty.
    All dark modules make one path, a rectangle per run in a row, written in module units
    under one transformation: a slip's code is about 130 rectangles, and the path API would
    format each coordinate as a float, which costs more than the rest of the slip's drawing.
    """
    module = size / len(modules)
    runs = []
    for row_number, row in enumerate(modules):
        column = 0
        for dark, run in itertools.groupby(row):
            length = sum(1 for _ in run)
            if dark:
                runs.append(f"{column} {row_number} {length} 1 re")
            column += length
    canvas.saveState()
    canvas.transform(module, 0, 0, -module, x, y + size)  # rows run down from the top
    canvas.addLiteral(" ".join(runs) + " f")
    canvas.restoreState()
