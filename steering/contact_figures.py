"""The contact side of the steering figures: per group of every grouping, its active organisations, their active
contacts, their interactions and sentiment in the period, how many were contacted and how many are overdue now,
the median days since their last contact, and the follow-up actions due in the period and done on time.

On PostgreSQL all of it is one query: each organisation's interactions, follow-ups and contacts are added up once
(in CTEs joined to the organisations), and then grouped four ways, so the cost grows with the rows read, not with
the groups or the groupings. Elsewhere (SQLite, the zero-setup `make run`) four grouped queries per grouping do the
same, with the median computed here; tests/steering checks that both give the same figures.
"""

import statistics
from collections import defaultdict
from datetime import date
from typing import Any, cast

from django.db import connection, transaction
from django.db.models import Avg, BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from stakeholders.models import Contact, ContactLevel, FollowUpAction, Interaction, Organisation, OrganisationStatus
from stakeholders.selectors import organisations_overdue

from .groupings import GROUPINGS, Grouping, Period

# What each group gets: counts, the median days since the last contact and the mean sentiment (None without any).
FIGURES = ("organisations", "contacts", "interactions", "contacted", "overdue", "median", "due", "on_time",
           "sentiment")  # fmt: skip
Figures = dict[str, dict[str | None, dict[str, Any]]]


def contact_figures(*, period: Period, today: date) -> Figures:
    """Grouping key -> group value (None: no liaison officer) -> figures."""
    if connection.vendor == "postgresql":
        return contact_figures_in_one_query(period=period, today=today)
    return contact_figures_grouped(period=period, today=today)


def contact_figures_in_one_query(*, period: Period, today: date) -> Figures:
    period_start, period_end = period.moments()
    # The organisations as the ORM selects them, with the overdue rule of stakeholders.selectors.
    organisations_sql, organisations_params = (
        Organisation.objects.filter(status=OrganisationStatus.ACTIVE)
        .annotate(
            officer=F("owner__username"),
            is_overdue=ExpressionWrapper(organisations_overdue(as_of=today), output_field=BooleanField()),
        )
        .order_by()
        .values("id", "kind", "scope", "last_contact_on", "officer", "is_overdue")
        .query.sql_with_params()
    )
    levels = [str(level) for level in ContactLevel.values]
    level_counts = ", ".join(f"COUNT(*) FILTER (WHERE level = %s) AS level_{n}" for n in range(len(levels)))
    figures = """COUNT(*), SUM(contacts), SUM(interactions), COUNT(*) FILTER (WHERE interactions > 0),
        COUNT(*) FILTER (WHERE is_overdue), PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY days_since_contact),
        SUM(due), SUM(on_time), SUM(sentiment_sum)::float / NULLIF(SUM(sentiment_n), 0)"""
    by_level = " UNION ALL ".join(_level_select(n, figures) for n in range(len(levels)))
    sql = f"""
        WITH interactions AS (
            SELECT organisation_id, COUNT(*) AS n, SUM(sentiment) AS sentiment_sum, COUNT(sentiment) AS sentiment_n
            FROM {Interaction._meta.db_table}
            WHERE occurred_at >= %s AND occurred_at < %s
            GROUP BY organisation_id
        ), follow_ups AS (
            SELECT i.organisation_id, COUNT(*) AS due,
                COUNT(*) FILTER (WHERE (f.done_at AT TIME ZONE %s)::date <= f.due_on) AS on_time
            FROM {FollowUpAction._meta.db_table} f JOIN {Interaction._meta.db_table} i ON i.id = f.interaction_id
            WHERE f.due_on >= %s AND f.due_on <= %s
            GROUP BY i.organisation_id
        ), contacts AS (
            SELECT organisation_id, COUNT(*) AS n, {level_counts}
            FROM {Contact._meta.db_table} WHERE is_active
            GROUP BY organisation_id
        ), per_organisation AS MATERIALIZED (
            SELECT o.kind, o.scope, o.officer, o.is_overdue, %s - o.last_contact_on AS days_since_contact,
                COALESCE(c.n, 0) AS contacts, {
        ", ".join(f"COALESCE(c.level_{n}, 0) AS level_{n}" for n in range(len(levels)))
    },
                COALESCE(i.n, 0) AS interactions, i.sentiment_sum, i.sentiment_n,
                COALESCE(f.due, 0) AS due, COALESCE(f.on_time, 0) AS on_time
            FROM ({organisations_sql}) o
            LEFT JOIN interactions i ON i.organisation_id = o.id
            LEFT JOIN follow_ups f ON f.organisation_id = o.id
            LEFT JOIN contacts c ON c.organisation_id = o.id
        )
        SELECT 'kind', kind, {figures} FROM per_organisation GROUP BY kind
        UNION ALL SELECT 'scope', scope, {figures} FROM per_organisation GROUP BY scope
        UNION ALL SELECT 'officer', officer, {figures} FROM per_organisation GROUP BY officer
        UNION ALL {by_level}
    """  # noqa: S608 (table names from the models, values as parameters)
    params = [
        period_start, period_end,
        timezone.get_current_timezone_name(), period.starts_on, min(period.ends_on, today),
        *levels,
        today, *organisations_params,
        *levels,
    ]  # fmt: skip
    result: Figures = {grouping.key: {} for grouping in GROUPINGS}
    with transaction.atomic(), connection.cursor() as cursor:
        # One reporting query over every organisation: compiling it (JIT) costs more than it saves (90 ms of 200 at
        # 10,000 organisations), and its sorts (the medians) fit in memory with a little more than the default.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL work_mem = '32MB'")
        cursor.execute(sql, params)
        for grouping, value, *numbers in cursor.fetchall():
            result[grouping][value] = dict(zip(FIGURES, numbers, strict=True))
    return result


