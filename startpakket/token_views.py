"""``/accounts/tokens/``: a user's own API tokens (``startpakket.tokens``). Only her own: another
user's token is a 404 here, a coordinator's included (coordinators revoke in the admin)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from startpakket import tokens


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100,
                           help_text=gettext_lazy("What the token is for, e.g. the system that "
                                                  "uses it."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # From the settings as they are now (tests change them), not as they were at import.
        self.fields["days"] = forms.IntegerField(
            label=gettext_lazy("Valid for (days)"), min_value=1,
            max_value=settings.API_TOKEN_DAYS, initial=settings.API_TOKEN_DAYS)


@login_required
def token_list(request):
    """The user's tokens, and a form to make one; the new key is on this answer only (not a
    redirect: the key is never stored to be shown later)."""
    form = TokenForm(request.POST or None)
    key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, key = tokens.create_token(user=request.user, name=form.cleaned_data["name"],
                                             days=form.cleaned_data["days"])
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form = TokenForm()
    return render(request, "registration/api_tokens.html", {
        "form": form, "key": key, "tokens": tokens.tokens_of(request.user),
    })


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(tokens.tokens_of(request.user), pk=pk)
    tokens.revoke_token(token)
    messages.success(request, _("The token “%(name)s” is revoked: it no longer works.")
                     % {"name": token.name})
    return redirect("api_tokens")
