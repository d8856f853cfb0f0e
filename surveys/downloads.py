"""The columns of the survey lists' downloads (crm/web/exports.py): what each page shows, with the ids a spreadsheet
needs to find a row back."""

from operator import attrgetter

from django.utils.translation import gettext_lazy as _

from crm.web.exports import Column

from .models import RoundStatus

ROUND_COLUMNS = [
    Column(_("id"), attrgetter("pk")),
    Column(_("round"), attrgetter("name")),
    Column(_("questionnaire"), lambda survey_round: str(survey_round.questionnaire)),
    Column(_("status"), attrgetter("status"), labels=RoundStatus.choices),
    Column(_("opens at"), attrgetter("opens_at")),
    Column(_("closes at"), attrgetter("closes_at")),
    Column(_("invitations"), attrgetter("invitation_count")),
    Column(_("responses"), attrgetter("response_count")),
]

# Before a round opens: the contacts it will invite (selectors.round_targets).
TARGET_COLUMNS = [
    Column(_("contact person id"), attrgetter("pk")),
    Column(_("contact person"), attrgetter("full_name")),
    Column(_("organisation id"), attrgetter("organisation_id")),
    Column(_("organisation"), attrgetter("organisation.name")),
]

# Once it has opened: its invitations (selectors.round_invitations).
INVITATION_COLUMNS = [
    Column(_("contact person id"), attrgetter("contact_id")),
    Column(_("contact person"), attrgetter("contact.full_name")),
    Column(_("organisation id"), attrgetter("contact.organisation_id")),
    Column(_("organisation"), attrgetter("contact.organisation.name")),
    Column(_("answered"), lambda invitation: invitation.answered_on is not None),
]
