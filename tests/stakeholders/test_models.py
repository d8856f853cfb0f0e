"""The database itself refuses what must never hold, whoever writes it (admin, import, bulk insert, raw update)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from stakeholders.models import Contact, Organisation, Tag, Tier
from tests.factories import (
    ContactFactory,
    InteractionFactory,
    OrganisationFactory,
    OrganisationRelationFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


def refused_by_database(write) -> bool:
    try:
        with transaction.atomic():
            write()
    except IntegrityError:
        return True
    return False


@pytest.mark.parametrize(
    "values",
    [
        {"kvk_number": "1234567"},
        {"kvk_number": "1234567a"},
        {"cbs_municipality_code": "GM363", "kind": "municipality"},
        {"cbs_municipality_code": "GM0363", "kind": "ngo"},
        {"country": "nl"},
        {"country": "N1"},
        {"influence": 0},
        {"influence": 6},
        {"interest": 6},
        {"contact_cadence_days": 0},
        {"contact_cadence_days": 2000},
        {"kind": "club"},
        {"scope": "regional"},
        {"status": "deleted"},
    ],
)
def test_database_refuses_an_organisation_with(values):
    organisation = OrganisationFactory()

    assert refused_by_database(lambda: Organisation.objects.filter(id=organisation.id).update(**values))


def test_database_accepts_valid_identifiers():
    OrganisationFactory(kind="municipality", cbs_municipality_code="GM0363", kvk_number="", country="NL")
    OrganisationFactory(kvk_number="12345678")

    assert Organisation.objects.count() == 2


def test_two_organisations_cannot_share_a_kvk_number():
    OrganisationFactory(kvk_number="12345678")

    assert refused_by_database(lambda: OrganisationFactory(kvk_number="12345678"))


def test_many_organisations_may_have_no_kvk_number():
    OrganisationFactory.create_batch(3, kvk_number="")

    assert Organisation.objects.filter(kvk_number="").count() == 3


def test_two_municipalities_cannot_share_a_cbs_code():
    OrganisationFactory(kind="municipality", cbs_municipality_code="GM0344")

    assert refused_by_database(lambda: OrganisationFactory(kind="municipality", cbs_municipality_code="GM0344"))


def test_organisation_cannot_be_its_own_parent():
    organisation = OrganisationFactory()

    assert refused_by_database(lambda: Organisation.objects.filter(id=organisation.id).update(parent=organisation))


def test_relation_cannot_point_at_its_source():
    organisation = OrganisationFactory()

    assert refused_by_database(lambda: OrganisationRelationFactory(source=organisation, target=organisation))


def test_relation_of_one_kind_exists_once_per_direction():
    relation = OrganisationRelationFactory(kind="funds")

    assert refused_by_database(
        lambda: OrganisationRelationFactory(source=relation.source, target=relation.target, kind="funds")
    )
    OrganisationRelationFactory(source=relation.target, target=relation.source, kind="funds")
    OrganisationRelationFactory(source=relation.source, target=relation.target, kind="partner_of")


def test_relation_cannot_end_before_it_starts():
    assert refused_by_database(
        lambda: OrganisationRelationFactory(started_on=datetime.date(2025, 5, 1), ended_on=datetime.date(2025, 4, 30))
    )


def test_relation_kind_must_be_known():
    assert refused_by_database(lambda: OrganisationRelationFactory(kind="likes"))


def test_contact_email_is_unique_per_organisation_whatever_its_case():
    contact = ContactFactory(email="Jan@Gemeente.example")

    assert refused_by_database(lambda: ContactFactory(organisation=contact.organisation, email="jan@gemeente.example"))
    ContactFactory(email="jan@gemeente.example")


def test_contacts_without_email_do_not_collide():
    organisation = OrganisationFactory()

    ContactFactory.create_batch(2, organisation=organisation, email="")

    assert organisation.contacts.count() == 2


@pytest.mark.parametrize("values", [{"level": "board"}, {"preferred_language": "de"}])
def test_database_refuses_a_contact_with(values):
    contact = ContactFactory()

    assert refused_by_database(lambda: Contact.objects.filter(id=contact.id).update(**values))


@pytest.mark.parametrize("values", [{"channel": "pigeon"}, {"sentiment": 3}, {"sentiment": -3}])
def test_database_refuses_an_interaction_with(values):
    assert refused_by_database(lambda: InteractionFactory(**values))


def test_tier_cadence_must_lie_between_a_day_and_three_years():
    assert refused_by_database(lambda: Tier.objects.create(code="never", name="Nooit", cadence_days=0))
    assert refused_by_database(lambda: Tier.objects.create(code="rare", name="Zelden", cadence_days=1096))


def test_label_names_are_unique_whatever_their_case():
    TagFactory(name="Ketenpartner")

    assert refused_by_database(lambda: Tag.objects.create(name="ketenpartner"))


def test_validation_explains_a_bad_kvk_number_in_dutch():
    organisation = OrganisationFactory.build(kvk_number="123")

    with translation.override("nl"), pytest.raises(ValidationError) as refused:
        organisation.full_clean()

    assert refused.value.message_dict["kvk_number"] == ["Een KvK-nummer bestaat uit precies acht cijfers."]


def test_default_tiers_are_installed_with_their_cadence():
    assert dict(Tier.objects.values_list("code", "cadence_days")) == {
        "strategic": 30,
        "key": 90,
        "regular": 180,
        "occasional": 365,
    }


def test_contact_name_includes_the_tussenvoegsel():
    contact = ContactFactory.build(first_name="Jan", name_prefix="van der", last_name="Berg")

    assert contact.full_name == "Jan van der Berg"


def test_changes_to_organisations_contacts_and_interactions_keep_their_history():
    organisation = OrganisationFactory(name="Gemeente Utrecht")
    contact = ContactFactory(organisation=organisation)
    interaction = InteractionFactory(organisation=organisation)

    organisation.name = "Gemeente Utrecht (stad)"
    organisation.save()
    contact.job_title = "Wethouder"
    contact.save()
    interaction.subject = "Ketenoverleg"
    interaction.save()

    assert [h.name for h in organisation.history.order_by("history_date")] == [
        "Gemeente Utrecht",
        "Gemeente Utrecht (stad)",
    ]
    assert contact.history.count() == 2
    assert interaction.history.first().subject == "Ketenoverleg"
