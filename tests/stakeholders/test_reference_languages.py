"""Tiers and topics in the reader's language; the fixed choices (kinds, channels) likewise; dates in both."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from stakeholders.models import Channel, OrganisationKind, Tier
from stakeholders.services import topic_create, topic_update
from tests.factories import InteractionFactory, OrganisationFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_the_default_tiers_have_english_names():
    assert dict(Tier.objects.values_list("code", "name_en")) == {
        "strategic": "Strategic",
        "key": "Key",
        "regular": "Regular",
        "occasional": "Occasional",
    }


@pytest.mark.parametrize(
    ("language", "shown"), [("nl", "Regulier (om de 180 dagen)"), ("en", "Regular (every 180 days)")]
)
def test_an_organisation_page_names_its_tier_in_the_readers_language(client, reader, language, shown):
    organisation = OrganisationFactory(tier=Tier.objects.get(code="regular"))
    client.force_login(reader)

    response = client.get(
        reverse("stakeholders:organisation-detail", args=[organisation.pk]), HTTP_ACCEPT_LANGUAGE=language
    )

    assert shown in response.content.decode()


def test_the_organisation_lists_tier_column_and_picker_are_english_in_english(client, reader):
    OrganisationFactory(tier=Tier.objects.get(code="strategic"))
    client.force_login(reader)

    page = client.get(reverse("stakeholders:organisation-list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<option value="strategic">Strategic</option>' in page
    assert "Strategisch" not in page


def test_a_topic_shows_its_english_name_in_english_and_its_dutch_name_without_one(client, reader):
    organisation = OrganisationFactory()
    interaction = InteractionFactory(organisation=organisation)
    interaction.topics.set([TopicFactory(name="Terugkeer", name_en="Return"), TopicFactory(name="Opvang")])
    client.force_login(reader)
    url = reverse("stakeholders:organisation-detail", args=[organisation.pk])

    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    dutch = client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()

    assert "Topics: Opvang, Return" in english
    assert "Onderwerpen: Opvang, Terugkeer" in dutch


def test_the_services_keep_both_names_of_a_topic():
    topic = topic_create(name=" Herintegratie ", name_en=" Reintegration ")
    topic_update(topic=topic, name="Herintegratie en terugkeer")

    topic.refresh_from_db()
    assert (topic.name, topic.name_en) == ("Herintegratie en terugkeer", "Reintegration")


def test_an_administrator_edits_both_names_of_a_topic(admin_client):
    topic = TopicFactory(name="Landeninformatie")
    url = reverse("admin:stakeholders_topic_change", args=[topic.pk])

    form = admin_client.get(url).content.decode()
    response = admin_client.post(url, {"name": "Landeninformatie", "name_en": "Country information"})

    assert 'name="name_en"' in form
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.name_en == "Country information"


def test_an_administrator_edits_both_names_of_a_tier(admin_client):
    tier = Tier.objects.get(code="key")

    form = admin_client.get(reverse("admin:stakeholders_tier_change", args=[tier.pk])).content.decode()

    assert 'name="name"' in form
    assert 'name="name_en"' in form


@pytest.mark.parametrize(
    ("language", "kind", "channel"), [("nl", "gemeente", "telefoongesprek"), ("en", "municipality", "phone call")]
)
def test_the_fixed_choices_follow_the_language(language, kind, channel):
    with translation.override(language):
        assert str(OrganisationKind.MUNICIPALITY.label) == kind
        assert str(Channel.CALL.label) == channel


@pytest.mark.parametrize(("language", "shown"), [("nl", "10 mei 2026"), ("en", "10 May 2026")])
def test_dates_name_their_month_in_both_languages(client, reader, language, shown):
    OrganisationFactory(next_contact_due_on=datetime.date(2026, 5, 10))
    client.force_login(reader)

    page = client.get(reverse("stakeholders:organisation-list"), HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert shown in page
    assert "05/10/2026" not in page and "10-5-2026" not in page
