"""Reference data: tiers, labels and topics. Organisations show their tier by code and their labels by name, and
interactions their topics by name, so renaming one moves the updated_at of every row that shows it."""

from collections.abc import Iterable

from django.db import transaction
from django.db.models.functions import Lower

from ..models import Interaction, Organisation, Tag, Tier, Topic
from .common import _set, _touch, _validated_save
from .planning import organisation_outreach_refresh


@transaction.atomic
def tier_create(**fields) -> Tier:
    return _validated_save(Tier(**fields))


@transaction.atomic
def tier_update(*, tier: Tier, **fields) -> Tier:
    """Change a tier; a new cadence moves the next-contact date of each of its organisations at once."""
    tier = Tier.objects.select_for_update().get(pk=tier.pk)
    before = (tier.code, tier.cadence_days)
    _set(tier, fields)
    _validated_save(tier)
    if tier.code != before[0]:
        _touch(tier.organisations.all())
    if tier.cadence_days != before[1]:
        organisation_outreach_refresh(organisation_ids=tier.organisations.values_list("id", flat=True))
    return tier


@transaction.atomic
def tier_delete(*, tier: Tier) -> None:
    """Refused by the database while organisations have this tier."""
    tier.delete()


def tag_create(*, name: str) -> Tag:
    return _validated_save(Tag(name=name.strip()))


@transaction.atomic
def tags_get_or_create(*, names: Iterable[str]) -> list[Tag]:
    """The labels with these names, in any case, sorted by name; a name not known yet becomes a new label."""
    wanted = sorted({name.strip() for name in names if name.strip()})
    known = Tag.objects.annotate(lower_name=Lower("name")).filter(lower_name__in=[name.lower() for name in wanted])
    existing = {tag.name.lower(): tag for tag in known}
    return [existing.get(name.lower()) or tag_create(name=name) for name in wanted]


@transaction.atomic
def tag_update(*, tag: Tag, name: str | None = None) -> Tag:
    tag = Tag.objects.select_for_update().get(pk=tag.pk)
    before = tag.name
    tag.name = before if name is None else name.strip()
    _validated_save(tag)
    if tag.name != before:
        _touch(tag.organisations.all())
    return tag


@transaction.atomic
def tag_delete(*, tag: Tag) -> None:
    organisations = list(tag.organisations.values_list("id", flat=True))
    tag.delete()
    _touch(Organisation.objects.filter(id__in=organisations))


@transaction.atomic
def topic_create(*, name: str, name_en: str = "") -> Topic:
    return _validated_save(Topic(name=name.strip(), name_en=name_en.strip()))


@transaction.atomic
def topic_update(*, topic: Topic, name: str | None = None, name_en: str | None = None) -> Topic:
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    before = topic.name
    topic.name = before if name is None else name.strip()
    topic.name_en = topic.name_en if name_en is None else name_en.strip()
    _validated_save(topic)
    if topic.name != before:
        _touch(topic.interactions.all())
    return topic


@transaction.atomic
def topic_delete(*, topic: Topic) -> None:
    interactions = list(topic.interactions.values_list("id", flat=True))
    topic.delete()
    _touch(Interaction.objects.filter(id__in=interactions))
