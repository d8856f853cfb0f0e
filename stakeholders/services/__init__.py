"""Every write of this app, a module per sub-domain; the doors (web, API, admin, import, commands, tasks) call these.

Imported from here as one namespace (`services.organisation_update`), so a caller need not know the module.
"""

from .contacts import contact_create, contact_delete, contact_erase, contact_mail_opt_out, contact_update
from .interactions import (
    follow_up_complete,
    follow_up_create,
    follow_up_delete,
    follow_up_update,
    interaction_delete,
    interaction_log,
    interaction_update,
)
from .organisations import (
    organisation_create,
    organisation_delete,
    organisation_owner_validate,
    organisation_update,
    relation_create,
    relation_delete,
    relation_update,
)
from .planning import REFRESH_BATCH_SIZE, next_contact_due, organisation_outreach_refresh
from .reference import (
    tag_create,
    tag_delete,
    tag_update,
    tags_get_or_create,
    tier_create,
    tier_delete,
    tier_update,
    topic_create,
    topic_delete,
    topic_update,
)
from .rules import contact_change_validate, interaction_contacts_validate, interaction_validate
from .segments import UNCHANGED, organisations_plan

__all__ = [
    "interaction_contacts_validate",
    "interaction_validate",
    "contact_change_validate",
    "REFRESH_BATCH_SIZE",
    "next_contact_due",
    "organisation_outreach_refresh",
    "organisation_create",
    "organisation_update",
    "organisation_owner_validate",
    "organisation_delete",
    "organisations_plan",
    "UNCHANGED",
    "relation_create",
    "relation_update",
    "relation_delete",
    "contact_create",
    "contact_update",
    "contact_delete",
    "contact_erase",
    "contact_mail_opt_out",
    "interaction_log",
    "interaction_update",
    "interaction_delete",
    "follow_up_create",
    "follow_up_update",
    "follow_up_complete",
    "follow_up_delete",
    "tier_create",
    "tier_update",
    "tier_delete",
    "tag_create",
    "tags_get_or_create",
    "tag_update",
    "tag_delete",
    "topic_create",
    "topic_update",
    "topic_delete",
    "",
]
