"""The Dutch names of this app's things on the wire (crm/api/wire.py says why and how); docs/api.md has the English
glossary. The fields are named in Dutch where the serializers declare them."""

from crm.api.wire import Codes

from .selectors import GROUPINGS

GROUPING = Codes(
    [(grouping.key, grouping.label) for grouping in GROUPINGS],
    {"kind": "organisatiesoort", "level": "contactniveau", "scope": "reikwijdte", "officer": "relatiebeheerder"},
)
