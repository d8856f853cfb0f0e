"""Planning for a segment: a coordinator sets the liaison officer, tier or planned date of every organisation a
filter selects, through one service, from the organisation list and from admin."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext

from accounts import roles
from mail.models import OutboxMessage
from stakeholders import services
from stakeholders.mails import MailKind
from stakeholders.models import Organisation, Tier
from tests.factories import OrganisationFactory, TagFactory, UserFactory
from tests.sessions import SignedInClient

pytestmark = pytest.mark.django_db
IN_A_MONTH = timezone.localdate() + datetime.timedelta(days=30)


@pytest.fixture
def strategic():
    return Tier.objects.get_or_create(code="strategic", defaults={"name": "Strategisch", "cadence_days": 30})[0]


@pytest.fixture
def new_officer():
    return UserFactory(username="new-officer", role=roles.LIAISON_OFFICERS)


@pytest.fixture
def segment(liaison_officer):
    """Three municipalities, two of them the liaison officer's, and an NGO that is not in the segment."""
    municipalities = [
        OrganisationFactory(name="Gemeente Ede", kind="municipality", owner=liaison_officer),
        OrganisationFactory(name="Gemeente Epe", kind="municipality", owner=liaison_officer),
        OrganisationFactory(name="Gemeente Urk", kind="municipality", owner=None),
    ]
    municipalities[0].tags.add(TagFactory(name="Pilot"))
    OrganisationFactory(name="Stichting Buiten", kind="ngo")
    return municipalities


def municipalities():
    return Organisation.objects.filter(kind="municipality")


def everything() -> dict:
    return {
        "organisations": list(Organisation.objects.order_by("pk").values()),
        "history": Organisation.history.count(),
        "outbox": OutboxMessage.objects.count(),
    }


def test_a_coordinator_plans_a_segment_with_history_dates_and_one_mail_per_officer(
    coordinator, liaison_officer, new_officer, segment, strategic
):
    planned = services.organisations_plan(
        organisations=municipalities(), actor=coordinator, owner=new_officer, tier=strategic,
        next_contact_planned_on=IN_A_MONTH,
    )  # fmt: skip

    assert planned == 3
    for organisation in municipalities():
        assert (organisation.owner, organisation.tier, organisation.next_contact_planned_on) == (
            new_officer,
            strategic,
            IN_A_MONTH,
        )
        # Never contacted: the plan lies ahead, so it sets the due date, as for one organisation.
        assert organisation.next_contact_due_on == IN_A_MONTH
        latest = organisation.history.latest()
        assert (latest.history_user, latest.history_type, latest.owner_id) == (coordinator, "~", new_officer.pk)
    assert [tag.tag.name for tag in segment[0].history.latest().tags.all()] == ["Pilot"]
    assert Organisation.objects.get(name="Stichting Buiten").owner is None
    assigned = OutboxMessage.objects.get(kind=MailKind.OWNER_ASSIGNED)
    assert assigned.user == new_officer
    assert all(name in assigned.body_text for name in ("Gemeente Ede", "Gemeente Epe", "Gemeente Urk"))
    unassigned = OutboxMessage.objects.get(kind=MailKind.OWNER_UNASSIGNED)
    assert unassigned.user == liaison_officer
    assert "Gemeente Ede" in unassigned.body_text and "Gemeente Urk" not in unassigned.body_text


def test_a_tier_alone_moves_the_due_dates_and_tells_nobody(coordinator, segment, strategic):
    services.organisations_plan(organisations=municipalities(), actor=coordinator, tier=strategic)

    for organisation in municipalities():
        assert organisation.next_contact_due_on == timezone.localdate(organisation.created_at)
        assert organisation.tier == strategic
    assert not OutboxMessage.objects.exists()


def test_a_liaison_officer_or_reader_cannot_plan(liaison_officer, reader, segment, strategic):
    before = everything()

    for actor in (liaison_officer, reader):
        with pytest.raises(PermissionDenied):
            services.organisations_plan(organisations=municipalities(), actor=actor, tier=strategic)

    assert everything() == before


def test_a_planner_without_the_assign_permission_cannot_choose_the_officer(segment, new_officer, strategic):
    planner = UserFactory(username="planner")
    planner.user_permissions.add(Permission.objects.get(codename="plan_organisation"))
    before = everything()

    with pytest.raises(ValidationError) as refused:
        services.organisations_plan(organisations=municipalities(), actor=planner, owner=new_officer, tier=strategic)

    assert list(refused.value.message_dict) == ["owner"]
    assert everything() == before


@pytest.mark.parametrize(
    ("selection", "changes", "message"),
    [
        ("municipalities", {}, "Choose a liaison officer, a tier or a planned contact date."),
        ("none", {"next_contact_planned_on": IN_A_MONTH}, "The filters select no organisations."),
    ],
)
def test_a_plan_without_a_change_or_organisations_writes_nothing(coordinator, segment, selection, changes, message):
    before = everything()
    organisations = municipalities() if selection == "municipalities" else Organisation.objects.none()

    with pytest.raises(ValidationError) as refused:
        services.organisations_plan(organisations=organisations, actor=coordinator, **changes)

    assert refused.value.messages == [gettext(message)]
    assert everything() == before


def test_an_inactive_officer_is_refused_beside_the_field(coordinator, segment):
    gone = UserFactory(username="gone", is_active=False)

    with pytest.raises(ValidationError) as refused:
        services.organisations_plan(organisations=municipalities(), actor=coordinator, owner=gone)

    assert list(refused.value.message_dict) == ["owner"]


