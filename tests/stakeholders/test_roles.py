import pytest

pytestmark = pytest.mark.django_db


def test_liaison_officer_logs_interactions_but_deletes_nothing(liaison_officer):
    assert liaison_officer.has_perms(["stakeholders.add_interaction", "stakeholders.change_organisation"])
    assert not liaison_officer.has_perm("stakeholders.delete_organisation")
    assert not liaison_officer.has_perm("stakeholders.change_tier")


def test_coordinator_manages_reference_data(coordinator):
    assert coordinator.has_perms(["stakeholders.change_tier", "stakeholders.add_topic"])
    assert not coordinator.has_perm("stakeholders.delete_contact")


@pytest.mark.parametrize("user", ["researcher", "reader"])
def test_researchers_and_readers_only_read(request, user):
    member = request.getfixturevalue(user)

    assert member.has_perm("stakeholders.view_organisation")
    assert not member.has_perm("stakeholders.add_interaction")
    assert not member.has_perm("stakeholders.change_contact")


def test_outsider_has_no_permissions(outsider):
    assert not outsider.get_all_permissions()
