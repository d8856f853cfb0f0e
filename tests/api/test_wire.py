"""One language on the wire: every name and code the API shows comes from the apps' wire modules, and nothing
English gets through."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from rest_framework.serializers import ChoiceField

from crm.api.serializers import StrictModelSerializer, WireChoiceField
from crm.api.wire import Codes
from stakeholders import wire
from stakeholders.api.serializers import ContactSerializer, InteractionSerializer, OrganisationSerializer
from stakeholders.models import Organisation, OrganisationKind, Scope
from tests.api.test_organisations import assert_problem
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_codes_refuse_a_stored_value_without_a_code_or_two_values_with_one():
    with pytest.raises(ImproperlyConfigured):
        Codes(Scope.choices, {Scope.LOCAL: "lokaal", Scope.NATIONAL: "landelijk"})
    with pytest.raises(ImproperlyConfigured):
        Codes(Scope.choices, {Scope.LOCAL: "lokaal", Scope.NATIONAL: "lokaal", Scope.INTERNATIONAL: "internationaal"})


def test_a_serializer_that_forgets_the_codes_of_a_choice_does_not_start():
    class Forgetful(StrictModelSerializer):
        class Meta:
            model = Organisation
            fields = ["id", "kind"]

    with pytest.raises(ImproperlyConfigured):
        Forgetful().fields  # noqa: B018 (building the fields is what fails)


def test_every_choice_of_the_serializers_goes_by_its_dutch_code_and_keeps_the_model_value():
    fields = OrganisationSerializer().fields
    kind = fields["soort"]

    assert isinstance(kind, WireChoiceField) and kind.source == "kind"
    assert kind.to_representation(OrganisationKind.PRIVATE_PARTNER) == "particulierePartner"
    assert kind.to_internal_value("particulierePartner") == "private_partner"
    assert set(kind.choices) == set(wire.ORGANISATION_KIND.by_code)
    for serializer in (OrganisationSerializer(), ContactSerializer(), InteractionSerializer()):
        choices = {name: field for name, field in serializer.fields.items() if isinstance(field, ChoiceField)}
        assert all(isinstance(field, WireChoiceField) for name, field in choices.items() if name != "sentiment")


def test_a_services_refusal_names_the_field_as_the_wire_does(liaison_officer, api):
    organisation = OrganisationFactory(owner=liaison_officer)

    response = api.patch(f"/api/v1/organisaties/{organisation.pk}", {"relatiebeheerder": None}, format="json")

    assert_problem(response, 400, "relatiebeheerder")
