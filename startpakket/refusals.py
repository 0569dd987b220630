"""How a page shows a service's refusal: on the form, at the field it names, in the reader's
language; nothing has changed. Every page that asks a service to act goes through here."""

from collections.abc import Callable

from django.contrib import messages

from startpakket.errors import DomainError, FieldError


def show_on_form(form, error: DomainError,
                 field_for: Callable[[str], str | None] | None = None) -> None:
    """Put ``error`` on ``form``: each of a ``FieldError``'s messages at the form field for its
    path (``field_for(path)``; by default the field of that name), or at the top of the form
    when the form has no such field; any other refusal at the top."""
    if isinstance(error, FieldError):
        for path, details in error.errors.items():
            field = field_for(path) if field_for else path
            for detail in details:
                form.add_error(field if field in form.fields else None, detail)
    else:
        form.add_error(None, error.detail)


def perform(request, form, act, done, field_for=None):
    """Run ``act(form.cleaned_data)`` if ``form`` is valid and answer what it returned, with
    ``done(result)`` as a success message. A service's refusal goes on the form
    (``show_on_form``) and the answer is None: nothing has changed."""
    if not form.is_valid():
        return None
    try:
        result = act(form.cleaned_data)
    except DomainError as error:
        show_on_form(form, error, field_for)
        return None
    messages.success(request, done(result))
    return result
