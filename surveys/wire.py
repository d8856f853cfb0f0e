"""The Dutch names of this app's things on the wire (crm/api/wire.py says why and how); docs/api.md has the English
glossary. Names are snake_case here and camelCase on the wire."""

from crm.api.wire import Codes

from .models import QuestionKind, RoundStatus
from .selectors import BREAKDOWNS

SURVEY_ROUND = {
    "name": "naam",
    "questionnaire": "vragenlijst",
    "opens_at": "opent_op",
    "closes_at": "sluit_op",
    "min_group_size": "minimale_groepsgrootte",
    "invitation_count": "aantal_uitnodigingen",
    "response_count": "aantal_respondenten",
    "interview_responses": "aantal_interviews",
}
ROUND_STATUS = Codes(
    RoundStatus.choices,
    {
        RoundStatus.DRAFT: "concept",
        RoundStatus.SCHEDULED: "ingepland",
        RoundStatus.OPEN: "open",
        RoundStatus.CLOSED: "gesloten",
    },
)
QUESTION_KIND = Codes(
    QuestionKind.choices,
    {
        QuestionKind.GRADE: "rapportcijfer",
        QuestionKind.LIKERT: "likertschaal",
        QuestionKind.CHOICE: "enkeleKeuze",
        QuestionKind.TEXT: "openTekst",
    },
)
BREAKDOWN = Codes(
    [(dimension, label) for dimension, (label, _choices) in BREAKDOWNS.items()],
    {
        "organisation_kind": "organisatiesoort",
        "respondent_level": "respondentniveau",
        "organisation_scope": "organisatiereikwijdte",
    },
)
