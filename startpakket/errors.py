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
    """Input a service refuses, named by field (a dotted path for a nested one, such as
    ``incomes.1.amount``), so forms and the API can show it there. ``FieldError.of`` refuses
    several fields at once, so that every mistake is shown in one go."""

    status = 400
    code = "invalid"

    def __init__(self, field: str, detail: str):
        self._init({field: [detail]})

    @classmethod
    def of(cls, errors: dict[str, list[str]]) -> "FieldError":
        error = cls.__new__(cls)
        error._init({field: list(details) for field, details in errors.items() if details})
        return error

    def _init(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        self.field = next(iter(errors))
        detail = errors[self.field][0]
        DomainError.__init__(self, detail, errors=errors)
