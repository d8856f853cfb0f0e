"""What the services of this app share: validated saves, and moving updated_at where the API shows a change."""

from django.db.models import QuerySet
from django.utils import timezone


def _validated_save(instance):
    """Every write validates like a form first, database constraints included, so bad input writes nothing."""
    instance.full_clean()
    instance.save()
    return instance


def _set(instance, fields: dict) -> None:
    for name, value in fields.items():
        setattr(instance, name, value)


def _touch(queryset: QuerySet) -> int:
    """Move updated_at of rows whose API representation changed through another row (a label renamed, a contact
    gone from an interaction), so incremental sync meets them again."""
    return queryset.update(updated_at=timezone.now())
