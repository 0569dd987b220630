from hmac import compare_digest

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox import auth
from knox.crypto import hash_token
from knox.settings import CONSTANTS
from rest_framework.exceptions import AuthenticationFailed

from startpakket import tokens
from startpakket.audit import attach_actor, request_address
from startpakket.models import ApiToken
from startpakket.proxies import client_address


class TokenAuthentication(auth.TokenAuthentication):
    """django-rest-knox's token authentication (``Authorization: Token <key>``; only the key's
    digest is stored, see ``startpakket.tokens``), with three changes:

    * an expired token answers 401 ``token_expired`` and stays, so its owner sees it expired on
      her page (knox deletes it unseen);
    * a use is recorded: the last use, and an audit entry for a new address;
    * the token's user becomes the actor of the audit log's entries. DRF checks the token in the
      view, after ``AuditlogMiddleware`` has seen only an anonymous request, so without this an
      integration's changes would be logged without anyone.
    """

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            user, token = result
            attach_actor(user)
            tokens.record_use(token, request_address() or client_address(request))
        return result

    def authenticate_credentials(self, token):
        try:
            key = token.decode()
        except UnicodeError:
            raise AuthenticationFailed(_("Invalid token.")) from None
        digest = hash_token(key)
        # knox's lookup: by the key's first characters, then the digests compared in constant time.
        # The user's organisation and groups come along: nearly every request reads them.
        candidates = (ApiToken.objects.filter(token_key=key[:CONSTANTS.TOKEN_KEY_LENGTH])
                      .select_related("user__organisation").prefetch_related("user__groups"))
        for candidate in candidates:
            if compare_digest(digest, candidate.digest):
                if candidate.is_expired:
                    raise AuthenticationFailed(
                        _("This token has expired. Make a new one."), code="token_expired")
                return self.validate_user(candidate)
        raise AuthenticationFailed(_("Invalid token."))


class TokenScheme(OpenApiAuthenticationExtension):
    """The schema's ``tokenAuth``, as drf-spectacular describes DRF's token authentication."""

    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization",
                                                   token_prefix="Token")  # noqa: S106
