from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessAction(models.TextChoices):
    VIEW = "view", _("viewed")
    EXPORT = "export", _("exported")
    ERASE = "erase", _("erased")


class AccessRecord(models.Model):
    """Who viewed, exported or erased a contact person's data, when and from where (crm/audit.py).

    Append-only: on PostgreSQL the database refuses to change or delete a row (migration 0004), except the retention
    job's deletion of expired rows. So the row holds ids and a user name, not foreign keys: it never changes when the
    user or the contact person does, or is deleted.
    """

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor_id = models.IntegerField(_("user id"))
    actor_username = models.CharField(_("user name"), max_length=150)
    action = models.CharField(_("action"), max_length=10, choices=AccessAction.choices)
    contact_id = models.BigIntegerField(_("contact person id"))
    origin = models.GenericIPAddressField(_("client address"), null=True, blank=True)

    class Meta:
        db_table = "crm_accessrecord"  # born in the crm app (privacy/migrations/0001)
        ordering = ["-at", "-id"]
        verbose_name = _("access record")
        verbose_name_plural = _("access records")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=AccessAction.values), name="accessrecord_action_valid"
            ),
        ]
        indexes = [
            # Who saw this person's data: the question of a request for access (AVG article 15).
            models.Index(fields=["contact_id", "-at"], name="accessrecord_contact_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_username} {self.get_action_display()} contact:{self.contact_id}"
