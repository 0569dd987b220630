"""The audit trail (DESIGN §1): who created, changed or deleted what and when, and who read whose
personal data. Every entry is a django-auditlog ``LogEntry``: the actor, the time, the object's
type and id and, for a change, the fields that changed. Never a family's name, address, phone,
due date, household or income: those fields are left out of every diff. Coordinators browse the
entries in the admin, read-only (``startpakket.admin.AuditLogEntryAdmin``).

Changes
    Each app hands its models and their options to ``track`` in its ``AppConfig.ready`` (this
    package's own are in ``PROJECT_MODELS``, an app's in its ``audit`` module); auditlog's
    signals then write an entry on every ``save()`` and ``delete()``.
    The actor is the request's user: ``AuditlogMiddleware`` for pages, and
    ``startpakket.api.authentication`` for API tokens (DRF authenticates in the view, after the
    middleware ran). A service run outside a request (a command, a test) has no actor unless it
    is wrapped in ``auditlog.context.set_actor(user)``.
    Rows written without signals must be logged by their service: ``bulk_create`` (the stock
    ledger: ``record_created``) and ``QuerySet.update`` (a reservation closing:
    ``record_changed``).
    When a referral is anonymised (``logistics.referrals.retention``), the entries about it and
    its history lose the request's address and port.

Reads of personal data
    ``record_read(user=…, obj=…, what=…)`` wherever personal data is shown or handed out: the
    referral page, its edit form, its API detail, the admin's referral page, and a list that was
    filtered or searched (``obj`` is then the model, with the non-personal ``filters`` used).
    Delivery slips (name, address, phone): one entry per referral on the slips, in one query,
    with the pick list they were printed for (``logistics.distribution.documents.printing``);
    so do route sheets (address and phone).
    Pick lists carry no personal data and need no entry.
    Still to come, and to be logged the same way:

    * exports: the pseudonymised row-level export once per download, against the model, with
      the filters that chose the rows::

          record_read(user=request.user, obj=Referral, what=EXPORTED,
                      filters={"format": "csv", "status": "delivered"})

      Aggregated statistics hold no personal data and need no entry.

    ``what`` is one of the constants below: stored in English, shown translated. ``filters`` must
    never hold personal values (a status, a date range or a format, not a searched name).
"""

from collections.abc import Iterable

from auditlog.cid import get_cid
from auditlog.context import auditlog_value
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.encoding import smart_str
from django.utils.translation import gettext_noop

# What a read was; gettext_noop so that the admin can show them translated.
REFERRAL_VIEWED = gettext_noop("referral viewed")
REFERRAL_EDIT_VIEWED = gettext_noop("referral edit form viewed")
REFERRALS_SEARCHED = gettext_noop("referrals searched")
SLIP_PRINTED = gettext_noop("delivery slip printed")
ROUTE_SHEET_PRINTED = gettext_noop("route sheet printed")
PICKUP_NOTE_PRINTED = gettext_noop("pick-up note printed")
LABEL_PRINTED = gettext_noop("address label printed")
EXPORTED = gettext_noop("referrals exported")

REDACTED = "***"

# Per model, auditlog's registration options (``auditlog.registry.AuditlogModelRegistry``):
# this package's own models here, each app's in its own ``audit`` module, all handed to ``track``
# by the apps' ``AppConfig.ready``.
PROJECT_MODELS: dict[str, dict] = {
    "startpakket.Organisation": {},
    "startpakket.User": {
        "exclude_fields": ["password", "last_login"],
        # That a name or an e-mail address changed is worth knowing (an account taken over);
        # the value is not.
        "mask_fields": ["first_name", "last_name", "email"],
        "mask_callable": "startpakket.audit.redact",
        "m2m_fields": {"groups", "user_permissions"},
    },
    # Made and revoked (deleted); a use from a new address is logged by startpakket.tokens.
    # Only these fields: never the digest or the key's first characters.
    "startpakket.ApiToken": {"include_fields": ["name", "user", "expiry"]},
}

# Every tracked model's options, as registered: e.g. for the retention of personal data, which
# cleans old entries down to what the options allow.
TRACKED: dict[str, dict] = {}


def track(models_options: dict[str, dict]) -> None:
    """Register the models (label → auditlog's options) with auditlog and keep their options
    in ``TRACKED``; for ``AppConfig.ready``."""
    for label, options in models_options.items():
        TRACKED[label] = options
        # auditlog appends to the lists it is given: give it copies.
        auditlog.register(apps.get_model(label), **{
            key: list(value) if isinstance(value, list) else value
            for key, value in options.items()
        })


def redact(value: str) -> str:
    """auditlog's mask callable: nothing of the value is kept, not even half of it."""
    return REDACTED


