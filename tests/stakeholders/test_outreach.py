"""The outreach jobs: who gets which mail, once, and what a job costs in queries."""

import re
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import roles
from mail.models import MailPreferences, OutboxMessage
from mail.outbox import outbox_enqueue
from stakeholders import outreach, retention, services
from stakeholders.mails import MailKind
from stakeholders.models import Contact, Interaction, OverdueCount
from tests.factories import (
    ContactFactory,
    FollowUpActionFactory,
    InteractionFactory,
    OrganisationFactory,
    UserFactory,
    survey_invitation_mails,
)

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 23)


def due(days_from_today: int, today: date = MONDAY) -> date:
    return today + timedelta(days=days_from_today)


def digest_of(user) -> OutboxMessage:
    return OutboxMessage.objects.get(user=user, kind=MailKind.OUTREACH_DIGEST)


def listed(message: OutboxMessage, names: list[str]) -> list[str]:
    """The names in the order the mail lists them."""
    return sorted((name for name in names if name in message.body_text), key=message.body_text.index)


def test_each_officer_gets_one_digest_with_exactly_their_due_organisations_most_overdue_first(
    liaison_officer, coordinator
):
    other_officer = UserFactory(role=roles.LIAISON_OFFICERS)
    OrganisationFactory(name="Due in three days", owner=liaison_officer, next_contact_due_on=due(3))
    OrganisationFactory(name="Ten days overdue", owner=liaison_officer, next_contact_due_on=due(-10))
    OrganisationFactory(name="Due today", owner=liaison_officer, next_contact_due_on=due(0))
    OrganisationFactory(name="Two days overdue", owner=liaison_officer, next_contact_due_on=due(-2))
    OrganisationFactory(name="Due in three weeks", owner=liaison_officer, next_contact_due_on=due(21))
    OrganisationFactory(name="Archived", owner=liaison_officer, next_contact_due_on=due(-30), status="archived")
    OrganisationFactory(name="Someone else's", owner=other_officer, next_contact_due_on=due(-1))
    OrganisationFactory(name="Nobody's", owner=None, next_contact_due_on=due(-5))
    all_names = ["Ten days overdue", "Two days overdue", "Due today", "Due in three days", "Due in three weeks",
                 "Archived", "Someone else's", "Nobody's"]  # fmt: skip

    assert outreach.outreach_digests_send(as_of=MONDAY) == 3

    mine = digest_of(liaison_officer)
    assert listed(mine, all_names) == ["Ten days overdue", "Two days overdue", "Due today", "Due in three days"]
    assert mine.subject == "Contactmomenten: 2 achterstallig, 2 deze week"
    assert "/contact-vastleggen/" in mine.body_html
    assert listed(digest_of(other_officer), all_names) == ["Someone else's"]
    assert listed(digest_of(coordinator), all_names) == ["Nobody's"]
    assert "Nobody's: 5 dagen te laat" in digest_of(coordinator).body_text


def test_a_digest_lists_the_25_most_overdue_with_the_total_and_a_link_to_all_of_them(
    liaison_officer, coordinator, client
):
    today = timezone.localdate()  # the web UI's list filters as of today
    for days in range(30):
        OrganisationFactory(
            name=f"Overdue {days:02d}", owner=liaison_officer, next_contact_due_on=due(-1 - days, today)
        )
    OrganisationFactory(name="Due tomorrow", owner=liaison_officer, next_contact_due_on=due(1, today))
    OrganisationFactory(name="Nobody's", owner=None, next_contact_due_on=due(-5, today))

    outreach.outreach_digests_send(as_of=today)

    digest = digest_of(liaison_officer)
    names = [f"Overdue {days:02d}" for days in range(30)]
    assert listed(digest, [*names, "Due tomorrow"]) == names[::-1][:25]
    assert "25 van 30" in digest.body_text and "25 van 30" in digest.body_html  # the officer reads Dutch
    more = re.search(r"https?://\S+contactplanning=teLaat\S*", digest.body_text).group(0)
    client.force_login(liaison_officer)
    page = client.get(more.removeprefix(settings.SITE_URL))
    assert [organisation.name for organisation in page.context["page"]][:25] == names[::-1][:25]
    assert page.context["page"].paginator.count == 30
    # The coordinators' digest lists the organisation without an officer in full: nothing was cut there.
    assert "Nobody's" in digest_of(coordinator).body_text and "of 1" not in digest_of(coordinator).body_text


