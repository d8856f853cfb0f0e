"""The liaison officer's day in the browser: log in, see what is overdue, log a contact with a follow-up from the
dashboard, complete the follow-up, switch language; and a reader who can look but not change anything."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from stakeholders.models import FollowUpAction, Interaction

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's


def send(page: Page) -> None:
    """Press the main form's button (the header holds forms too: language and logging out)."""
    page.locator("main form[method=post] button[type=submit]").click()


def log_form(organisation) -> str:
    return f"/organisaties/{organisation.pk}/contact-vastleggen/"


def test_it_logs_an_officer_in_through_the_form_onto_the_dashboard_with_the_overdue_organisation_first(
    page, world, live_server
):
    page.goto("/login/")
    page.locator("[name=username]").fill("officer")
    page.locator("[name=password]").fill(PASSWORD)
    send(page)

    expect(page).to_have_url(f"{live_server.url}/")
    rows = page.locator("[aria-labelledby=my-organisations] tbody tr")
    expect(rows).to_have_count(4)
    first = rows.first
    expect(first.locator(f"a[href='/organisaties/{world['Gemeente Utrecht'].pk}/']")).to_be_visible()
    expect(first.locator(".utrecht-status-badge--danger")).to_be_visible()
    expect(first.locator(f"a[href='{log_form(world['Gemeente Utrecht'])}']")).to_be_visible()


def test_it_logs_a_contact_with_a_follow_up_from_the_dashboard_in_at_most_three_steps(page, logged_in, world):
    organisation, contact, officer = world["Gemeente Utrecht"], world.contact, world.officer
    due_on = timezone.localdate() + timedelta(days=14)
    logged_in(officer).goto("/")
    steps = []
    page.on("framenavigated", lambda frame: frame == page.main_frame and steps.append(frame.url))

    page.locator(f"main a[href='{log_form(organisation)}']").first.click()
    page.locator(f"input[name=contacts][value='{contact.pk}']").check()
    page.locator("select[name=channel]").select_option("call")
    page.locator("[name=subject]").fill("Telefonisch overleg over de wachtlijst")
    page.locator("[name=notes]").fill("De gemeente zoekt extra woonruimte voor statushouders.")
    page.locator("[name=vervolg-0-description]").fill("Overzicht beschikbare woningen opvragen")
    page.locator("select[name=vervolg-0-assignee]").select_option(str(officer.pk))
    page.locator("[name=vervolg-0-due_on]").fill(due_on.isoformat())
    send(page)

    expect(page).to_have_url(re.compile(rf"/organisaties/{organisation.pk}/#tijdlijn$"))
    expect(page.locator("#tijdlijn")).to_contain_text("Telefonisch overleg over de wachtlijst")
    follow_up = FollowUpAction.objects.get(description="Overzicht beschikbare woningen opvragen")
    assert (follow_up.assignee, follow_up.due_on, follow_up.done_at) == (officer, due_on, None)
    assert list(follow_up.interaction.contacts.all()) == [contact]
    open_list = page.locator("[aria-labelledby=follow-ups]")
    expect(open_list).to_contain_text("Overzicht beschikbare woningen opvragen")
    expect(open_list.locator(f"form[action='/vervolgacties/{follow_up.pk}/afronden/']")).to_have_count(1)
    assert len(steps) <= 3, steps


def test_it_shows_each_error_beside_its_field_and_a_summary_on_top_and_writes_nothing(page, logged_in, world):
    logged_in(world.officer).goto(log_form(world["Gemeente Utrecht"]))
    interactions = Interaction.objects.count()

    page.locator("[name=vervolg-0-due_on]").fill((timezone.localdate() + timedelta(days=7)).isoformat())
    send(page)

    summary = page.locator(".error-summary")
    expect(summary).to_have_attribute("role", "alert")
    expect(summary.locator("a[href='#id_subject']")).to_be_visible()
    expect(summary.locator("a[href='#id_vervolg-0-description']")).to_be_visible()
    assert summary.bounding_box()["y"] < page.locator("[name=subject]").bounding_box()["y"], "the summary is on top"
    for name in ("subject", "vervolg-0-description"):
        field = page.locator(f"[name='{name}']")
        expect(field).to_have_attribute("aria-invalid", "true")
        described_by = field.get_attribute("aria-describedby") or ""
        messages = [page.locator(f"[id='{id_}']").inner_text().strip() for id_ in described_by.split()]
        assert any(messages), f"{name} is described by {described_by!r}, which holds no message"
    assert Interaction.objects.count() == interactions


def test_it_completes_a_follow_up_with_its_done_button(page, logged_in, world):
    done_form = f"form[action='/vervolgacties/{world.follow_up.pk}/afronden/']"
    logged_in(world.officer).goto("/")

    page.locator(f"{done_form} button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator(done_form)).to_have_count(0)
    world.follow_up.refresh_from_db()
    assert world.follow_up.done_at is not None


def test_it_switches_to_english_and_back_to_dutch(page, logged_in, world):
    logged_in(world.officer).goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")

    page.locator("button[name=language][value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/$"))

    page.locator("button[name=language][value=nl]").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")


CHANGING = [
    "a[href$='/bewerken/']",
    "a[href$='/nieuw/']",
    "a[href*='contact-vastleggen']",
    "a[href$='/wissen/']",
    "form[action*='/afronden/']",
]


def test_it_shows_a_reader_no_button_that_changes_anything(page, logged_in, world, reader):
    organisation = world["Gemeente Utrecht"]
    logged_in(reader)

    for url, heading in [
        ("/", None),
        ("/organisaties/", None),
        (f"/organisaties/{organisation.pk}/", organisation.name),
        (f"/contactpersonen/{world.contact.pk}/", world.contact.full_name),
    ]:
        assert page.goto(url).status == 200
        if heading:
            expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        for selector in CHANGING:
            expect(page.locator(f"main {selector}"), f"{selector} on {url}").to_have_count(0)


def test_it_refuses_a_reader_the_forms_that_change_anything(page, logged_in, world, reader):
    organisation = world["Gemeente Utrecht"]
    logged_in(reader)

    for url in [
        f"/organisaties/{organisation.pk}/bewerken/",
        "/organisaties/nieuw/",
        log_form(organisation),
        f"/contactpersonen/{world.contact.pk}/bewerken/",
    ]:
        assert page.goto(url).status == 403, url
