from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

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

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @cached_property
    def role(self) -> Role | None:
        """The user's role: the one role group they are in, or None."""
        names = {group.name for group in self.groups.all()}
        roles = [role for role in Role if role.value in names]
        return roles[0] if len(roles) == 1 else None

    def has_role(self, *roles: Role) -> bool:
        return self.is_active and self.role in roles


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
