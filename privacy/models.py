from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessAction(models.TextChoices):
    VIEW = "view", _("viewed")
    LIST = "list", _("listed")
    EXPORT = "export", _("exported")
    ERASE = "erase", _("erased")


class AccessRecord(models.Model):
    """Who viewed, listed, exported or erased a contact person's data, when and from where (privacy/audit.py).

    A list (a page or a CSV of many persons) is one row per request: no contact id, but the list's address with
    its filter (`query`) and how many persons it held (`persons`).

    Append-only: on PostgreSQL the database refuses to change or delete a row (migration 0004), except the retention
    job's deletion of expired rows. So the row holds ids and a user name, not foreign keys: it never changes when the
    user or the contact person does, or is deleted.
    """

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor_id = models.IntegerField(_("user id"))
    actor_username = models.CharField(_("user name"), max_length=150)
    action = models.CharField(_("action"), max_length=10, choices=AccessAction.choices)
    contact_id = models.BigIntegerField(_("contact person id"), null=True, blank=True)
    query = models.CharField(_("list and filter"), max_length=1000, blank=True, db_default="")
    persons = models.PositiveIntegerField(_("number of persons"), null=True, blank=True)
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
            # A list names how many persons it showed; every other access names its one person.
            models.CheckConstraint(
                condition=models.Q(action=AccessAction.LIST, contact_id__isnull=True, persons__isnull=False)
                | (~models.Q(action=AccessAction.LIST) & models.Q(contact_id__isnull=False)),
                name="accessrecord_list_or_contact",
            ),
        ]
        indexes = [
            # Who saw this person's data: the question of a request for access (AVG article 15).
            models.Index(fields=["contact_id", "-at"], name="accessrecord_contact_idx"),
        ]

    def __str__(self) -> str:
        if self.contact_id is None:
            return f"{self.actor_username} {self.get_action_display()} {self.persons} {self.query}"
        return f"{self.actor_username} {self.get_action_display()} contact:{self.contact_id}"
