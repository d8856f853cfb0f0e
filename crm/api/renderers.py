"""JSON with camelCase keys, made faster than djangorestframework-camel-case makes it.

The library runs a regular expression over every key of every row and tries `iter()` on every value: for a page of
100 organisations with their contacts that was about a third of the request. Keys repeat from row to row, so each is
converted once and remembered; values of the JSON types are recognised by their type. Anything else (a set, a
lazy string) takes the library's path, so the output is the same.
"""

from functools import lru_cache

from djangorestframework_camel_case.render import CamelCaseJSONRenderer as LibraryRenderer
from djangorestframework_camel_case.util import camelize, camelize_re, underscore_to_camel

_SCALARS = (str, int, float, bool, type(None))


class WireRecords(list):
    """Records whose keys are already those of the wire (crm/api/rows.py): sent as they are."""


@lru_cache(maxsize=4096)
def wire_key(key: str) -> str:
    return camelize_re.sub(underscore_to_camel, key) if "_" in key else key


def camelize_keys(data):
    if isinstance(data, _SCALARS):
        return data
    if isinstance(data, dict):
        if all(type(key) is str for key in data):
            return {wire_key(key): camelize_keys(value) for key, value in data.items()}
        return camelize(data)
    if isinstance(data, WireRecords):
        return data
    if isinstance(data, list | tuple):
        return [camelize_keys(item) for item in data]
    return camelize(data)


class CamelCaseJSONRenderer(LibraryRenderer):
    def render(self, data, *args, **kwargs):
        # The library's parent class (DRF's JSONRenderer) does the encoding; only the key conversion is ours.
        return super(LibraryRenderer, self).render(camelize_keys(data), *args, **kwargs)
