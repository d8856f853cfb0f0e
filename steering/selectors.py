"""Steering figures: per group of organisations, how much contact the agency had over a period beside how the group
graded it in the last two closed survey rounds.

The groups are those of steering/groupings.py. Every contact figure of a group is over its organisations: their
interactions, the follow-up actions of those interactions, their last contact.

Each grouping costs a fixed number of grouped queries (organisations, contacts, interactions, follow-up actions, and
the names of the officers), never a query per group. The survey figures are read from the results frozen when a
round closed (surveys/results.py), suppression included: a group too small to show there is suppressed here too.
Responses carry no officer, so the officer grouping has no survey figures.
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Aggregate, Avg, Count, DateField, DurationField, Exists, F, OuterRef, Q, Value
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stakeholders import wire as stakeholder_wire
from stakeholders.models import Contact, FollowUpAction, Interaction, Organisation, OrganisationStatus
from stakeholders.selectors import organisations_overdue
from surveys.models import SurveyRound

from .groupings import GROUPINGS, NO_OFFICER, NO_OFFICER_QUERY, Grouping, Period
from .survey_figures import SurveyColumn, SurveyFigures, latest_closed_rounds, survey_cell, survey_columns

# The figures count every interaction, confidential ones included: they are for those who may see them all, the
# coordinators and administrators (accounts/roles.py grants it; the page and the API ask for it).
PERMISSION = "stakeholders.view_confidential_interaction"
# How many groups "where to act first" names.
RANKING_SIZE = 5


class Median(Aggregate):
    """PostgreSQL's continuous median of a group (an ordered-set aggregate)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    allow_distinct = False


@dataclass
class GroupRow:
    grouping: str
    grouping_label: str
    value: str
    label: str
    # The group's code in the organisation list's filter (None: the organisations without a liaison officer).
    code: str | None = None
    organisations: int = 0
    contacts: int = 0
    interactions: int = 0
    contacted: int = 0
    overdue: int = 0
    median_days_since_contact: float | None = None
    follow_ups_due: int = 0
    follow_ups_on_time: int = 0
    mean_sentiment: float | None = None
    survey: list[SurveyFigures] = field(default_factory=list)
    # The organisation list's query that selects this group.
    list_query: dict[str, str] = field(default_factory=dict)

    @property
    def interactions_per_organisation(self) -> float | None:
        return round(self.interactions / self.organisations, 2) if self.organisations else None

    @property
    def contacted_share(self) -> float | None:
        return _share(self.contacted, self.organisations)

    @property
    def overdue_share(self) -> float | None:
        return _share(self.overdue, self.organisations)

    @property
    def on_time_share(self) -> float | None:
        return _share(self.follow_ups_on_time, self.follow_ups_due)

    @property
    def grade(self) -> SurveyFigures | None:
        """The overall grade's figures (the first question graded 1–10)."""
        return self.survey[0] if self.survey else None


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


@dataclass
class GroupTable:
    grouping: Grouping
    rows: list[GroupRow]
    # False where responses carry nothing to divide them by (the officers).
    has_survey: bool


@dataclass
class Steering:
    period: Period
    rounds: list[SurveyRound]  # the latest closed round first, then the one before; fewer when fewer closed
    columns: list[SurveyColumn]
    tables: list[GroupTable]
    ranking: list[GroupRow]

    @property
    def ranking_bars(self) -> list[dict]:
        """The ranking's grades as horizontal bars of an SVG chart, 30 units a grade point, drawn by the template
        without any script."""
        return [
            {"row": row, "y": index * 30, "width": round((row.grade.latest.mean or 0) * 30)}  # type: ignore[union-attr]
            for index, row in enumerate(self.ranking)
        ]

    @property
    def chart_height(self) -> int:
        return max(len(self.ranking) * 30, 30)


def _counted(rows, key: str, *names: str) -> dict[str, dict]:
    return {row[key]: {name: row[name] for name in names} for row in rows}


def _organisation_figures(grouping: Grouping, *, today: date, period_start: datetime, period_end: datetime) -> dict:
    organisations = Organisation.objects.filter(grouping.members(), status=OrganisationStatus.ACTIVE)
    in_period = Interaction.objects.filter(
        organisation=OuterRef("pk"), occurred_at__gte=period_start, occurred_at__lt=period_end
    )
    since_contact = Value(today, output_field=DateField()) - F("last_contact_on")
    figures: dict[str, Aggregate] = {
        "organisations": Count("id"),
        "contacted": Count("id", filter=Q(was_contacted=True)),
        "overdue": Count("id", filter=organisations_overdue(as_of=today)),
    }
    if connection.vendor == "postgresql":
        figures["median"] = Median(since_contact, output_field=DurationField())
    rows = organisations.annotate(was_contacted=Exists(in_period)).order_by().values(grouping.path).annotate(**figures)
    result = _counted(rows, grouping.path, *figures)
    if connection.vendor != "postgresql":
        # SQLite (the zero-setup `make run`) has no median aggregate: the dates, grouped here.
        days: dict[str, list[int]] = defaultdict(list)
        for value, last in organisations.filter(last_contact_on__isnull=False).values_list(
            grouping.path, "last_contact_on"
        ):
            days[value].append((today - last).days)
        for value, counts in result.items():
            counts["median"] = timedelta(days=statistics.median(days[value])) if days[value] else None
    return result


def _interaction_figures(grouping: Grouping, *, period_start: datetime, period_end: datetime) -> dict:
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


def _officer_names(usernames) -> dict[str, str]:
    users = get_user_model().objects.filter(username__in=[name for name in usernames if name])
    return {user.get_username(): user.get_full_name() or user.get_username() for user in users}


def _rows(grouping: Grouping, *, period: Period, today: date) -> list[GroupRow]:
    period_start, period_end = period.moments()
    organisations = _organisation_figures(grouping, today=today, period_start=period_start, period_end=period_end)
    interactions = _interaction_figures(grouping, period_start=period_start, period_end=period_end)
    follow_ups = _follow_up_figures(grouping, period=period, today=today)
    contacts = _contact_figures(grouping)
    if grouping.choices is not None:
        groups = list(grouping.choices.items())
    else:
        names = _officer_names(organisations)
        officers = sorted((value for value in organisations if value), key=lambda value: names.get(value, value))
        groups = [(value, names.get(value, value)) for value in officers]
        if None in organisations:
            organisations[NO_OFFICER] = organisations.pop(None)
            for figures in (interactions, follow_ups, contacts):
                if None in figures:
                    figures[NO_OFFICER] = figures.pop(None)
            groups.append((NO_OFFICER, str(_("without a liaison officer"))))
    rows = []
    for value, label in groups:
        counted = organisations.get(value, {})
        median = counted.get("median")
        rows.append(
            GroupRow(
                grouping=grouping.key,
                grouping_label=str(grouping.label),
                value=value,
                label=str(label),
                code=grouping.list_code(value) if value != NO_OFFICER else None,
                organisations=counted.get("organisations", 0),
                contacts=contacts.get(value, {}).get("contacts", 0),
                interactions=interactions.get(value, {}).get("interactions", 0),
                contacted=counted.get("contacted", 0),
                overdue=counted.get("overdue", 0),
                median_days_since_contact=round(median.total_seconds() / 86400, 1) if median is not None else None,
                follow_ups_due=follow_ups.get(value, {}).get("due", 0),
                follow_ups_on_time=follow_ups.get(value, {}).get("on_time", 0),
                mean_sentiment=_rounded(interactions.get(value, {}).get("sentiment")),
                list_query=({grouping.list_key: grouping.list_code(value)} if value != NO_OFFICER else NO_OFFICER_QUERY)
                | {"status": stakeholder_wire.ORGANISATION_STATUS.code(OrganisationStatus.ACTIVE)},
            )
        )
    return rows


def _rounded(value: float | None) -> float | None:
    return round(float(value), 2) if value is not None else None


def _ranking(tables: list[GroupTable]) -> list[GroupRow]:
    """Where to act first: the groups graded lowest in the latest closed round, and among equal grades those with
    the least contact; groups without a grade shown (suppressed, or no answers) are left out."""
    graded = [
        row
        for table in tables
        for row in table.rows
        if row.grade is not None and row.grade.latest is not None and row.grade.latest.mean is not None
    ]
    graded.sort(key=lambda row: (row.grade.latest.mean, row.interactions_per_organisation or 0))  # type: ignore[union-attr]
    return graded[:RANKING_SIZE]


def steering_figures(*, period: Period | None = None, today: date | None = None) -> Steering:
    """Every group's contact figures over the period (the last twelve months unless given) beside its survey figures
    in the last two closed rounds, and the ranking of where to act first. Five or six queries per grouping and two
    for the survey figures, whatever the number of organisations and groups."""
    today = today or timezone.localdate()
    period = period or Period.last_twelve_months(today=today)
    latest_rounds = latest_closed_rounds()
    frozen = [figures for _round, figures in latest_rounds]
    columns = survey_columns(frozen)
    tables = []
    for grouping in GROUPINGS:
        rows = _rows(grouping, period=period, today=today)
        if grouping.breakdown is not None:
            for row in rows:
                row.survey = [
                    SurveyFigures(
                        code=column.code,
                        latest=survey_cell(frozen[0].figures, code=column.code, breakdown=grouping.breakdown,
                                            value=row.value),
                        previous=survey_cell(frozen[1].figures, code=column.code, breakdown=grouping.breakdown,
                                              value=row.value) if len(frozen) > 1 else None,
                    )
                    for column in columns
                ]  # fmt: skip
        tables.append(GroupTable(grouping=grouping, rows=rows, has_survey=grouping.breakdown is not None))
    return Steering(
        period=period,
        rounds=[survey_round for survey_round, _figures in latest_rounds],
        columns=columns,
        tables=tables,
        ranking=_ranking(tables),
    )