def _level_select(n: int, figures: str) -> str:
    """The organisations with an active contact at the n-th level, with that level's contacts as theirs."""
    counted = figures.replace("SUM(contacts)", f"SUM(level_{n})")
    return f"SELECT 'level', %s, {counted} FROM per_organisation WHERE level_{n} > 0"  # noqa: S608 (names made here)


def contact_figures_grouped(*, period: Period, today: date) -> Figures:
    """The same figures in four grouped queries per grouping, for databases without PostgreSQL's aggregates."""
    result: Figures = {}
    for grouping in GROUPINGS:
        figures: dict[str | None, dict[str, Any]] = defaultdict(dict)
        for part in (
            _organisation_figures(grouping, period=period, today=today),
            _interaction_figures(grouping, period=period),
            _follow_up_figures(grouping, period=period, today=today),
            _contact_figures(grouping),
        ):
            for value, counted in part.items():
                figures[value].update(counted)
        result[grouping.key] = dict(figures)
    return result


def _counted(rows, key: str, *names: str) -> dict:
    return {row[key]: {name: row[name] for name in names} for row in rows}


def _organisation_figures(grouping: Grouping, *, period: Period, today: date) -> dict:
    period_start, period_end = period.moments()
    organisations = Organisation.objects.filter(grouping.members(), status=OrganisationStatus.ACTIVE)
    in_period = Interaction.objects.filter(
        organisation=OuterRef("pk"), occurred_at__gte=period_start, occurred_at__lt=period_end
    )
    rows = (
        organisations.annotate(was_contacted=Exists(in_period))
        .order_by()
        .values(grouping.path)
        .annotate(
            organisations=Count("id"),
            contacted=Count("id", filter=Q(was_contacted=True)),
            overdue=Count("id", filter=organisations_overdue(as_of=today)),
        )
    )
    result = _counted(rows, grouping.path, "organisations", "contacted", "overdue")
    days: dict[str | None, list[int]] = defaultdict(list)
    for value, last in organisations.filter(last_contact_on__isnull=False).values_list(
        grouping.path, "last_contact_on"
    ):
        days[value].append((today - last).days)
    for value, counted in result.items():
        counted["median"] = statistics.median(days[value]) if days[value] else None
    return result


def _interaction_figures(grouping: Grouping, *, period: Period) -> dict:
    period_start, period_end = period.moments()
    path = f"organisation__{grouping.path}"
    rows = (
        Interaction.objects.filter(
            _prefixed(grouping.members(), "organisation__"),
            organisation__status=OrganisationStatus.ACTIVE,
            occurred_at__gte=period_start,
            occurred_at__lt=period_end,
        )
        .order_by()
        .values(path)
        .annotate(interactions=Count("id"), sentiment=Avg("sentiment"))
    )
    return _counted(rows, path, "interactions", "sentiment")


def _follow_up_figures(grouping: Grouping, *, period: Period, today: date) -> dict:
    """The follow-up actions due in the period (up to today: one due tomorrow is not late yet), and how many of
    them were done on or before their due day."""
    path = f"interaction__organisation__{grouping.path}"
    rows = (
        FollowUpAction.objects.alias(done_on=TruncDate("done_at"))
        .filter(
            _prefixed(grouping.members(), "interaction__organisation__"),
            interaction__organisation__status=OrganisationStatus.ACTIVE,
            due_on__gte=period.starts_on,
            due_on__lte=min(period.ends_on, today),
        )
        .order_by()
        .values(path)
        .annotate(due=Count("id"), on_time=Count("id", filter=Q(done_at__isnull=False, done_on__lte=F("due_on"))))
    )
    return _counted(rows, path, "due", "on_time")


def _contact_figures(grouping: Grouping) -> dict:
    rows = (
        Contact.objects.filter(is_active=True, organisation__status=OrganisationStatus.ACTIVE)
        .order_by()
        .values(grouping.contact_path)
        .annotate(contacts=Count("id"))
    )
    return _counted(rows, grouping.contact_path, "contacts")


def _prefixed(condition: Q, prefix: str) -> Q:
    """A condition on organisations as one on the records that point at them."""
    prefixed = Q(_connector=condition.connector, _negated=condition.negated)
    for child in cast(list[Any], condition.children):
        if isinstance(child, Q):
            prefixed.children.append(_prefixed(child, prefix))
        else:
            lookup, value = child
            prefixed.children.append((f"{prefix}{lookup}", value))
    return prefixed
