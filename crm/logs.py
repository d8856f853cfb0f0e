"""Secrets that travel in a URL stay out of the logs.

A survey invitation's personal link (`/s/<token>/`, surveys/urls.py) is a bearer secret until it is used: whoever
reads it in an access log could answer in the invitee's name. The web server's access log (crm/gunicorn.py) and
Django's own request lines (settings.LOGGING) write such a path with the token replaced. The start page sends its
form to the same address, so a Referer can carry it too: every value of a line goes through `redact`.

Loaded by settings.LOGGING and by gunicorn before Django is set up: it imports nothing of Django's.
"""

import logging
import re

# The address prefixes whose next path segment is a secret (surveys/urls.py).
SECRET_PATH_PREFIXES = ("/s/",)
REDACTED = "[redacted]"
_SECRET = re.compile(
    r"((?:^|(?<=[\s\"'(=])|https?://[^/\s\"']+)(?:" + "|".join(re.escape(p) for p in SECRET_PATH_PREFIXES) + r"))"
    r"[^/?#\s\"']+"
)


def redact(text: str) -> str:
    """The text with every secret path segment replaced: "/s/abc…/" becomes "/s/[redacted]/"."""
    return _SECRET.sub(r"\1" + REDACTED, text)


def _redacted(value):
    return redact(value) if isinstance(value, str) else value


class RedactSecretPaths(logging.Filter):
    """A handler's filter: the message, its arguments and the security log's object, without secret paths."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _redacted(record.msg)
        if isinstance(record.args, dict):
            record.args = {key: _redacted(value) for key, value in record.args.items()}
        elif record.args:
            record.args = tuple(_redacted(value) for value in record.args)
        if isinstance(getattr(record, "object", None), str):
            record.object = redact(record.object)
        return True
