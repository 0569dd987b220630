"""Errors that services raise when a rule of the domain forbids an action.

They know nothing of HTTP frameworks; the API's exception handler maps ``status`` onto the
response, and pages show ``detail`` as a message. Subclasses name the rule that was broken.
"""


class DomainError(Exception):
    status = 400
    code = "domain_error"

    def __init__(self, detail: str, **extra):
        super().__init__(detail)
        self.detail = detail
        self._extra = extra

    def extra(self) -> dict:
        """Further members of the problem document, such as the short items of a 409."""
        return dict(self._extra)


class ConflictError(DomainError):
    """The action does not fit the current state (a transition not allowed, stock too short)."""

    status = 409
    code = "conflict"


class UnprocessableError(DomainError):
    """The request is well-formed but cannot be processed (e.g. a reused idempotency key)."""

    status = 422
    code = "unprocessable"


class FieldError(DomainError):
    """Input a service refuses, named by field, so forms and the API can show it there."""

    status = 400
    code = "invalid"

    def __init__(self, field: str, detail: str):
        super().__init__(detail, errors={field: [detail]})
        self.field = field
