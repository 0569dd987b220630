"""What every form that asks a service to act does: validate, act, and turn a refusal into an
error on the form."""

from django.contrib import messages

from startpakket.errors import DomainError, FieldError


def perform(request, form, act, done):
    """Run ``act(form.cleaned_data)`` if ``form`` is valid and answer what it returned, with
    ``done(result)`` as a success message. A service's refusal goes on the form (at its field
    when the form has one of that name) and the answer is None: nothing has changed."""
    if not form.is_valid():
        return None
    try:
        result = act(form.cleaned_data)
    except FieldError as error:
        form.add_error(error.field if error.field in form.fields else None, error.detail)
    except DomainError as error:
        form.add_error(None, error.detail)
    else:
        messages.success(request, done(result))
        return result
    return None
