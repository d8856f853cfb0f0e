"""Dutch on the wire, English in the code.

The API Design Rules ask for Dutch interfaces (API-04): resource names, field names, query parameters and
enumeration values. The models, their stored values and the Python names stay English; only the wire speaks Dutch.
Each app declares its Dutch names once, in its `wire.py`, and everything that meets the wire reads them there:
serializers (output and strict input, so errors name Dutch fields), FilterSets (their query keys and values, shared
with the web UI's lists), the OpenAPI document (built from those serializers and filters) and the CSV export
(its columns are the serializer's fields).

Conventions: names are snake_case in Python and camelCase on the wire (the renderer and parser translate), so a
field named `korte_naam` here is `korteNaam` there; enumeration values are lowerCamelCase Dutch words
(`particulierePartner`, `teLaat`), like the keys, so that sort values, query keys and codes follow one rule.
"""

from collections.abc import Iterable

from django.core.exceptions import ImproperlyConfigured
from djangorestframework_camel_case.util import camelize_re, underscore_to_camel


def camel(name: str) -> str:
    """A Python name as the wire spells it."""
    return camelize_re.sub(underscore_to_camel, name)


class Codes:
    """The Dutch code on the wire of each stored value of one set of choices (its labels stay what people read).

    Every stored value must have exactly one code, and no two the same: a value added to the choices without a code
    fails at start-up instead of leaking its English value onto the wire."""

    def __init__(self, choices: Iterable[tuple[str, object]], codes: dict[str, str]):
        self.labels = {str(value): label for value, label in choices}
        self.by_value = {str(value): code for value, code in codes.items()}
        self.by_code = {code: value for value, code in self.by_value.items()}
        if set(self.labels) != set(self.by_value) or len(self.by_code) != len(self.by_value):
            raise ImproperlyConfigured(f"Give each of {sorted(self.labels)} its own code, not {self.by_value}.")

    @property
    def choices(self) -> list[tuple[str, object]]:
        """(code, label) pairs, in the order of the stored choices: for a serializer's enum or a filter's options."""
        return [(self.by_value[value], label) for value, label in self.labels.items()]

    def code(self, value: str) -> str:
        return self.by_value[value]

    def value(self, code: str) -> str:
        return self.by_code[code]


def sort_options(names: dict[str, str], *fields: str) -> list[tuple[str, str]]:
    """A sort filter's (model field, sort value) pairs: a field sorts under its name on the wire."""
    return [(field, camel(names.get(field, field))) for field in fields]
