import io

import pytest
from django.core.management import call_command

from stakeholders.models import Contact, FollowUpAction, Interaction, Organisation, OrganisationRelation

pytestmark = pytest.mark.django_db

AS_OF = "2026-06-01"


def seed(count=25, seed_value=7):
    call_command(
        "seed_demo", f"--organisations={count}", f"--seed={seed_value}", f"--as-of={AS_OF}", stdout=io.StringIO()
    )


def rows(queryset, *fields):
    return sorted(queryset.values_list(*fields))


def snapshot():
    return {
        "organisations": rows(
            Organisation.objects,
            "name",
            "kind",
            "scope",
            "kvk_number",
            "cbs_municipality_code",
            "owner__username",
            "tier__code",
            "parent__name",
            "next_contact_due_on",
        ),  # fmt: skip
        "contacts": rows(Contact.objects, "organisation__name", "first_name", "last_name", "email", "level"),
        "interactions": rows(
            Interaction.objects, "organisation__name", "occurred_at", "channel", "subject", "sentiment"
        ),
        "participants": rows(Interaction.contacts.through.objects, "interaction__subject", "contact__email"),
        "follow_ups": rows(FollowUpAction.objects, "interaction__organisation__name", "description", "due_on"),
        "relations": rows(OrganisationRelation.objects, "source__name", "kind", "target__name"),
    }


def test_seed_demo_gives_a_mixed_network_with_history():
    seed()

    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert {"municipality", "ngo", "government", "international", "private_partner"} <= kinds
    assert Organisation.objects.filter(name="Gemeente Amsterdam", cbs_municipality_code="GM0363").exists()
    assert set(Contact.objects.values_list("level", flat=True)) == {"operational", "policy", "executive"}
    assert Interaction.objects.count() > 50
    assert FollowUpAction.objects.exists()
    assert OrganisationRelation.objects.exists()
    assert Organisation.objects.filter(owner__groups__name="Liaison officers").distinct().count() > 10
    assert all(email.endswith(".example") for email in Contact.objects.values_list("email", flat=True))


def test_seed_demo_twice_adds_nothing():
    seed()
    first = snapshot()

    seed()

    assert snapshot() == first


def test_same_seed_gives_the_same_data():
    seed()
    first = snapshot()
    for model in (FollowUpAction, Interaction, Contact, OrganisationRelation, Organisation):
        model.objects.all().delete()

    seed()

    assert snapshot() == first


def test_another_seed_gives_other_data():
    seed(seed_value=7)
    first = snapshot()
    Interaction.objects.all().delete()
    Organisation.objects.all().delete()

    seed(seed_value=8)

    assert snapshot() != first


def test_larger_count_extends_an_earlier_run():
    seed(count=10)
    small = set(Organisation.objects.values_list("name", flat=True))

    seed(count=25)

    assert small < set(Organisation.objects.values_list("name", flat=True))
    assert Organisation.objects.count() == 25


def test_the_demo_has_last_years_closed_round_at_7_1_and_an_open_round():
    from surveys.models import SurveyRound
    from surveys.selectors import round_results

    seed(count=60)
    seed(count=60)
    closed, open_round = SurveyRound.objects.get(status="closed"), SurveyRound.objects.get(status="open")
    assert closed.name.endswith("2025") and open_round.name.endswith("2026")
    grade = next(
        result for result in round_results(survey_round=closed).questions if result.question.code == "overall_grade"
    )
    assert (grade.overall.n, grade.overall.mean) == (60, 7.1)
