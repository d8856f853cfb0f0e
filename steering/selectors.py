"""Steering figures: per group of organisations, how much contact the agency had over a period beside how the group
graded it in the last two closed survey rounds.

The groups are those of steering/groupings.py. Every contact figure of a group is over its organisations: their
interactions, the follow-up actions of those interactions, their last contact.

A fixed number of queries, whatever the number of organisations and groups: the contact figures of every grouping
in one (steering/contact_figures.py, on PostgreSQL), the officers' names, and the survey figures, read from the
results frozen when a round closed (surveys/results.py), suppression included: a group too small to show there is
suppressed here too. Responses carry no officer, so the officer grouping has no survey figures.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stakeholders import wire as stakeholder_wire
from stakeholders.models import OrganisationStatus
from surveys.models import SurveyRound

from .contact_figures import contact_figures
from .groupings import GROUPINGS, NO_OFFICER, NO_OFFICER_QUERY, Grouping, Period
from .survey_figures import SurveyColumn, SurveyFigures, latest_closed_rounds, survey_cell, survey_columns

# The figures count every interaction, confidential ones included: they are for those who may see them all, the
# coordinators and administrators (accounts/roles.py grants it; the page and the API ask for it).
PERMISSION = "stakeholders.view_confidential_interaction"
# How many groups "where to act first" names.
RANKING_SIZE = 5


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
        """The ranking's grades as horizontal bars of an SVG chart (30 units a grade point), each under its group's
        name and with its grade after it, drawn by the template without any script."""
        bars = []
        for index, row in enumerate(self.ranking):
            mean = row.grade.latest.mean if row.grade and row.grade.latest else None
            bars.append({"row": row, "mean": mean, "y": index * BAR_SPACING, "width": round((mean or 0) * 30)})
        return bars

    @property
    def chart_height(self) -> int:
        return max(len(self.ranking), 1) * BAR_SPACING


# Units from one bar of the ranking chart to the next: its name above it, then the bar.
BAR_SPACING = 44


def _officer_names(usernames) -> dict[str, str]:
    users = get_user_model().objects.filter(username__in=[name for name in usernames if name])
    return {user.get_username(): user.get_full_name() or user.get_username() for user in users}


def _rows(grouping: Grouping, figures: dict[str | None, dict[str, Any]]) -> list[GroupRow]:
    if grouping.choices is not None:
        groups = list(grouping.choices.items())
    else:
        names = _officer_names(figures)
        officers = sorted((value for value in figures if value), key=lambda value: names.get(value, value))
        groups = [(value, names.get(value, value)) for value in officers]
        if None in figures:
            figures[NO_OFFICER] = figures.pop(None)
            groups.append((NO_OFFICER, str(_("without a liaison officer"))))
    rows = []
    for value, label in groups:
        counted = figures.get(value, {})
        median = counted.get("median")
        rows.append(
            GroupRow(
                grouping=grouping.key,
                grouping_label=str(grouping.label),
                value=value,
                label=str(label),
                code=grouping.list_code(value) if value != NO_OFFICER else None,
                organisations=int(counted.get("organisations") or 0),
                contacts=int(counted.get("contacts") or 0),
                interactions=int(counted.get("interactions") or 0),
                contacted=int(counted.get("contacted") or 0),
                overdue=int(counted.get("overdue") or 0),
                median_days_since_contact=round(float(median), 1) if median is not None else None,
                follow_ups_due=int(counted.get("due") or 0),
                follow_ups_on_time=int(counted.get("on_time") or 0),
                mean_sentiment=_rounded(counted.get("sentiment")),
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
    in the last two closed rounds, and the ranking of where to act first. Four queries on PostgreSQL (the closed
    rounds, their questions, the contact figures, the officers' names), whatever the number of organisations."""
    today = today or timezone.localdate()
    period = period or Period.last_twelve_months(today=today)
    latest_rounds = latest_closed_rounds()
    frozen = [figures for _round, figures in latest_rounds]
    columns = survey_columns(frozen)
    figures = contact_figures(period=period, today=today)
    tables = []
    for grouping in GROUPINGS:
        rows = _rows(grouping, figures[grouping.key])
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
