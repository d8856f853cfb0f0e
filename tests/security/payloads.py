"""What an attacker, a careless import or a curious tester types into a field, a filter or a query string."""

import json

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE_BREAK = '"><img src=x onerror=alert(1)>'
JAVASCRIPT_URL = "javascript:alert(1)"

# Each markup payload, how it starts when it is live (must never appear) and when escaped (must appear). Only the
# start: the map shortens long labels, and a shortened payload must stay escaped too. "both" breaks out of an
# attribute and opens an element, so one record tests a field in every place a page may put it.
MARKUP = {
    "script": (SCRIPT, "<script>alert", "&lt;script&gt;alert"),
    "attribute-break": (ATTRIBUTE_BREAK, "<img src=x", "&quot;&gt;&lt;img src=x"),
    "both": (ATTRIBUTE_BREAK + SCRIPT, "<img src=x", "&quot;&gt;&lt;img src=x"),
}

# Values for every filter, query string and form field, by a name that reads well in a failure message. The NUL byte
# travels as %00 in a query string.
HOSTILE = {
    "10000-characters": "x" * 10_000,
    "sql-injection": "' OR 1=1 --",
    "nul-byte": "\x00",
    "path-traversal": "../../etc/passwd",
    "operator-object": '{"$gt": ""}',
    "minus-one": "-1",
    "huge-integer": "99999999999999999999",
    "huge-float": "1e309",
    "invalid-date": "2026-13-45T99:99",
    "rtl-override-and-emoji": "\u202egnp.exe \U0001f986\U0001f525",
}
# Valid moments that leave the range of a datetime once moved to UTC, or that PostgreSQL stores but cannot hand back:
# tried on date and time fields only, where they are the dangerous values.
DATE_EDGES = {
    "year-9999-west-of-utc": "9999-12-31T23:59:59-12:00",
    "year-1-east-of-utc": "0001-01-01T00:00:00+12:00",
    "year-1-local-time": "0001-01-01T00:00",
}

HUGE_FLOAT = object()  # sent as the bare JSON number 1e309, which Python reads as infinity

# Values for a field of a JSON body: the wrong JSON types, numbers out of any range, and the strings that break things.
HOSTILE_JSON = {
    "list": ["a", "b"],
    "nested-object": {"$gt": "", "nested": {"deeper": [1, {"x": None}]}},
    "huge-integer": 10**20,
    "huge-float": HUGE_FLOAT,
    "null": None,
    "true": True,
    "10000-characters": HOSTILE["10000-characters"],
    "nul-byte": HOSTILE["nul-byte"],
}
JSON_DATE_EDGES = {
    "invalid-date": HOSTILE["invalid-date"],
    **DATE_EDGES,
    "year-1-date": "0001-01-01",
    "year-9999-date": "9999-12-31",
}


def json_body(body) -> str:
    """The body as JSON text, with HUGE_FLOAT written as the literal 1e309 (json.dumps would write Infinity)."""
    marker = "__huge_float__"

    def literal(value):
        if value is HUGE_FLOAT:
            return marker
        raise TypeError(repr(value))

    return json.dumps(body, default=literal).replace(f'"{marker}"', "1e309")