def test_a_digest_run_twice_writes_nothing_new(liaison_officer):
    OrganisationFactory(owner=liaison_officer, next_contact_due_on=due(-1))
    assert outreach.outreach_digests_send(as_of=MONDAY) == 1
    assert outreach.outreach_digests_send(as_of=MONDAY) == 0
    assert OutboxMessage.objects.count() == 1


def test_a_weekly_digest_comes_once_a_week_and_a_switched_off_one_never(liaison_officer):
    MailPreferences.objects.create(user=liaison_officer, digest_frequency="weekly")
    switched_off = UserFactory(role=roles.LIAISON_OFFICERS)
    MailPreferences.objects.create(user=switched_off, digest_frequency="off")
    for owner in (liaison_officer, switched_off):
        OrganisationFactory(owner=owner, next_contact_due_on=due(-1))
    for day in range(7):
        outreach.outreach_digests_send(as_of=due(day))
    assert OutboxMessage.objects.filter(user=liaison_officer).count() == 1
    assert not OutboxMessage.objects.filter(user=switched_off).exists()
    outreach.outreach_digests_send(as_of=due(7))
    assert OutboxMessage.objects.filter(user=liaison_officer).count() == 2


def test_the_organisations_of_an_officer_who_left_go_to_the_coordinators(coordinator):
    officer = UserFactory(role=roles.LIAISON_OFFICERS, is_active=False)
    OrganisationFactory(name="Left behind", owner=officer, next_contact_due_on=due(-1))
    assert outreach.outreach_digests_send(as_of=MONDAY) == 1
    assert listed(digest_of(coordinator), ["Left behind"]) == ["Left behind"]
    assert not OutboxMessage.objects.filter(user=officer).exists()


def test_a_digest_is_in_the_officers_language(liaison_officer):
    MailPreferences.objects.create(user=liaison_officer, language="nl")
    OrganisationFactory(owner=liaison_officer, next_contact_due_on=due(-1))
    outreach.outreach_digests_send(as_of=MONDAY)
    assert digest_of(liaison_officer).subject == "Contactmomenten: 1 achterstallig, 0 deze week"


@pytest.mark.parametrize("job", [outreach.outreach_digests_send, outreach.follow_up_reminders_send])
def test_the_due_scan_costs_the_same_queries_for_two_or_twenty_organisations(job, liaison_officer, coordinator):
    def queries_for(count: int) -> int:
        OutboxMessage.objects.all().delete()
        for _ in range(count):
            organisation = OrganisationFactory(owner=liaison_officer, next_contact_due_on=due(-1))
            FollowUpActionFactory(
                interaction=InteractionFactory(organisation=organisation), assignee=liaison_officer, due_on=due(0)
            )
        OrganisationFactory(owner=None, next_contact_due_on=due(-1))
        with CaptureQueriesContext(connection) as queries:
            job(as_of=MONDAY)
        return len(queries)

    assert queries_for(2) == queries_for(20)


def test_follow_up_reminders_list_open_actions_due_today_or_overdue_per_assignee(liaison_officer):
    FollowUpActionFactory(description="Overdue", assignee=liaison_officer, due_on=due(-3))
    FollowUpActionFactory(description="Today", assignee=liaison_officer, due_on=due(0))
    FollowUpActionFactory(description="Tomorrow", assignee=liaison_officer, due_on=due(1))
    FollowUpActionFactory(description="Done already", assignee=liaison_officer, due_on=due(-1), done_at=timezone.now())
    FollowUpActionFactory(description="Nobody's", assignee=None, due_on=due(-1))

    assert outreach.follow_up_reminders_send(as_of=MONDAY) == 1
    assert outreach.follow_up_reminders_send(as_of=MONDAY) == 0
    reminder = OutboxMessage.objects.get()
    assert reminder.user == liaison_officer
    assert listed(reminder, ["Overdue", "Today", "Tomorrow", "Done already", "Nobody's"]) == ["Overdue", "Today"]


