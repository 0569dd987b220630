"""``Idempotency-Key`` for POST endpoints that create something (DESIGN §7.2).

A client may send a key of its own choosing with a POST. The first request with that key is
handled and its answer stored; a retry with the same key and the same body gets that answer again,
with the same status, instead of creating a second object. The same key with another body (or for
another endpoint) is refused with 422. Keys belong to one user and are forgotten after a day.

Two identical requests at the same moment: the key row is inserted with the answer, in the same
transaction as the work, so the second one's insert waits on the unique constraint until the first
one commits, then fails, rolls its own work back and replays the stored answer. A request that
fails (invalid input, a domain rule) stores no key: nothing was done, so the client may correct it
and use the key again.

The work comes in two parts: ``prepare()`` reads and validates, outside any transaction, and
``write(prepared)`` writes, inside the one that claims the key. On SQLite a transaction holds the
database's only write lock (``transaction_mode=IMMEDIATE``): validating and checking inside it made
every other writer wait for work that writes nothing, so a second worker added almost nothing.

Keys older than ``LIFETIME`` count as absent; ``manage.py forget_idempotency_keys`` (daily)
deletes them, not each request.

Use it in a view as ``return idempotent(request, prepare=self.validate, write=self.create)``.
"""

import datetime
import hashlib
import json
from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from startpakket.errors import UnprocessableError
from startpakket.models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = IdempotencyKey._meta.get_field("key").max_length
MAX_PATH_LENGTH = IdempotencyKey._meta.get_field("path").max_length
LIFETIME = datetime.timedelta(hours=24)

PARAMETER = OpenApiParameter(
    HEADER, str, OpenApiParameter.HEADER, required=False,
    description=(
        "A key of your own choosing (1 to 255 characters, e.g. a UUID) that makes a retry safe: "
        "the same key with the same body answers the first response again (with the header "
        f"`{REPLAYED_HEADER}: true`) instead of doing it twice; the same key with another body "
        "is refused with 422. Keys are kept for 24 hours."
    ),
)


class KeyReused(UnprocessableError):
    code = "idempotency_key_reused"


Prepared = TypeVar("Prepared")


def idempotent(request, *, prepare: Callable[[], Prepared],
               write: Callable[[Prepared], Response]) -> Response:
    """Answer ``write(prepare())`` once per key; without the header, simply that."""
    key = _key(request)
    if key is None:
        return write(prepare())
    fingerprint = _fingerprint(request)
    earlier = _earlier(request.user, key)
    if earlier is not None:
        return _replay(earlier, fingerprint)
    prepared = prepare()
    try:
        with transaction.atomic():
            response = write(prepared)
            method, path, body_sha256 = fingerprint
            IdempotencyKey.objects.create(
                user=request.user, key=key, method=method, path=path, body_sha256=body_sha256,
                response_status=response.status_code,
                response_body=json.loads(JSONRenderer().render(response.data) or "null"))
    except IntegrityError:
        # Another request with this key committed first (or write() itself failed on a
        # constraint: then there is no row to answer with and the error stands).
        earlier = _earlier(request.user, key)
        if earlier is None:
            raise
        return _replay(earlier, fingerprint)
    return response


def _earlier(user, key: str) -> IdempotencyKey | None:
    """The stored use of ``key``; one past its lifetime is forgotten here and now (the daily
    command had not come round to it yet), so that the key can be used again."""
    earlier = IdempotencyKey.objects.filter(user=user, key=key).first()
    if earlier is not None and earlier.created_at < timezone.now() - LIFETIME:
        IdempotencyKey.objects.filter(pk=earlier.pk).delete()
        return None
    return earlier


def _key(request) -> str | None:
    raw = request.headers.get(HEADER)
    if raw is None:
        return None
    key = raw.strip()
    if not key or len(key) > MAX_KEY_LENGTH or any(ch < " " or ch == "\x7f" for ch in key):
        raise serializers.ValidationError({HEADER: [
            _("Send a key of 1 to %(max)d printable characters.") % {"max": MAX_KEY_LENGTH}
        ]})
    return key


def _fingerprint(request) -> tuple[str, str, str]:
    """Method, path and a hash of the body as JSON with sorted keys, so that the same content
    sent with other spacing or key order counts as the same request."""
    canonical = json.dumps(request.data, sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False)
    body_sha256 = hashlib.sha256(canonical.encode()).hexdigest()
    return request.method, request.path[:MAX_PATH_LENGTH], body_sha256


def _replay(earlier: IdempotencyKey, fingerprint: tuple[str, str, str]) -> Response:
    if (earlier.method, earlier.path, earlier.body_sha256) != fingerprint:
        raise KeyReused(
            _("This Idempotency-Key was already used for a different request. Use a new key "
              "for a new request."),
        )
    return Response(earlier.response_body, status=earlier.response_status,
                    headers={REPLAYED_HEADER: "true"})
