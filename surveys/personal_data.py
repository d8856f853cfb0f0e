"""The personal data of this app's models, for the inventory (privacy/inventory.py)."""

from privacy.inventory import SURVEYS, Record

RECORDS = [
    Record(
        "surveys.invitation",
        subjects="invited contact persons (who was invited, and whether they answered; never what)",
        activity=SURVEYS,
        other=("id", "round", "contact", "invited_at", "reminders_sent", "last_reminded_at", "link_used_on",
               "answered_on"),
    ),
    Record("surveys.invitationtoken", subjects="none: a digest of a link", activity=SURVEYS,
           other=("id", "invitation", "digest", "created_at")),
    Record("surveys.ballot",
           subjects="none readable: sealed answers waiting for the ballot job (its row arrives with an invitation)",
           activity=SURVEYS, other=("id", "round", "sealed")),
    Record(
        "surveys.response",
        subjects="none: anonymous by design (a segment, no person, invitation or moment)",
        activity=SURVEYS,
        other=("id", "round", "organisation_kind", "organisation_scope", "respondent_level"),
    ),
    Record(
        "surveys.answer",
        subjects="none that can be linked: an open answer may name someone, but cannot be traced to its writer",
        activity=SURVEYS,
        other=("id", "response", "question", "number", "text"),
        free_text=("text",),  # an erased person named in an open answer is replaced there too
    ),
    Record("surveys.frozenresults",
           subjects="none: a closed round's suppressed aggregates, stored at its close, without open answers",
           activity=SURVEYS, other=("round", "figures", "computed_at")),
    Record("surveys.openanswerposition",
           subjects="none: the random place of an open answer on the results pages (the text stays in the answer)",
           activity=SURVEYS, other=("id", "round", "question", "position", "answer")),
    Record("surveys.questionnaire", subjects="none", activity=SURVEYS, other=("id", "name", "created_at")),
    Record("surveys.question", subjects="none", activity=SURVEYS,
           other=("id", "questionnaire", "position", "code", "kind", "text_nl", "text_en", "choices",
                  "required")),
    Record("surveys.surveyround", subjects="staff (who made the round)", activity=SURVEYS,
           other=("id", "name", "questionnaire", "status", "opens_at", "closes_at", "target_filter",
                  "reminder_after_days", "max_reminders", "min_group_size", "interview_responses",
                  "created_by", "created_at", "updated_at")),
]  # fmt: skip