def plan_queries(count: int, *, actor, owner, tier) -> int:
    officers = UserFactory.create_batch(3)
    for number in range(count):
        OrganisationFactory(kind="government", owner=officers[number % 3]).tags.add(TagFactory())
    with CaptureQueriesContext(connection) as captured:
        services.organisations_plan(
            organisations=Organisation.objects.filter(kind="government", owner__in=officers), actor=actor,
            owner=owner, tier=tier, next_contact_planned_on=IN_A_MONTH,
        )  # fmt: skip
    return len(captured)


def test_planning_costs_the_same_queries_for_five_or_fifty_organisations(coordinator, new_officer, strategic):
    # The first plan reads the coordinator's permissions and the new officer's mail preferences once.
    plan_queries(3, actor=coordinator, owner=new_officer, tier=strategic)
    five = plan_queries(5, actor=coordinator, owner=new_officer, tier=strategic)
    fifty = plan_queries(50, actor=coordinator, owner=new_officer, tier=strategic)

    assert five == fifty
    # One per plan to the new officer, one per plan to each of the three previous officers.
    assert OutboxMessage.objects.filter(kind=MailKind.OWNER_ASSIGNED).count() == 3
    assert OutboxMessage.objects.filter(kind=MailKind.OWNER_UNASSIGNED).count() == 9


# The web UI: the organisation list's filters select the segment, every page of it.


def test_the_list_offers_planning_to_a_coordinator_only(client, coordinator, liaison_officer):
    client.force_login(coordinator)
    assert "/organisaties/plannen/?soort=gemeente" in client.get("/organisaties/?soort=gemeente").content.decode()
    client.force_login(liaison_officer)
    assert "/organisaties/plannen/" not in client.get("/organisaties/").content.decode()
    assert client.get("/organisaties/plannen/?soort=gemeente").status_code == 403


def test_a_coordinator_plans_every_organisation_the_filters_select_after_confirming_the_count(
    client, coordinator, new_officer, strategic
):
    client.force_login(coordinator)
    OrganisationFactory.create_batch(30, kind="municipality")
    OrganisationFactory(kind="ngo")

    page = client.get("/organisaties/plannen/?soort=gemeente&pagina=2")
    response = client.post(
        "/organisaties/plannen/?soort=gemeente&pagina=2",
        {"owner": new_officer.pk, "tier": strategic.pk, "next_contact_planned_on": IN_A_MONTH.isoformat(),
         "aantal": "30", "bevestigd": "on"},
    )  # fmt: skip

    assert "30 organisaties" in page.content.decode()
    assert response.status_code == 302 and response["Location"] == "/organisaties/?soort=gemeente"
    assert set(municipalities().values_list("owner", "tier", "next_contact_planned_on")) == {
        (new_officer.pk, strategic.pk, IN_A_MONTH)
    }
    assert Organisation.objects.get(kind="ngo").owner is None
    assert OutboxMessage.objects.filter(kind=MailKind.OWNER_ASSIGNED, user=new_officer).count() == 1


@pytest.mark.parametrize(
    ("query", "data"),
    [
        # An English code is an invalid filter, which the list would leave out: here it plans nothing.
        ("soort=municipality", {"aantal": "3"}),
        # One more organisation joined the segment since the count was shown.
        ("soort=gemeente", {"aantal": "2"}),
        ("soort=gemeente", {"aantal": "3", "next_contact_planned_on": "31-31-2026"}),
        ("soort=gemeente", {"aantal": "3", "bevestigd": ""}),
    ],
)
def test_the_page_refuses_a_bad_filter_count_or_date_and_writes_nothing(client, coordinator, segment, query, data):
    client.force_login(coordinator)
    before = everything()

    response = client.post(
        f"/organisaties/plannen/?{query}",
        {"bevestigd": "on", "next_contact_planned_on": IN_A_MONTH.isoformat(), **data},
    )

    assert response.status_code == 200
    assert response.context["form"].errors or not response.context["filters_valid"]
    assert everything() == before


# Admin: an action on the changelist, with the same form on an intermediate page.


def test_an_administrator_plans_the_selected_organisations_in_admin(admin_client, superuser, segment, new_officer):
    selected = [segment[0].pk, segment[2].pk]
    chosen = {"action": "plan_selected", "_selected_action": selected}

    page = admin_client.post("/admin/stakeholders/organisation/", chosen)
    response = admin_client.post(
        "/admin/stakeholders/organisation/",
        {**chosen, "plannen": "1", "owner": new_officer.pk, "aantal": "2", "bevestigd": "on"},
    )

    assert page.status_code == 200 and "Gemeente Urk" in page.content.decode()
    assert response.status_code == 302
    assert set(Organisation.objects.filter(owner=new_officer).values_list("pk", flat=True)) == set(selected)
    assert Organisation.objects.get(pk=selected[0]).history.latest().history_user == superuser
    assert OutboxMessage.objects.filter(kind=MailKind.OWNER_ASSIGNED, user=new_officer).count() == 1


def test_admin_without_the_plan_permission_has_no_plan_action(liaison_officer, segment):
    liaison_officer.is_staff = True
    liaison_officer.save()
    officer_admin = SignedInClient()
    officer_admin.force_login(liaison_officer)

    page = officer_admin.get("/admin/stakeholders/organisation/")

    assert page.status_code == 200 and "plan_selected" not in page.content.decode()
