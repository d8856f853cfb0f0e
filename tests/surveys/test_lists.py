"""Survey lists, in the API and in admin, cost the same number of queries for few rows and for many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mail.outbox import outbox_enqueue
from tests.api.clients import token_client
from tests.factories import ContactFactory, InvitationFactory, SurveyRoundFactory, survey_invitation_mails

pytestmark = pytest.mark.django_db


def queries(get) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert get().status_code == 200
    return len(captured)


def test_the_api_list_of_rounds_costs_the_same_queries_for_two_or_twenty(reader):
    api = token_client(reader, read_only=True)
    SurveyRoundFactory.create_batch(2)
    api.get("/api/v1/enquete-rondes")  # a first call stamps the token and caches its permissions
    two = queries(lambda: api.get("/api/v1/enquete-rondes?paginaGrootte=50"))
    SurveyRoundFactory.create_batch(18)
    assert queries(lambda: api.get("/api/v1/enquete-rondes?paginaGrootte=50")) == two


@pytest.mark.parametrize(
    "url", ["/admin/surveys/surveyround/", "/admin/surveys/invitation/", "/admin/mail/outboxmessage/"]
)
def test_admin_lists_cost_the_same_queries_for_two_or_twenty(admin_client, url):
    def add(count):
        InvitationFactory.create_batch(count)
        outbox_enqueue(mails=survey_invitation_mails(ContactFactory.create_batch(count)))

    add(2)
    two = queries(lambda: admin_client.get(url))
    add(18)
    assert queries(lambda: admin_client.get(url)) == two
