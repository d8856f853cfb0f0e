"""A researcher's round in the browser, without admin: set it up, choose its contacts with the contact list's
filters, schedule it and follow its progress; every page of the research workspace passes axe and fits 320 px."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from surveys.models import Invitation, RoundStatus, SurveyRound
from surveys.services import survey_rounds_advance
from surveys.workspace import target_filter_names_by_field
from tests.browser.conftest import assert_accessible, assert_reflows

KIND = target_filter_names_by_field()["organisation__kind"]
PHONE = {"width": 390, "height": 844}
# The world's NGOs: VluchtelingenWerk Nederland (2 contacts), Leger des Heils (2) and Stichting Nidos (1).
NGO_CONTACTS = 5


def checked(page: Page) -> None:
    """axe finds nothing on the page as it is, and it does not scroll sideways at 320 px."""
    assert_accessible(page)
    assert_reflows(page)


def send(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_a_researcher_sets_up_a_round_chooses_its_contacts_schedules_it_and_follows_it(
    page, logged_in, world, researcher, screenshot
):
    logged_in(researcher).goto("/enquetes/")
    checked(page)

    page.get_by_role("link", name="Nieuwe enquêteronde").click()
    expect(page).to_have_url(re.compile(r"/enquetes/nieuw/$"))
    checked(page)
    send(page, "Opslaan")
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("[name=name]")).to_have_attribute("aria-invalid", "true")
    checked(page)
    assert not SurveyRound.objects.filter(status=RoundStatus.DRAFT).exclude(pk=world.draft_round.pk).exists()

    page.locator("[name=name]").fill("Partnerpeiling najaar")
    page.locator("select[name=questionnaire]").select_option(label="Testvragenlijst")
    # Opening now: the rounds job opens it as soon as it is scheduled.
    page.locator("[name=opens_at]").fill(local(timezone.now()))
    page.locator("[name=closes_at]").fill(local(timezone.now() + timedelta(days=21)))
    send(page, "Opslaan")
    survey_round = SurveyRound.objects.get(name="Partnerpeiling najaar")
    expect(page).to_have_url(re.compile(rf"/enquetes/{survey_round.pk}/doelgroep/$"))
    checked(page)

    page.locator(f"select[name={KIND}]").select_option("ngo")
    send(page, "Contactpersonen tonen")
    expect(page.locator("#matching")).to_have_text(f"{NGO_CONTACTS} contactpersonen zouden worden uitgenodigd")
    expect(page.locator("[aria-labelledby=matching] tbody tr")).to_have_count(NGO_CONTACTS)
    checked(page)
    screenshot(page, "research-target")

    send(page, "Deze filters opslaan als doelgroep")
    expect(page).to_have_url(re.compile(rf"/enquetes/{survey_round.pk}/$"))
    page.get_by_role("link", name="Wijzigen").click()
    checked(page)
    page.go_back()
    send(page, "Goedkeuren en inplannen")
    expect(page.locator(".utrecht-status-badge")).to_have_text("ingepland")
    checked(page)
    survey_round.refresh_from_db()
    assert (survey_round.status, survey_round.target_filter) == (RoundStatus.SCHEDULED, {KIND: "ngo"})

    survey_rounds_advance()  # the rounds job, as the worker runs it every ten minutes
    page.reload()
    invited = page.locator("[aria-labelledby=progress] dd").first
    expect(invited).to_have_text(str(NGO_CONTACTS))
    expect(page.locator("[aria-labelledby=people] tbody tr")).to_have_count(NGO_CONTACTS)
    assert Invitation.objects.filter(round=survey_round).count() == NGO_CONTACTS
    checked(page)
    screenshot(page, "research-round")
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    screenshot(page, "research-round-phone")
    page.set_viewport_size(size)

    page.get_by_role("link", name="Nu sluiten").click()
    expect(page).to_have_url(re.compile(rf"/enquetes/{survey_round.pk}/sluiten/$"))
    checked(page)
