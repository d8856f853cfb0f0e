"""Contact persons: create, change, delete, erase (AVG) and the one-click opt-out."""

from django.db import transaction
from django.utils import timezone

from ..models import Contact, Interaction
from ..retention import contact_mentions_erase, contacts_anonymise
from .common import _set, _touch, _validated_save
from .rules import contact_change_validate


@transaction.atomic
def contact_create(**fields) -> Contact:
    return _validated_save(Contact(**fields))


@transaction.atomic
def contact_update(*, contact: Contact, **fields) -> Contact:
    """Change a contact person. Refused: see contact_change_validate, checked against the stored row."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    contact_change_validate(contact=contact, organisation=fields.get("organisation"))
    _set(contact, fields)
    return _validated_save(contact)


@transaction.atomic
def contact_delete(*, contact: Contact) -> None:
    """Delete a contact person; the interactions they took part in no longer list them."""
    interactions = list(contact.interactions.values_list("id", flat=True))
    contact.delete()
    _touch(Interaction.objects.filter(id__in=interactions))


@transaction.atomic
def contact_erase(*, contact: Contact) -> None:
    """The AVG's right of erasure: the person's data goes, here, in the history, in the outbox and where staff
    mentioned them in free text; the row, and so every count, stays."""
    contact_mentions_erase(contact=contact)
    contacts_anonymise(ids=[contact.pk], now=timezone.now())
    contact.refresh_from_db()


@transaction.atomic
def contact_mail_opt_out(*, contact_id: int) -> str | None:
    """A contact person's one-click opt-out: no more mail of any kind (honoured again at sending time). Returns
    their language, or None if they no longer exist."""
    contact = Contact.objects.select_for_update().filter(pk=contact_id).first()
    if contact is None:
        return None
    if contact.mail_opted_out_at is None:
        contact.mail_opted_out_at = timezone.now()
        contact.save(update_fields=["mail_opted_out_at", "updated_at"])
    return contact.preferred_language
