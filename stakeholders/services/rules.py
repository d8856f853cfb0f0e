"""The rules of the stakeholder records, each written once: the services call them, and admin forms call them too."""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Contact, Organisation


def interaction_contacts_validate(*, organisation: Organisation | None, contacts: Iterable[Contact]) -> None:
    """Only the organisation's own contacts can take part in its interactions."""
    if organisation is not None and any(contact.organisation_id != organisation.id for contact in contacts):
        raise ValidationError({"contacts": _("Every participating contact must belong to the organisation.")})


def interaction_validate(
    *, organisation: Organisation | None, occurred_at: datetime | None, contacts: Iterable[Contact]
) -> None:
    """Refused: participating contacts of another organisation, and moments in the future."""
    interaction_contacts_validate(organisation=organisation, contacts=contacts)
    if occurred_at is not None and occurred_at > timezone.now():
        raise ValidationError({"occurred_at": _("An interaction cannot take place in the future.")})


def contact_change_validate(*, contact: Contact, organisation: Organisation | None = None) -> None:
    """Refused: bringing an erased person back (add a new contact instead), and moving a contact to another
    organisation. `contact` is the stored row."""
    if contact.anonymised_at is not None:
        raise ValidationError(_("This person's data has been erased; add a new contact person instead."))
    if organisation is not None and organisation.pk != contact.organisation_id:
        raise ValidationError({"organisation": _("A contact cannot move to another organisation.")})
