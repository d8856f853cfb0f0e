"""The columns of the stakeholder lists' downloads (crm/web/exports.py): what each page shows, and the identifiers a
spreadsheet needs to find a row back (ids, user names, registry numbers). The rows come from the same selectors and
FilterSets as the pages, so a download holds what its reader may see and nothing more."""

from operator import attrgetter

from django.utils.translation import gettext_lazy as _

from crm.web.exports import Column

from .models import Channel, ContactLevel, Language, OrganisationKind, OrganisationStatus, Scope

OUTREACH_STATES = [
    ("overdue", _("overdue")),
    ("due", _("due soon")),
    ("planned", _("on schedule")),
    ("none", _("no cadence")),
]
MAIL_STATES = [
    ("erased", _("erased")),
    ("opted_out", _("opted out")),
    ("inactive", _("inactive")),
    ("receives_mail", _("receives mail")),
]


def _full_name(user) -> str | None:
    return (user.get_full_name() or user.get_username()) if user is not None else None


def _username(user) -> str | None:
    return user.get_username() if user is not None else None


def _labels(organisation) -> list[str]:
    # Gathered in the rows' query on PostgreSQL (selectors.organisations_list(label_names=True)), else prefetched.
    names = getattr(organisation, "label_names", None)
    return names if names is not None else [tag.name for tag in organisation.tags.all()]


def _mail_status(contact) -> str | None:
    """The contact list's "mail" column (templates/stakeholders/_mail_status.html)."""
    if contact.anonymised_at:
        return "erased"
    if contact.has_opted_out:
        return "opted_out"
    if not contact.is_active:
        return "inactive"
    return "receives_mail" if contact.email else None


ORGANISATION_COLUMNS = [
    Column(_("id"), attrgetter("pk")),
    Column(_("name"), attrgetter("name")),
    Column(_("kind"), attrgetter("kind"), labels=OrganisationKind.choices),
    Column(_("scope"), attrgetter("scope"), labels=Scope.choices),
    Column(_("status"), attrgetter("status"), labels=OrganisationStatus.choices),
    Column(_("liaison officer"), lambda organisation: _full_name(organisation.owner)),
    Column(_("liaison officer (user name)"), lambda organisation: _username(organisation.owner)),
    Column(_("tier"), lambda organisation: organisation.tier.display_name if organisation.tier else None),
    Column(_("labels"), _labels),
    Column(_("next contact due on"), attrgetter("next_contact_due_on")),
    Column(_("outreach"), attrgetter("outreach_state"), labels=OUTREACH_STATES),
    Column(_("KvK number"), attrgetter("kvk_number")),
    Column(_("CBS municipality code"), attrgetter("cbs_municipality_code")),
]

CONTACT_COLUMNS = [
    Column(_("id"), attrgetter("pk")),
    Column(_("first name"), attrgetter("first_name")),
    Column(_("tussenvoegsel"), attrgetter("name_prefix")),
    Column(_("last name"), attrgetter("last_name")),
    Column(_("organisation id"), attrgetter("organisation_id")),
    Column(_("organisation"), attrgetter("organisation.name")),
    Column(_("function"), attrgetter("job_title")),
    Column(_("level"), attrgetter("level"), labels=ContactLevel.choices),
    Column(_("e-mail address"), attrgetter("email")),
    Column(_("phone"), attrgetter("phone")),
    Column(_("preferred language"), attrgetter("preferred_language"), labels=Language.choices),
    Column(_("mail"), _mail_status, labels=MAIL_STATES),
]

# An organisation's interactions, as its timeline shows them to this reader (selectors.organisation_timeline).
INTERACTION_COLUMNS = [
    Column(_("id"), attrgetter("pk")),
    Column(_("when"), attrgetter("occurred_at")),
    Column(_("channel"), attrgetter("channel"), labels=Channel.choices),
    Column(_("subject"), attrgetter("subject")),
    Column(_("notes"), attrgetter("notes")),
    Column(_("confidential"), attrgetter("confidential")),
    Column(_("participating contacts"), lambda interaction: [c.full_name for c in interaction.contacts.all()]),
    Column(_("topics"), lambda interaction: [topic.name for topic in interaction.topics.all()]),
    Column(_("logged by"), lambda interaction: _full_name(interaction.logged_by)),
    Column(
        _("open follow-up actions"),
        lambda interaction: [
            follow_up.description for follow_up in interaction.follow_ups.all() if follow_up.done_at is None
        ],
    ),  # fmt: skip
    Column(_("organisation id"), attrgetter("organisation_id")),
    Column(_("organisation"), attrgetter("organisation.name")),
]
