"""The shared PDF base (startpakket.pdf): page numbers on every page, text that wraps or is cut
to fit. The documents built on it are tested with their slice
(tests/logistics/distribution/test_documents.py)."""

import io

from pypdf import PdfReader
from reportlab.lib.pagesizes import A4

from startpakket.pdf import ELLIPSIS, FONT, NumberedCanvas, fit_text, register_fonts, wrap_text


def texts(pdf: bytes) -> list[str]:
    assert pdf.startswith(b"%PDF-")
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_numbered_canvas_writes_number_and_total_on_every_page():
    register_fonts()
    buffer = io.BytesIO()
    canvas = NumberedCanvas(buffer, pagesize=A4)
    for number in range(3):
        canvas.setFont(FONT, 12)
        canvas.drawString(100, 700, f"Page body {number + 1}")
        canvas.showPage()
    canvas.save()
    pages = texts(buffer.getvalue())
    assert len(pages) == 3
    for number, text in enumerate(pages, start=1):
        assert f"Page body {number}" in text
        assert f"{number}/3" in text


def test_wrap_text_keeps_every_word_and_breaks_words_wider_than_a_line():
    text = "Hydrofiele doeken " + "x" * 80 + " set van 3"
    lines = wrap_text(text, FONT, 12, 150)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert len(lines) > 2
    assert wrap_text("", FONT, 12, 150) == [""]


def test_fit_text_cuts_with_an_ellipsis_only_when_needed():
    assert fit_text("Kort", FONT, 12, 200) == "Kort"
    cut = fit_text("Een heel lange naam " * 5, FONT, 12, 100)
    assert cut.endswith(ELLIPSIS)
    assert len(cut) < 40
