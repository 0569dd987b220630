"""A person's own settings (``/accounts/settings/``): her language, and what the apps let her set
(``registry.add_settings_form``), such as a coordinator's choice of e-mail about referrals.

The language is one choice for the pages and the e-mails: the language switch in the page header
stores it too, so that a nurse who works in English also gets her e-mail in English.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.i18n import set_language

from startpakket import registry
from startpakket.models import User


def remember_language(user: User, language: str) -> None:
    if language in dict(settings.LANGUAGES) and user.language != language:
        user.language = language
        user.save(update_fields=["language"])


class LanguageForm(forms.Form):
    prefix = "account"
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        help_text=gettext_lazy("Of the pages and of the e-mails you get."))

    def __init__(self, user, data=None):
        super().__init__(data, initial={"language": user.language})
        # Each language in its own name, as the switch in the page header shows them.
        self.fields["language"].choices = [
            (code, translation.get_language_info(code)["name_local"])
            for code, _name in settings.LANGUAGES]
        self.user = user

    def save(self):
        remember_language(self.user, self.cleaned_data["language"])


@login_required
def account_settings(request):
    data = request.POST if request.method == "POST" else None
    forms_ = [LanguageForm(request.user, data), *registry.settings_forms(request.user, data)]
    valid = [form.is_valid() for form in forms_]  # each, so each shows its errors
    if data is not None and all(valid):
        with transaction.atomic():
            for form in forms_:
                form.save()
        with translation.override(request.user.language):  # the next page's language
            messages.success(request, _("Your settings have been saved."))
        response = redirect("account_settings")
        _set_language_cookie(response, request.user.language)
        return response
    return render(request, "registration/account_settings.html", {"forms": forms_})


class LoginView(auth_views.LoginView):
    """Django's login, after which the pages speak the person's language: the one just chosen
    with the switch on the login page (then stored), else the one stored (on a new computer)."""

    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        user = self.request.user
        chosen = self.request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen in dict(settings.LANGUAGES):
            remember_language(user, chosen)
        else:
            _set_language_cookie(response, user.language)
        return response


def switch_language(request):
    """Django's language switch, which also stores the choice of a person who is logged in."""
    response = set_language(request)
    if request.method == "POST" and request.user.is_authenticated:
        remember_language(request.user, request.POST.get("language", ""))
    return response


def _set_language_cookie(response, language: str) -> None:
    # As django.views.i18n.set_language sets it, so that the pages follow at once.
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
