from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A credential for another system. Only the SHA-256 digest of the secret is stored; the secret is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("Which system uses this token."))
    prefix = models.CharField(_("prefix"), max_length=8, editable=False, help_text=_("Recognises a token in logs."))
    digest = models.CharField(_("digest"), max_length=64, unique=True, editable=False)
    read_only = models.BooleanField(_("read only"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    class Meta:
        db_table = "crm_apitoken"  # born in the crm app (accounts/migrations/0001)
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class EnrolmentLink(models.Model):
    """A mailed link that lets its user set up a second factor, once, before it expires.

    The password alone must not bind an authenticator: whoever knows it could bind their own. Only the SHA-256 digest
    of the link's secret is stored; the secret is made when the mail is sent (accounts/enrolment.py).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="enrolment_links"
    )
    digest = models.CharField(_("digest"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("second-factor set-up link")
        verbose_name_plural = _("second-factor set-up links")

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d %H:%M})"