def attach_actor(user) -> None:
    """Make ``user`` the actor of the entries the current request writes from now on, if
    ``AuditlogMiddleware`` saw no user: an API token is checked by DRF in the view, after the
    middleware has set up its context with an anonymous user."""
    context = auditlog_value.get(None)
    if context is not None and context.get("actor") is None:
        # The middleware's context is read when each entry is saved (auditlog.context).
        context["actor"] = user


def request_address() -> str | None:
    """The client's address as the audit trail records it for the current request."""
    return _request_details()["remote_addr"]


def _request_details() -> dict:
    """The request's address and port as the middleware recorded them, for entries written
    without auditlog's signals."""
    context = auditlog_value.get(None) or {}
    return {key: context.get(key) for key in ("remote_addr", "remote_port")}


def _entry(obj: models.Model, *, user, action: int, **fields) -> LogEntry:
    return LogEntry(
        content_type=ContentType.objects.get_for_model(obj),
        object_pk=smart_str(obj.pk),
        object_id=obj.pk if isinstance(obj.pk, int) else None,
        object_repr=smart_str(obj),
        action=action,
        actor=user,
        actor_email=getattr(user, "email", None) or None,
        cid=get_cid(),
        **_request_details(),
        **fields,
    )


def record_read(*, user, obj: models.Model | type[models.Model], what: str,
                filters: dict | None = None) -> LogEntry:
    """Log that ``user`` saw personal data: of ``obj``, or, when ``obj`` is a model class, of
    the rows a list, search or export showed, chosen by ``filters`` (names and values that are
    not personal). ``what`` is one of this module's constants."""
    details = {"what": what}
    if filters:
        details["filters"] = {key: smart_str(value) for key, value in filters.items()}
    if isinstance(obj, models.Model):
        entry = _entry(obj, user=user, action=LogEntry.Action.ACCESS, additional_data=details)
    else:
        entry = LogEntry(
            content_type=ContentType.objects.get_for_model(obj),
            object_pk="",
            object_repr=smart_str(obj._meta.verbose_name_plural),
            action=LogEntry.Action.ACCESS,
            actor=user,
            actor_email=getattr(user, "email", None) or None,
            cid=get_cid(),
            additional_data=details,
            **_request_details(),
        )
    entry.save()
    return entry


def record_reads(*, user, objects: Iterable[models.Model], what: str,
                 details: dict | None = None) -> list[LogEntry]:
    """``record_read`` for each of ``objects`` (e.g. a batch of delivery slips), in one query.
    ``details``: what else tells the occasion (e.g. the pick list), never personal values."""
    data = {"what": what, **{key: smart_str(value) for key, value in (details or {}).items()}}
    return LogEntry.objects.bulk_create([
        _entry(obj, user=user, action=LogEntry.Action.ACCESS, additional_data=dict(data))
        for obj in objects
    ])


def record_created(objects: Iterable[models.Model], *, user) -> list[LogEntry]:
    """Create entries for rows written with ``bulk_create``, which sends no signals; the diff
    follows the model's registration, as auditlog's own would."""
    entries = []
    for obj in objects:
        changes = model_instance_diff(None, obj) if auditlog.contains(type(obj)) else None
        entries.append(_entry(obj, user=user, action=LogEntry.Action.CREATE,
                              changes=changes or {}))
    return LogEntry.objects.bulk_create(entries)


def record_updated(changed: Iterable[tuple[models.Model, models.Model]], *, user,
                   fields: Iterable[str]) -> list[LogEntry]:
    """Entries for rows changed with ``QuerySet.update``, each as auditlog's signal would have
    written it on ``save(update_fields=fields)``: the diff of the (before, after) pair, as the
    model's registration allows (none where nothing changed). One query."""
    fields = list(fields)
    entries = []
    for old, new in changed:
        changes = model_instance_diff(old, new, fields_to_check=fields,
                                      use_json_for_changes=getattr(
                                          settings, "AUDITLOG_STORE_JSON_CHANGES", False))
        if changes:
            entries.append(_entry(new, user=user, action=LogEntry.Action.UPDATE,
                                  changes=changes))
    return LogEntry.objects.bulk_create(entries)


def record_changed(obj: models.Model, *, user, changes: dict[str, tuple]) -> LogEntry:
    """An entry for a change made with ``QuerySet.update``, which sends no signals:
    ``changes`` is ``{field: (old, new)}`` and must hold no personal values."""
    entry = _entry(obj, user=user, action=LogEntry.Action.UPDATE, changes={
        field: [smart_str(old), smart_str(new)] for field, (old, new) in changes.items()
    })
    entry.save()
    return entry
