"""Date-times read with psycopg's C loader, for the queries that read many rows (API lists, exports, downloads).

Django loads every timestamptz with a Python subclass of psycopg's loader that parses the text in Python: 5 µs a
value, a fifth of a page of organisations with their contacts and a seventh of a download. psycopg's own loader is
written in C. Both give aware date-times (the C loader's in the connection's time zone, which Django sets to UTC);
whoever reads them converts them for display or the wire as ever.
"""

from contextlib import nullcontext

try:
    from psycopg import adapters as psycopg_adapters
    from psycopg.pq import Format

    C_TIMESTAMPTZ_LOADER = psycopg_adapters.get_loader(psycopg_adapters.types["timestamptz"].oid, Format.TEXT)
except ImportError:  # SQLite only, without psycopg
    C_TIMESTAMPTZ_LOADER = None


def _c_datetimes(execute, sql, params, many, context):
    context["cursor"].cursor.adapters.register_loader("timestamptz", C_TIMESTAMPTZ_LOADER)
    return execute(sql, params, many, context)


def fast_datetimes(connection):
    """Queries made inside load their date-times with psycopg's C loader, where there is one."""
    if connection.vendor != "postgresql" or C_TIMESTAMPTZ_LOADER is None:
        return nullcontext()
    return connection.execute_wrapper(_c_datetimes)
