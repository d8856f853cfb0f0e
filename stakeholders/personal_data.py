"""The personal data of this app's models, for the inventory (privacy/inventory.py)."""

from privacy.inventory import ACCOUNTS, ERASED, RELATIONSHIP_MANAGEMENT, Record

RECORDS = [
    Record(
        "stakeholders.contact",
        subjects="contact persons at partner organisations",
        activity=RELATIONSHIP_MANAGEMENT,
        personal={"first_name": "", "name_prefix": "", "last_name": ERASED, "job_title": "", "email": "",
                  "phone": "", "notes": ""},
        other=("id", "organisation", "level", "preferred_language", "is_active", "mail_opted_out_at",
               "anonymised_at", "created_at", "updated_at"),
        retention="contact",
        on_erasure="anonymise",
        free_text=("job_title", "notes"),  # a colleague's: "assistant of Jan de Vries"
        organisation=("organisation",),
    ),
    Record(
        "stakeholders.interaction",
        subjects="contact persons who took part (as participants, and named in subject or notes)",
        activity=RELATIONSHIP_MANAGEMENT,
        personal={"subject": ERASED, "notes": ""},
        other=("id", "organisation", "channel", "occurred_at", "sentiment", "confidential", "logged_by",
               "anonymised_at", "created_at", "updated_at"),
        retention="interaction",
        on_erasure="anonymise",  # the participant link goes; mentions of the person in its text are replaced
        free_text=("subject", "notes"),
        organisation=("organisation",),
    ),
    Record(
        "stakeholders.followupaction",
        subjects="contact persons named in the action; staff as assignees",
        activity=RELATIONSHIP_MANAGEMENT,
        personal={"description": ERASED},
        other=("id", "interaction", "assignee", "due_on", "done_at", "created_at", "updated_at"),
        retention="interaction",
        on_erasure="anonymise",
        free_text=("description",),
        organisation=("interaction__organisation",),
    ),
    Record(
        "stakeholders.organisation",
        subjects="none: an organisation's own data (its general address, not a person's); notes may name people",
        activity=RELATIONSHIP_MANAGEMENT,
        other=("id", "name", "short_name", "kind", "scope", "parent", "kvk_number", "cbs_municipality_code",
               "country", "street_address", "postal_code", "city", "website", "email", "phone", "owner",
               "tier", "contact_cadence_days", "next_contact_planned_on", "last_contact_on",
               "next_contact_due_on", "influence", "interest", "status", "notes", "created_at", "updated_at"),
        free_text=("notes",),
        organisation=("id",),
    ),
    Record("stakeholders.organisationrelation", subjects="none; a description may name people",
           activity=RELATIONSHIP_MANAGEMENT,
           other=("id", "source", "target", "kind", "description", "started_on", "ended_on", "created_at",
                  "updated_at"),
           free_text=("description",), organisation=("source", "target")),
    Record("stakeholders.tier", subjects="none", activity=RELATIONSHIP_MANAGEMENT,
           other=("id", "code", "name", "name_en", "cadence_days", "position")),
    Record("stakeholders.tag", subjects="none", activity=RELATIONSHIP_MANAGEMENT, other=("id", "name")),
    Record("stakeholders.topic", subjects="none", activity=RELATIONSHIP_MANAGEMENT, other=("id", "name", "name_en")),
    Record("stakeholders.overduecount", subjects="staff (counts per liaison officer)", activity=ACCOUNTS,
           other=("id", "taken_on", "owner", "count")),
]  # fmt: skip
