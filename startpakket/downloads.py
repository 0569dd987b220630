"""Files handed out by pages and the API alike."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect

from startpakket.errors import DomainError


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    """Shown in the browser, ready to print, and saved under ``filename``. Never cached: the
    documents may carry personal data (``NoStoreMiddleware`` says so too, for logged-in users;
    this holds whoever serves it)."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def pdf_or_message(request, make, filename: str, *, back: str):
    """The PDF ``make()`` draws; if a rule refuses it (nothing to print), back to the page
    ``back`` with the reason."""
    try:
        content = make()
    except DomainError as error:
        messages.error(request, error.detail)
        return redirect(back)
    return pdf_response(content, filename)
