from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS

from startpakket.roles import OrganisationKind, Role

code_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    _("Use lowercase letters, digits and single hyphens, e.g. jgz-utrecht."),
)


class OrganisationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def of_kind(self, kind: OrganisationKind):
        return self.filter(kind=kind)

    def get_by_natural_key(self, code):
        return self.get(code=code)


class Organisation(models.Model):
    """A referring organisation, a warehouse or the foundation itself (DESIGN §1)."""

    code = models.CharField(
        _("code"),
        max_length=50,
        unique=True,
        validators=[code_validator],
        help_text=_("Short and stable; used in the API and in exports. Cannot be changed later."),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=OrganisationKind.values),
                name="organisation_kind_valid",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class User(AbstractUser):
    """A person who logs in. Belongs to exactly one organisation; the role is its group."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="users",
        # Empty only for a superuser made with createsuperuser before any organisation exists;
        # such an account has no role and sees no data outside the admin.
        null=True,
        blank=True,
    )
    # The language of the e-mail the person gets (pages follow the language switch, which also
    # sets this): a nurse who works in English gets English mail, whatever the site's default.
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE,
        help_text=_("The language of the e-mails this person gets."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @cached_property
    def group_list(self) -> list:
        """The user's groups, read once per request for the role and the permissions alike
        (``startpakket.auth_backends``)."""
        return list(self.groups.all())

    @cached_property
    def role(self) -> Role | None:
        """The user's role: the one role group they are in, or None."""
        names = {group.name for group in self.group_list}
        roles = [role for role in Role if role.value in names]
        return roles[0] if len(roles) == 1 else None

    def has_role(self, *roles: Role) -> bool:
        return self.is_active and self.role in roles

    def has_perm(self, perm: str, obj=None) -> bool:
        """Django's answer, remembered on this object like the permissions the backends keep
        on it: asking them again loops over the backends, importing each, and a page of
        referrals asks hundreds of times (the actions of every row)."""
        if obj is not None:
            return super().has_perm(perm, obj)
        answers = self.__dict__.setdefault("_perm_answers", {})
        key = (perm, self.is_active, self.is_superuser)
        if key not in answers:
            answers[key] = super().has_perm(perm)
        return answers[key]


class IdempotencyKey(models.Model):
    """A client's ``Idempotency-Key`` and the first answer given to it, so that a retried POST
    (a lost connection, a double click) is answered again instead of done twice. Written and read
    only by ``startpakket.api.idempotency``; rows older than a day count as absent."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="+")
    key = models.CharField(_("key"), max_length=255)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=500)
    body_sha256 = models.CharField(_("SHA-256 of the request body"), max_length=64)
    # Empty only while the first request is still being handled, inside its own transaction.
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True)
    response_body = models.JSONField(_("response body"), null=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique"),
        ]

    def __str__(self):
        return f"{self.user_id}: {self.key}"


class ApiToken(AbstractAuthToken):
    """A key for the API (``Authorization: Token <key>``): django-rest-knox's token, which keeps
    only a digest of the key, plus what its owner and a coordinator need to manage it. Made and
    revoked only by ``startpakket.tokens``; a revoked token is deleted."""

    # knox makes the digest the primary key; a number is the key here, so that admin URLs and
    # audit entries never carry anything derived from the secret.
    id = models.BigAutoField(primary_key=True)
    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="auth_token_set")  # the name knox uses
    created = models.DateTimeField(_("created"), auto_now_add=True)
    expiry = models.DateTimeField(_("expires"), null=True, blank=True)
    name = models.CharField(_("name"), max_length=100,
                            help_text=_("What the token is for, e.g. the system that uses it."))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    last_used_from = models.GenericIPAddressField(_("last used from"), null=True, blank=True)
    # The addresses the token was used from, so that only a new one is audited.
    addresses = models.JSONField(_("addresses"), default=list, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created"]

    def __str__(self):
        # Never the digest (knox's own __str__): this shows in the admin and the audit trail.
        return f"{self.name} ({self.user})"

    @property
    def is_expired(self) -> bool:
        return self.expiry is not None and self.expiry <= timezone.now()


class EnrolmentLink(models.Model):
    """A one-time link that lets ``user`` link an authenticator app (``startpakket.enrolment``):
    without one, knowing the password is not enough to choose the second step. Only a SHA-256
    of the token is kept, so the table (or a backup) hands nobody a usable link."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="enrolment_links")
    token_sha256 = models.CharField(_("SHA-256 of the token"), max_length=64, unique=True)
    created_by = models.ForeignKey(User, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment link")
        verbose_name_plural = _("enrolment links")

    def __str__(self):
        return f"{self.user} ({self.created_at:%Y-%m-%d %H:%M})"