def test_the_coordinator_summary_counts_contacts_per_kind_and_compares_overdue_with_last_week(
    liaison_officer, coordinator
):
    municipality = OrganisationFactory(kind="municipality", owner=liaison_officer, next_contact_due_on=due(-1))
    moment = timezone.make_aware(timezone.datetime(2026, 11, 20, 10))
    InteractionFactory.create_batch(3, organisation=municipality, occurred_at=moment)
    InteractionFactory(organisation=municipality, occurred_at=moment - timedelta(days=7))
    OverdueCount.objects.create(taken_on=due(-7), owner=liaison_officer, count=4)

    assert outreach.coordinator_summary_send(as_of=MONDAY) == 1
    assert outreach.coordinator_summary_send(as_of=MONDAY) == 0
    summary = OutboxMessage.objects.get(kind=MailKind.COORDINATOR_SUMMARY)
    assert summary.user == coordinator
    assert "gemeente: 3 (+2)" in summary.body_text
    assert f"{liaison_officer.get_full_name()}: 1 (-3)" in summary.body_text
    assert OverdueCount.objects.get(taken_on=MONDAY, owner=liaison_officer).count == 1


def test_a_new_owner_hears_of_their_organisation_once(liaison_officer):
    organisation = OrganisationFactory(owner=None)
    services.organisation_update(organisation=organisation, actor=None, owner=liaison_officer)
    services.organisation_update(organisation=organisation, actor=None, owner=liaison_officer, notes="changed")
    message = OutboxMessage.objects.get()
    assert (message.user, message.kind) == (liaison_officer, MailKind.OWNER_ASSIGNED)
    assert organisation.name in message.subject


def test_retention_is_off_by_default():
    InteractionFactory(occurred_at=timezone.now() - timedelta(days=4000), notes="Persoonlijk")
    assert retention.retention_apply() == {"interaction": 0, "contact": 0, "outbox": 0, "audit": 0}
    assert Interaction.objects.get().notes == "Persoonlijk"


def test_retention_anonymises_old_interactions_and_inactive_contacts_with_their_history(settings):
    settings.RETENTION_DAYS = {"interaction": 365, "contact": 365, "outbox": 30}
    old_contact = ContactFactory(first_name="Jan", last_name="Jansen", email="jan@partner.example", is_active=False)
    Contact.objects.filter(pk=old_contact.pk).update(updated_at=timezone.now() - timedelta(days=400))
    recent_contact = ContactFactory(is_active=False)
    old = services.interaction_log(
        organisation=old_contact.organisation,
        logged_by=None,
        channel="call",
        occurred_at=timezone.now() - timedelta(days=400),
        subject="Gesprek met Jan",
        notes="Jan vertelde over zijn gezondheid",
        contacts=[old_contact],
    )
    recent = InteractionFactory(organisation=old_contact.organisation, notes="Recent")

    outbox_enqueue(mails=survey_invitation_mails([ContactFactory(is_active=True)]))
    OutboxMessage.objects.update(contact=old_contact)
    assert retention.retention_apply() == {"interaction": 1, "contact": 1, "outbox": 0, "audit": 0}
    assert not OutboxMessage.objects.exists(), "the anonymised contact's mails go too"
    assert retention.retention_apply() == {"interaction": 0, "contact": 0, "outbox": 0, "audit": 0}

    old.refresh_from_db()
    assert (old.notes, old.contacts.count(), old.anonymised_at is not None) == ("", 0, True)
    assert not Interaction.history.filter(id=old.id, notes__contains="Jan").exists()
    assert not Contact.history.filter(id=old_contact.id, email="jan@partner.example").exists()
    old_contact.refresh_from_db()
    assert (old_contact.first_name, old_contact.email) == ("", "")
    recent_contact.refresh_from_db()
    recent.refresh_from_db()
    assert recent_contact.anonymised_at is None and recent.notes == "Recent"
    assert Interaction.objects.count() == 2, "statistics keep every interaction"


def test_run_job_runs_a_job_now_and_lists_them(liaison_officer, capsys):
    OrganisationFactory(owner=liaison_officer, next_contact_due_on=timezone.localdate())
    call_command("run_job", "outreach-digest")
    assert "outreach-digest: 1" in capsys.readouterr().out
    call_command("run_job", "--list")
    listing = capsys.readouterr().out
    assert all(name in listing for name in ["outbox-sweep", "outreach-digest", "retention"])
