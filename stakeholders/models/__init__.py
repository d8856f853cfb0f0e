"""The models of this app, a module per part of the domain; imported from here as one namespace."""

from .contacts import Contact
from .fields import (
    DUE_SOON_DAYS,
    Channel,
    ContactLevel,
    Language,
    OrganisationKind,
    OrganisationStatus,
    RelationKind,
    Scope,
    Sentiment,
    cadence_range,
    cbs_code_format,
    country_code_format,
    kvk_number_format,
    not_before_1900,
    one_of,
    one_to_five,
)
from .interactions import FollowUpAction, Interaction
from .organisations import Organisation, OrganisationRelation
from .outreach import OverdueCount
from .reference import Tag, Tier, Topic

__all__ = [
    "kvk_number_format",
    "cbs_code_format",
    "country_code_format",
    "DUE_SOON_DAYS",
    "not_before_1900",
    "one_to_five",
    "cadence_range",
    "one_of",
    "OrganisationKind",
    "Scope",
    "OrganisationStatus",
    "RelationKind",
    "ContactLevel",
    "Language",
    "Channel",
    "Sentiment",
    "Tier",
    "Tag",
    "Topic",
    "Organisation",
    "OrganisationRelation",
    "Contact",
    "Interaction",
    "FollowUpAction",
    "OverdueCount",
]
