"""Two-factor login (django-otp): a code from an authenticator app (TOTP), or a one-time backup
code, after the password.

Every account needs it when ``TWO_FACTOR_REQUIRED`` is on (always in production): until the
second step is done, a logged-in session reaches nothing but these pages and logging out. A user
without an app yet sets one up first, with the one-time enrolment link she was given
(``startpakket.enrolment``), and gets ten backup codes to keep on paper. A coordinator who loses
her phone asks another coordinator for a new enrolment link (user admin), which removes her old
app, and sets up a new one with it.
"""

import io

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import devices_for_user, user_has_device, verify_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from startpakket import enrolment

BACKUP_CODES = 10
# Pages an unverified session may open: the second step itself, logging out, the language.
OPEN_PATHS = ("/accounts/two-factor/", "/accounts/logout/", "/i18n/", "/static/")


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (settings.TWO_FACTOR_REQUIRED and user is not None and user.is_authenticated
                and not user.is_verified() and not request.path.startswith(OPEN_PATHS)):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"type": "about:blank", "title": "Forbidden", "status": 403,
                     "detail": _("Finish logging in with your second step first."),
                     "code": "two_factor_required"},
                    status=403, content_type="application/problem+json")
            target = "two_factor_verify" if user_has_device(user) else "two_factor_setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"), max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autofocus": True}),
    )

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split())


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return reverse("home")


@login_required
def verify(request):
    """The second step: a code from the app or a backup code."""
    if not user_has_device(request.user):
        return redirect("two_factor_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in devices_for_user(request.user):
            # verify_token applies django-otp's throttling (slower after each wrong code).
            if verify_token(request.user, device.persistent_id, form.cleaned_data["code"]):
                otp_login(request, device)
                return redirect(_next(request))
        form.add_error("code", _("This code is not right, or was used already. Try the "
                                 "current code from your app, or a backup code."))
    return render(request, "registration/two_factor_verify.html",
                  {"form": form, "next": _next(request)})


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg"):]  # drop the XML declaration; the page embeds it


def enrol(request, token):
    """The enrolment link (``startpakket.enrolment``): remember a valid one in the session and
    go on to log in and link the app."""
    link = enrolment.find_link(token)
    if link is None:
        return _refuse(request, _("This enrolment link is not valid: it was used already, has "
                                  "expired or was replaced by a newer one."))
    if request.user.is_authenticated and request.user != link.user:
        return _refuse(request, _("This enrolment link is for another account. Log out first."))
    enrolment.remember(request.session, link)
    return redirect("two_factor_setup")


def _refuse(request, reason: str):
    return render(request, "registration/two_factor_refused.html", {"reason": reason},
                  status=403)


@login_required
def setup(request):
    """Link an authenticator app: scan the QR code (or type the key), confirm with a code, and
    receive the backup codes once. Only with the user's own enrolment link, opened first."""
    if user_has_device(request.user):
        if not request.user.is_verified():
            return redirect("two_factor_verify")
        raise PermissionDenied  # a second app replaces the first only via a coordinator
    link = enrolment.link_for(request.session, request.user)
    if link is None:
        return _refuse(request, _("To link an authenticator app you need the enrolment link "
                                  "that was made for you."))
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="app", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            with transaction.atomic():
                if not enrolment.use_link(request.session, link):
                    return _refuse(request, _("This enrolment link was used already."))
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                codes = _new_backup_codes(request.user)
            otp_login(request, device)
            return render(request, "registration/two_factor_backup_codes.html",
                          {"codes": codes, "next": _next(request)})
        form.add_error("code", _("This code is not right. Check the time on your phone and "
                                 "type the code the app shows now."))
    secret = " ".join(device.config_url.split("secret=")[1].split("&")[0][i:i + 4]
                      for i in range(0, 32, 4))
    return render(request, "registration/two_factor_setup.html", {
        "form": form, "qr": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 - made here
        "secret": secret.strip(), "next": _next(request),
    })


def _new_backup_codes(user) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name="backup")
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes
