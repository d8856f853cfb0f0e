"""Realistic, reproducible demo data for the stakeholder network.

The same seed, count and reference date give the same data. Organisations are known by name, so a second run
adds only what is missing: nothing is duplicated, and a larger count extends an earlier run. Everything is written
with bulk inserts, chunk by chunk, so a hundred thousand organisations take minutes.
"""

import itertools
import random
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from stakeholders.models import (
    Contact,
    FollowUpAction,
    Interaction,
    Organisation,
    OrganisationRelation,
    Tag,
    Tier,
    Topic,
)
from stakeholders.services import next_contact_due

from . import stakeholders_data as data

CHUNK_SIZE = 1000
HISTORY_DAYS = 730
# Interactions over two years, by tier: (fewest, most).
INTERACTIONS_PER_TIER = {"strategic": (16, 30), "key": (6, 12), "regular": (2, 6), "occasional": (0, 3)}
# Meetings and calls are the most common ways of contact.
CHANNEL_WEIGHTS = ["meeting", "meeting", "call", "call", "email", "video", "event", "site_visit", "letter"]
# Relations mostly point at the well-known bodies at the head of the plan.
WELL_KNOWN_HEAD = 200


@dataclass
class PlannedOrganisation:
    index: int
    name: str
    kind: str
    scope: str
    tier: str
    short_name: str = ""
    country: str = "NL"
    city: str = ""
    kvk_number: str = ""
    cbs_municipality_code: str = ""
    parent_name: str | None = None
    tags: list[str] = field(default_factory=list)


@dataclass
class SeedReport:
    organisations: int = 0
    contacts: int = 0
    interactions: int = 0
    follow_ups: int = 0
    relations: int = 0


def _real_municipalities() -> Iterator[dict]:
    for name, code in data.MUNICIPALITIES_WITH_CODE:
        yield {"name": f"Gemeente {name}", "kind": "municipality", "scope": "local", "city": name, "cbs": code}
    for name in data.MUNICIPALITIES_BY_NAME:
        yield {"name": f"Gemeente {name}", "kind": "municipality", "scope": "local", "city": name}


def _real_bodies() -> Iterator[dict]:
    for name, short_name, kind, scope in data.NATIONAL_BODIES:
        yield {"name": name, "short_name": short_name, "kind": kind, "scope": scope}


def _international_bodies() -> Iterator[dict]:
    for name, short_name, country in data.INTERNATIONAL_BODIES:
        yield {"name": name, "short_name": short_name, "kind": "international", "scope": "international",
               "country": country}  # fmt: skip
    for country_name, country in data.EMBASSY_COUNTRIES:
        yield {"name": f"Ambassade van {country_name}", "kind": "government", "scope": "international",
               "country": country, "city": "'s-Gravenhage"}  # fmt: skip


def _invented(rng: random.Random, patterns: list[str], kind: str, scopes: list[str]) -> Iterator[dict]:
    while True:
        city = rng.choice(data.CITIES)
        name = rng.choice(patterns).format(city=city, surname=rng.choice(data.LAST_NAMES))
        yield {"name": name, "kind": kind, "scope": rng.choice(scopes), "city": city}


def organisations_plan(*, count: int, seed: int) -> list[PlannedOrganisation]:
    """The first `count` organisations of the demo network, kinds interleaved so a small count is still a mix."""
    rng = random.Random(f"{seed}:plan")
    streams = [
        _real_municipalities(),
        _real_bodies(),
        _invented(rng, data.NGO_PATTERNS, "ngo", ["local"]),
        _international_bodies(),
        _invented(rng, data.PRIVATE_PATTERNS, "private_partner", ["local", "national"]),
        _invented(rng, data.NGO_PATTERNS, "ngo", ["local", "national"]),
        _invented(rng, data.OTHER_PATTERNS, "other", ["local"]),
    ]
    plan: list[PlannedOrganisation] = []
    names_seen: dict[str, int] = {}
    for stream in itertools.cycle(streams):
        if len(plan) == count:
            break
        spec = next(stream, None)
        if spec is None:
            continue
        base = spec["name"]
        names_seen[base] = names_seen.get(base, 0) + 1
        name = base if names_seen[base] == 1 else f"{base} ({names_seen[base]})"
        index = len(plan)
        kind = spec["kind"]
        invented = kind in ("ngo", "private_partner", "other") and "short_name" not in spec
        plan.append(
            PlannedOrganisation(
                index=index,
                name=name,
                kind=kind,
                scope=spec["scope"],
                tier=_tier_for(rng, kind=kind, real="cbs" in spec or "short_name" in spec),
                short_name=spec.get("short_name", ""),
                country=spec.get("country", "NL"),
                city=spec.get("city", ""),
                kvk_number=f"{60_000_000 + index:08d}" if invented else "",
                cbs_municipality_code=spec.get("cbs", ""),
                parent_name=_parent_of(base),
                tags=rng.sample(data.TAGS, k=rng.choice([0, 0, 1, 1, 2])),
            )
        )
    return plan


def _parent_of(name: str) -> str | None:
    """Local branches of VluchtelingenWerk belong to the national organisation."""
    national = "VluchtelingenWerk Nederland"
    return national if name.startswith("VluchtelingenWerk ") and name != national else None


def _tier_for(rng: random.Random, *, kind: str, real: bool) -> str:
    if real:
        return rng.choice(["strategic", "key", "key"])
    return rng.choice(["key", "regular", "regular", "regular", "occasional", "occasional"])


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def demo_staff_ensure() -> dict[str, object]:
    """The demo team of liaison officers, a coordinator and a researcher, each in their role's group."""
    user_model = get_user_model()
    staff = {}
    for username, first_name, last_name, role in data.DEMO_STAFF:
        user, created = user_model.objects.get_or_create(
            username=username,
            defaults={"first_name": first_name, "last_name": last_name, "email": f"{username}@agency.example"},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=role))
        staff[username] = user
    return staff


@dataclass
class Seeder:
    """What every organisation of one run draws from: the team, the reference data and the plan so far."""

    seed: int
    as_of: date
    officers: list
    tiers: dict[str, Tier]
    tags: dict[str, Tag]
    topics: list[Topic]
    plan: list[PlannedOrganisation]
    ids_by_name: dict[str, int] = field(default_factory=dict)
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo(settings.TIME_ZONE))


@dataclass
class OrganisationBundle:
    """One organisation with everything that hangs off it, ready for bulk insertion."""

    organisation: Organisation
    parent_name: str | None
    tag_names: list[str]
    contacts: list[Contact]
    interactions: list[Interaction]
    participants: list[list[Contact]]
    interaction_topics: list[list[Topic]]
    follow_ups: list[tuple[str, date, bool] | None]
    relation: tuple[str, str] | None  # (kind, target name)


def topic_ensure(*, name: str, name_en: str) -> Topic:
    """The demo topic with this Dutch name, with its English name also on a topic an earlier run made."""
    topic, _created = Topic.objects.update_or_create(name=name, defaults={"name_en": name_en})
    return topic


def seed_demo(*, organisations: int, seed: int, as_of: date) -> SeedReport:
    staff = demo_staff_ensure()
    seeder = Seeder(
        seed=seed,
        as_of=as_of,
        officers=[user for user in staff.values() if user.groups.filter(name="Liaison officers").exists()],
        tiers={tier.code: tier for tier in Tier.objects.all()},
        tags={name: Tag.objects.get_or_create(name=name)[0] for name in data.TAGS},
        topics=[topic_ensure(name=name, name_en=name_en) for name, name_en in data.TOPICS.items()],
        plan=organisations_plan(count=organisations, seed=seed),
    )
    report = SeedReport()
    for start in range(0, len(seeder.plan), CHUNK_SIZE):
        chunk = seeder.plan[start : start + CHUNK_SIZE]
        existing = dict(Organisation.objects.filter(name__in=[p.name for p in chunk]).values_list("name", "id"))
        seeder.ids_by_name.update(existing)
        missing = [planned for planned in chunk if planned.name not in existing]
        if missing:
            with transaction.atomic():
                _insert([_bundle(seeder, planned) for planned in missing], seeder, report)
    return report


def _bundle(seeder: Seeder, planned: PlannedOrganisation) -> OrganisationBundle:
    rng = random.Random(f"{seeder.seed}:organisation:{planned.index}")
    owner = None if rng.random() < 0.08 else rng.choice(seeder.officers)
    tier = seeder.tiers[planned.tier]
    organisation = Organisation(
        name=planned.name,
        short_name=planned.short_name,
        kind=planned.kind,
        scope=planned.scope,
        country=planned.country,
        city=planned.city,
        kvk_number=planned.kvk_number,
        cbs_municipality_code=planned.cbs_municipality_code,
        website=f"https://www.{_ascii(planned.name)[:40]}.example",
        owner=owner,
        tier=tier,
        influence=rng.randint(1, 5),
        interest=rng.randint(1, 5),
    )
    contacts = [_contact(rng, organisation, planned, number, seeder) for number in range(rng.randint(1, 5))]
    bundle = OrganisationBundle(organisation, planned.parent_name, planned.tags, contacts, [], [], [], [], None)

    fewest, most = INTERACTIONS_PER_TIER[planned.tier]
    latest_moment = datetime.combine(seeder.as_of, time(8), tzinfo=seeder.zone)
    for _ in range(rng.randint(fewest, most)):
        day = seeder.as_of - timedelta(days=rng.randint(0, HISTORY_DAYS))
        moment = datetime.combine(day, time(rng.randint(8, 17), rng.choice([0, 15, 30, 45])), tzinfo=seeder.zone)
        channel = rng.choice(CHANNEL_WEIGHTS)
        topics = rng.sample(seeder.topics, k=rng.choice([1, 1, 2]))
        bundle.interactions.append(
            Interaction(
                organisation=organisation,
                channel=channel,
                occurred_at=min(moment, latest_moment),
                subject=data.SUBJECTS[channel].format(topic=topics[0].name.lower()),
                sentiment=None if rng.random() < 0.4 else rng.choice([-2, -1, 0, 0, 1, 1, 1, 2]),
                logged_by=owner or rng.choice(seeder.officers),
            )
        )
        bundle.participants.append(rng.sample(contacts, k=min(len(contacts), rng.choice([1, 1, 2]))))
        bundle.interaction_topics.append(topics)
        bundle.follow_ups.append(_follow_up_plan(rng, day, seeder.as_of))

    organisation.last_contact_on = max((i.occurred_at.date() for i in bundle.interactions), default=None)
    organisation.next_contact_due_on = next_contact_due(
        planned_on=None, last_contact_on=organisation.last_contact_on, cadence_days=tier.cadence_days,
        created_on=seeder.as_of,
    )  # fmt: skip

    if planned.index > 0 and rng.random() < 0.6:
        head = min(planned.index, WELL_KNOWN_HEAD) if rng.random() < 0.5 else planned.index
        kind = rng.choice(["partner_of", "partner_of", "refers_to", "funds", "contracts", "member_of"])
        bundle.relation = (kind, seeder.plan[rng.randrange(head)].name)
    return bundle


def _insert(bundles: list[OrganisationBundle], seeder: Seeder, report: SeedReport) -> None:
    """Insert the bundles table by table; foreign keys resolve as each table's rows get their ids."""
    organisations = [bundle.organisation for bundle in bundles]
    for bundle in bundles:
        if bundle.parent_name in seeder.ids_by_name:
            bundle.organisation.parent_id = seeder.ids_by_name[bundle.parent_name]
    Organisation.objects.bulk_create(organisations)
    seeder.ids_by_name.update((organisation.name, organisation.id) for organisation in organisations)
    # A parent planned in the same chunk got its id only now.
    orphans = []
    for bundle in bundles:
        if bundle.parent_name and bundle.organisation.parent_id is None and bundle.parent_name in seeder.ids_by_name:
            bundle.organisation.parent_id = seeder.ids_by_name[bundle.parent_name]
            orphans.append(bundle.organisation)
    Organisation.objects.bulk_update(orphans, ["parent"])
    Organisation.tags.through.objects.bulk_create(
        Organisation.tags.through(organisation_id=bundle.organisation.id, tag_id=seeder.tags[name].id)
        for bundle in bundles
        for name in bundle.tag_names
    )

    contacts = [contact for bundle in bundles for contact in bundle.contacts]
    Contact.objects.bulk_create(contacts)
    interactions = [interaction for bundle in bundles for interaction in bundle.interactions]
    Interaction.objects.bulk_create(interactions)
    Interaction.contacts.through.objects.bulk_create(
        Interaction.contacts.through(interaction_id=interaction.id, contact_id=contact.id)
        for bundle in bundles
        for interaction, participants in zip(bundle.interactions, bundle.participants, strict=True)
        for contact in participants
    )
    Interaction.topics.through.objects.bulk_create(
        Interaction.topics.through(interaction_id=interaction.id, topic_id=topic.id)
        for bundle in bundles
        for interaction, topics in zip(bundle.interactions, bundle.interaction_topics, strict=True)
        for topic in topics
    )
    follow_ups = [
        FollowUpAction(
            interaction=interaction,
            description=description,
            assignee=interaction.logged_by,
            due_on=due_on,
            done_at=datetime.combine(due_on, time(12), tzinfo=seeder.zone) if done else None,
        )
        for bundle in bundles
        for interaction, follow_up in zip(bundle.interactions, bundle.follow_ups, strict=True)
        if follow_up is not None
        for description, due_on, done in [follow_up]
    ]
    FollowUpAction.objects.bulk_create(follow_ups)
    relations = [
        OrganisationRelation(
            source=bundle.organisation,
            target_id=seeder.ids_by_name[target],
            kind=kind,
            started_on=seeder.as_of - timedelta(days=30 + bundle.organisation.id % 3000),
        )
        for bundle in bundles
        if bundle.relation
        for kind, target in [bundle.relation]
        if seeder.ids_by_name.get(target) not in (None, bundle.organisation.id)
    ]
    OrganisationRelation.objects.bulk_create(relations)

    report.organisations += len(organisations)
    report.contacts += len(contacts)
    report.interactions += len(interactions)
    report.follow_ups += len(follow_ups)
    report.relations += len(relations)


def _follow_up_plan(rng: random.Random, day: date, as_of: date) -> tuple[str, date, bool] | None:
    """A quarter of the interactions get a follow-up action; most of those long past are done."""
    if rng.random() >= 0.25:
        return None
    due_on = day + timedelta(days=rng.randint(7, 30))
    done = due_on < as_of - timedelta(days=7) and rng.random() < 0.9
    return rng.choice(data.FOLLOW_UPS), due_on, done


def _contact(rng, organisation, planned, number, seeder) -> Contact:
    first_name = rng.choice(data.FIRST_NAMES)
    prefix = rng.choice(data.NAME_PREFIXES)
    last_name = rng.choice(data.LAST_NAMES)
    level = rng.choice(["operational", "operational", "operational", "policy", "policy", "executive"])
    opted_out = rng.random() < 0.03
    opted_out_on = seeder.as_of - timedelta(days=rng.randint(1, 400))
    return Contact(
        organisation=organisation,
        first_name=first_name,
        name_prefix=prefix,
        last_name=last_name,
        job_title=rng.choice(data.JOB_TITLES[level]),
        level=level,
        # Reserved example domains: demo mail can never reach a real person.
        email=f"{_ascii(first_name)}.{_ascii(prefix + last_name)}{number}@{_ascii(planned.name)[:30]}.example",
        phone=f"+31 6 {rng.randint(10_000_000, 99_999_999)}",
        preferred_language="en" if planned.scope == "international" or rng.random() < 0.05 else "nl",
        is_active=rng.random() > 0.05,
        mail_opted_out_at=datetime.combine(opted_out_on, time(9), tzinfo=seeder.zone) if opted_out else None,
    )
