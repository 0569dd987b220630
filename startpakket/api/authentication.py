from rest_framework import authentication

from startpakket.audit import attach_actor


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication; the token's user also becomes the actor of the audit log's
    entries. DRF checks the token in the view, after ``AuditlogMiddleware`` has seen only an
    anonymous request, so without this an integration's changes would be logged without anyone.
    """

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            attach_actor(result[0])
        return result
