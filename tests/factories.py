from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

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
from surveys.models import Invitation, Question, Questionnaire, SurveyRound


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    email = factory.LazyAttribute(lambda user: f"{user.username}@agency.example")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"Label {n}")


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Onderwerp {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Stichting Voorbeeld {n}")
    kind = "ngo"
    scope = "local"
    city = "Utrecht"
    # get_or_create: the tier comes from a data migration, which tests that flush the database remove.
    tier = factory.LazyFunction(
        lambda: Tier.objects.get_or_create(code="regular", defaults={"name": "Regulier", "cadence_days": 180})[0]
    )


class OrganisationRelationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationRelation

    source = factory.SubFactory(OrganisationFactory)
    target = factory.SubFactory(OrganisationFactory)
    kind = "partner_of"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    organisation = factory.SubFactory(OrganisationFactory)
    first_name = factory.Faker("first_name", locale="nl_NL")
    name_prefix = ""
    last_name = factory.Faker("last_name", locale="nl_NL")
    email = factory.Sequence(lambda n: f"contact{n}@partner.example")
    level = "operational"


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    organisation = factory.SubFactory(OrganisationFactory)
    channel = "meeting"
    occurred_at = factory.LazyFunction(timezone.now)
    subject = factory.Sequence(lambda n: f"Overleg {n}")


class FollowUpActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUpAction

    interaction = factory.SubFactory(InteractionFactory)
    description = "Verslag rondsturen"


def questionnaire_with_questions() -> Questionnaire:
    """A small questionnaire with one question of each kind, independent of the default one."""
    questionnaire = Questionnaire.objects.create(name="Testvragenlijst")
    Question.objects.bulk_create(
        [
            Question(questionnaire=questionnaire, position=1, code="overall_grade", kind="grade",
                     text_nl="Rapportcijfer", text_en="Overall grade", required=True),
            Question(questionnaire=questionnaire, position=2, code="reliability", kind="likert",
                     text_nl="De dienst is betrouwbaar.", text_en="The agency is reliable."),
            Question(questionnaire=questionnaire, position=3, code="directing_role", kind="choice",
                     text_nl="Regierol", text_en="Directing role",
                     choices=[{"value": "right", "nl": "Passend", "en": "Right"},
                              {"value": "too_little", "nl": "Te weinig", "en": "Too little"}]),
            Question(questionnaire=questionnaire, position=4, code="wishes", kind="text",
                     text_nl="Wensen", text_en="Wishes"),
        ]
    )  # fmt: skip
    return questionnaire


class SurveyRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyRound

    name = factory.Sequence(lambda n: f"Reputatieonderzoek {2020 + n}")
    questionnaire = factory.LazyFunction(questionnaire_with_questions)
    status = "open"
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    round = factory.SubFactory(SurveyRoundFactory)
    contact = factory.SubFactory(ContactFactory)


def survey_invitation_mails(contacts) -> list:
    """Invitation mails of one open round to these contacts, as the rounds job writes them."""
    from surveys.services import invitation_mail

    survey_round = SurveyRound.objects.filter(status="open").first() or SurveyRoundFactory()
    Invitation.objects.bulk_create(
        [Invitation(round=survey_round, contact=contact) for contact in contacts], ignore_conflicts=True
    )
    invitations = Invitation.objects.filter(round=survey_round, contact__in=contacts).select_related(
        "round", "contact__organisation"
    )
    return [invitation_mail(invitation) for invitation in invitations]
