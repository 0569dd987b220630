import time

from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from startpakket.proxies import client_address


class DutchFirstLocaleMiddleware(LocaleMiddleware):
    """Pages are Dutch unless the user chose English with the language switch.

    Django's own middleware follows the browser's Accept-Language, but many Dutch offices run
    English-language browsers; the users asked for Dutch by default (DESIGN §1). The API keeps
    following Accept-Language, which is what an integrating system sends deliberately.
    """

    def process_request(self, request):
        if request.path.startswith("/api/"):
            language = translation.get_language_from_request(request)
        else:
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            supported = {code for code, _ in settings.LANGUAGES}
            language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def start_session_clock(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session["started_at"] = now
        request.session["last_seen"] = now


class SessionLimitsMiddleware:
    """Ends a session after ``SESSION_IDLE_SECONDS`` without a request and ``SESSION_COOKIE_AGE``
    after logging in (ASVS 3.3: idle and absolute timeouts). Django's own expiry would be renewed
    by every save of the session, so the times are kept in the session itself."""

    # Writing the session on every request costs a query; a minute's precision is enough.
    TOUCH_EVERY = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.setdefault("started_at", now)
            last_seen = session.get("last_seen", now)
            if (now - last_seen > settings.SESSION_IDLE_SECONDS
                    or now - started > settings.SESSION_COOKIE_AGE):
                logout(request)
                if not request.path.startswith("/api/"):
                    messages.info(request, _("Your session has ended. Please log in again."))
                    return redirect_to_login(request.get_full_path())
            elif now - last_seen >= self.TOUCH_EVERY or "last_seen" not in session:
                session["last_seen"] = now
        return self.get_response(request)


class NoStoreMiddleware:
    """Nothing shown to a logged-in user is kept in a browser's or proxy's cache: pages, PDFs
    and exports hold personal data, and a shared computer's back button must not show them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


class AuditlogMiddleware(BaseAuditlogMiddleware):
    """django-auditlog's middleware, with the client's address as ``startpakket.proxies`` finds
    it: auditlog's own takes the left-most ``X-Forwarded-For`` entry, which any client can
    write, with or without a proxy (and which need not even be an address)."""

    @staticmethod
    def _get_remote_addr(request):
        if settings.AUDITLOG_DISABLE_REMOTE_ADDR:
            return None
        return client_address(request)
