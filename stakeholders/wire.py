"""The Dutch names of this app's things on the wire: the API's fields and the codes of its choices, which the list
filters of the API and the web UI share (crm/api/wire.py says why and how). docs/api.md has the English glossary.

Names are snake_case here and camelCase on the wire; a field not listed keeps its name (`id`, `status`, `labels`).
"""

from crm.api.wire import Codes

from .models import Channel, ContactLevel, Language, OrganisationKind, OrganisationStatus, RelationKind, Scope

RECORD = {"created_at": "aangemaakt_op", "updated_at": "gewijzigd_op"}

ORGANISATION = {
    **RECORD,
    "name": "naam",
    "short_name": "korte_naam",
    "kind": "soort",
    "scope": "reikwijdte",
    "parent": "moederorganisatie",
    "kvk_number": "kvk_nummer",
    "cbs_municipality_code": "cbs_gemeentecode",
    "country": "land",
    "street_address": "straat_en_huisnummer",
    "postal_code": "postcode",
    "city": "plaats",
    "email": "emailadres",
    "phone": "telefoonnummer",
    "owner": "relatiebeheerder",
    "tier": "prioriteit",
    "contact_cadence_days": "contactfrequentie_dagen",
    "next_contact_planned_on": "volgend_contact_gepland_op",
    "last_contact_on": "laatste_contact_op",
    "next_contact_due_on": "volgend_contact_uiterlijk_op",
    "influence": "invloed",
    "interest": "belang",
    "notes": "notities",
    "contacts": "contactpersonen",  # embedded with ?expand=contactpersonen
}
CONTACT = {
    **RECORD,
    "organisation": "organisatie",
    "first_name": "voornaam",
    "name_prefix": "tussenvoegsel",
    "last_name": "achternaam",
    "job_title": "functie",
    "level": "niveau",
    "email": "emailadres",
    "phone": "telefoonnummer",
    "preferred_language": "voorkeurstaal",
    "is_active": "actief",
    "mail_opted_out_at": "mail_afgemeld_op",
}
INTERACTION = {
    **RECORD,
    "organisation": "organisatie",
    "contacts": "contactpersonen",
    "channel": "kanaal",
    "occurred_at": "plaatsgevonden_op",
    "subject": "onderwerp",
    "notes": "notities",
    "topics": "themas",
    "confidential": "vertrouwelijk",
    "logged_by": "vastgelegd_door",
    "follow_ups": "vervolgacties",
}
FOLLOW_UP = {
    "description": "omschrijving",
    "assignee": "uitvoerder",
    "due_on": "uiterlijk_op",
    "done_at": "afgerond_op",
}
RELATION = {
    **RECORD,
    "source": "van",
    "kind": "soort",
    "target": "naar",
    "description": "omschrijving",
    "started_on": "begindatum",
    "ended_on": "einddatum",
}
LABEL = {"name": "naam"}

ORGANISATION_KIND = Codes(
    OrganisationKind.choices,
    {
        OrganisationKind.NGO: "ngo",
        OrganisationKind.MUNICIPALITY: "gemeente",
        OrganisationKind.JUDICIARY: "rechtspraak",
        OrganisationKind.PRIVATE_PARTNER: "particulierePartner",
        OrganisationKind.GOVERNMENT: "overheidsorganisatie",
        OrganisationKind.INTERNATIONAL: "internationaleOrganisatie",
        OrganisationKind.OTHER: "overig",
    },
)
SCOPE = Codes(
    Scope.choices, {Scope.LOCAL: "lokaal", Scope.NATIONAL: "landelijk", Scope.INTERNATIONAL: "internationaal"}
)
ORGANISATION_STATUS = Codes(
    OrganisationStatus.choices, {OrganisationStatus.ACTIVE: "actief", OrganisationStatus.ARCHIVED: "gearchiveerd"}
)
RELATION_KIND = Codes(
    RelationKind.choices,
    {
        RelationKind.PARTNER_OF: "partnerVan",
        RelationKind.FUNDS: "financiert",
        RelationKind.SUPERVISES: "houdtToezichtOp",
        RelationKind.MEMBER_OF: "lidVan",
        RelationKind.REFERS_TO: "verwijstDoorNaar",
        RelationKind.CONTRACTS: "contracteert",
        RelationKind.REPORTS_TO: "legtVerantwoordingAfAan",
    },
)
CONTACT_LEVEL = Codes(
    ContactLevel.choices,
    {ContactLevel.OPERATIONAL: "operationeel", ContactLevel.POLICY: "beleid", ContactLevel.EXECUTIVE: "bestuurlijk"},
)
# ISO 639-1 codes, the same in any language.
LANGUAGE = Codes(Language.choices, {Language.DUTCH: "nl", Language.ENGLISH: "en"})
CHANNEL = Codes(
    Channel.choices,
    {
        Channel.MEETING: "overleg",
        Channel.CALL: "telefoongesprek",
        Channel.EMAIL: "email",
        Channel.VIDEO: "videogesprek",
        Channel.EVENT: "bijeenkomst",
        Channel.SITE_VISIT: "werkbezoek",
        Channel.LETTER: "brief",
    },
)
