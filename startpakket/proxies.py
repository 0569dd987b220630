"""The client's own address, also behind reverse proxies (``TRUSTED_PROXY_COUNT``).

Each proxy in front of the application appends the address it received the request from to
``X-Forwarded-For``; whatever stands to the left of those entries came from the client and can
be anything. So the client is the entry ``TRUSTED_PROXY_COUNT`` places from the right (the last
proxy itself is ``REMOTE_ADDR``), never the left-most one: a client that sends its own
``X-Forwarded-For`` only adds entries on the left, and cannot choose the address its login
failures are counted against (django-axes) or the audit log records. django-ipware parses the
header (ports, IPv6 brackets, RFC 7239 spellings); its default of looking at a dozen headers
that any client can set is switched off by naming the one header our proxy writes.
"""

from django.conf import settings
from ipware import get_client_ip

FORWARDED_FOR = "HTTP_X_FORWARDED_FOR"


def client_address(request) -> str | None:
    """The address of the client that sent ``request``; ``REMOTE_ADDR`` without proxies, or
    when the header lacks the entries the proxies should have written (a request that did not
    come through them)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        address, _routable = get_client_ip(
            request,
            proxy_order="left-most",
            # ipware counts the proxies written into the header; the last one is REMOTE_ADDR.
            proxy_count=proxies - 1,
            request_header_order=(FORWARDED_FOR,),
            # Not strict: a chain with junk on the left (the client's own) is still read from
            # the right, instead of being dropped in favour of the proxy's address.
            strict=False,
        )
        if address:
            return address
    return request.META.get("REMOTE_ADDR")
