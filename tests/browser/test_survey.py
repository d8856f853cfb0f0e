"""A respondent in a real browser: the personal link, the start button, the answers, the thanks, in their language."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from surveys.models import Invitation
from tests.surveys.helpers import personal_link


@pytest.fixture(autouse=True)
def fresh_link_throttle():
    cache.clear()


def test_it_takes_a_respondent_from_the_link_to_the_thanks_in_their_language(page, world):
    invitation = world.invitations["en"]  # the browser asks for Dutch; the contact's language wins
    page.goto(personal_link(invitation))
    expect(page.locator("html")).to_have_attribute("lang", "en")

    with page.expect_response(lambda response: response.request.method == "POST") as started:
        page.locator("main form button[type=submit]").click()
    assert started.value.status == 302, f"the start button got {started.value.status}"
    expect(page).to_have_url(re.compile(r"/s/$"))
    page.locator("input[name=q_overall_grade][value='8']").check()
    with page.expect_response(lambda response: response.request.method == "POST") as sent:
        page.locator("button[name=submit]").click()
    assert sent.value.status == 302, f"sending the answers got {sent.value.status}"

    expect(page).to_have_url(re.compile(r"/s/bedankt/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert Invitation.objects.get(pk=invitation.pk).answered_on is not None


def test_a_refused_send_puts_the_focus_on_the_error_summary_with_its_heading_above_its_list(page, world):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(personal_link(world.invitations["nl"]))
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/s/$"))

    page.locator("button[name=submit]").click()  # nothing answered: the grade is required

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    heading, first_error = summary.locator("h2").bounding_box(), summary.locator("li").first.bounding_box()
    assert heading["y"] + heading["height"] <= first_error["y"], "the heading sits above the list, not beside it"
    assert Invitation.objects.get(pk=world.invitations["nl"].pk).answered_on is None
