"""One error format for the whole API: ``application/problem+json`` (RFC 9457, DESIGN §7.2).

Every error answers ``{type, title, status, detail, code}``; validation errors add ``errors``, keyed
by field, with dotted paths for nested fields (``household.applicant_age``, ``incomes.1.amount``).
Domain errors raised by services (``startpakket.errors.DomainError``) map to their own status and
may add members of their own, such as the short items of a 409.
"""

from http import HTTPStatus

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

from startpakket.errors import DomainError

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem_body(status: int, *, detail: str, code: str | None = None, **extra) -> dict:
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if code:
        body["code"] = code
    body.update(extra)
    return body


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """Turn DRF's nested error structure into ``{"dotted.path": [messages]}``."""
    flat: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            # A nested object's or list's own errors belong to the field that holds it.
            if key == api_settings.NON_FIELD_ERRORS_KEY and prefix:
                path = prefix
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            for inner_path, messages in flatten_errors(value, path).items():
                flat.setdefault(inner_path, []).extend(messages)
    elif isinstance(detail, list | tuple):
        for index, item in enumerate(detail):
            if isinstance(item, dict | list | tuple):
                # A list of nested objects: one entry per item, empty for the valid ones.
                path = f"{prefix}.{index}" if prefix else str(index)
                for inner_path, messages in flatten_errors(item, path).items():
                    flat.setdefault(inner_path, []).extend(messages)
            else:
                flat.setdefault(prefix or api_settings.NON_FIELD_ERRORS_KEY, []).append(str(item))
    else:
        flat.setdefault(prefix or api_settings.NON_FIELD_ERRORS_KEY, []).append(str(detail))
    return flat


def problem_response(status: int, *, detail: str, code=None, headers=None, **extra) -> Response:
    return Response(
        problem_body(status, detail=detail, code=code, **extra),
        status=status,
        headers=headers,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def problem_exception_handler(exc, context):
    """DRF's ``EXCEPTION_HANDLER``. Unknown exceptions return None and become a plain 500."""
    if isinstance(exc, DomainError):
        set_rollback()
        return problem_response(exc.status, detail=str(exc.detail), code=exc.code, **exc.extra())
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    set_rollback()

    if isinstance(exc, exceptions.ValidationError):
        return problem_response(
            exc.status_code,
            detail=_("The request contains invalid data; see errors."),
            code="invalid",
            headers=headers,
            errors=flatten_errors(exc.detail),
        )
    if isinstance(exc, exceptions.Throttled):
        # DRF's own text is half translated ("Aanvraag was verstikt. Expected available in …").
        seconds = max(int(exc.wait or 0), 1)
        return problem_response(
            exc.status_code,
            detail=ngettext("Too many requests in a short time. Try again in %(seconds)d second.",
                            "Too many requests in a short time. Try again in %(seconds)d seconds.",
                            seconds) % {"seconds": seconds},
            code="throttled", headers=headers, retry_after=seconds,
        )
    codes = exc.get_codes()
    return problem_response(
        exc.status_code,
        detail=str(exc.detail),
        code=codes if isinstance(codes, str) else None,
        headers=headers,
    )
