"""gunicorn's access log without secrets: the request line, path, query, Referer and every header value of a line go
through crm.logs.redact (docker/gunicorn.conf.py names this logger class)."""

from gunicorn import glogging

from crm.logs import redact


class RedactingLogger(glogging.Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {name: redact(value) if isinstance(value, str) else value for name, value in atoms.items()}
