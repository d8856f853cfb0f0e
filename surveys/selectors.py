"""Reads of surveys: who a round targets, and its results with every small group suppressed.

Results are aggregated in SQL (count, mean, sample standard deviation per question and per group), a fixed number of
queries per round whatever the number of responses. Suppression follows one rule: the cells left out of a table must
together hold either nothing or at least the round's minimum group size, so no small group can be recovered by
subtracting the shown cells from the total.
"""

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from fractions import Fraction

from django.db.models import Avg, Case, Count, OuterRef, Q, QuerySet, StdDev, Subquery, Sum, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from stakeholders.filters import ContactFilterSet
from stakeholders.models import Contact, ContactLevel, Organisation, OrganisationKind, OrganisationStatus, Scope

from .models import NOT_STATED, SCALES, Answer, Invitation, Question, QuestionKind, RoundStatus, SurveyRound

BREAKDOWNS = {
    "organisation_kind": (_("kind of organisation"), OrganisationKind),
    "respondent_level": (_("level"), ContactLevel),
    "organisation_scope": (_("scope"), Scope),
}


# The contact fields a round's target may filter on. Named by the field each filter reads rather than by its query
# parameter, so the target keys follow the contact list's FilterSet if its parameters are renamed.
TARGET_FIELDS = (
    "organisation__kind",
    "organisation__scope",
    "organisation__tags__name",
    "organisation__owner__username",
    "level",
    "preferred_language",
)


def target_filter_names() -> list[str]:
    """The contact list's filters a round's target may use, by their query parameter names, in the list's order."""
    return [name for name, declared in ContactFilterSet.base_filters.items() if declared.field_name in TARGET_FIELDS]


def contacts_invitable() -> QuerySet[Contact]:
    """The contacts any round may invite: active contacts with an address who accept mail, of active organisations."""
    return Contact.objects.filter(
        is_active=True,
        mail_opted_out_at__isnull=True,
        anonymised_at__isnull=True,
        organisation__status=OrganisationStatus.ACTIVE,
    ).exclude(email="")


def contacts_targeted(*, target_filter: Mapping) -> QuerySet[Contact]:
    """The invitable contacts that these filters of the contact list select, in the order the pages list them."""
    filtered = ContactFilterSet(data=target_filter, queryset=contacts_invitable()).qs
    return filtered.select_related("organisation").order_by("organisation__name", "last_name", "id")


def round_targets(*, survey_round: SurveyRound) -> QuerySet[Contact]:
    """The contacts a round invites: its filters over active contacts with an address who accept mail."""
    return contacts_targeted(target_filter=survey_round.target_filter)


def _count_of(queryset: QuerySet) -> Coalesce:
    counted = queryset.order_by().values("round").annotate(count=Count("pk")).values("count")
    return Coalesce(Subquery(counted), 0)


def survey_rounds_list() -> QuerySet[SurveyRound]:
    """Rounds with their progress. The responses are counted as the invitations answered: while a round is open,
    answers wait in the ballot box and reach the results tables only in batches (surveys/ballot.py), so the live
    count comes from the invitations; once the round is closed the two are the same."""
    # Counted in subqueries: two counted joins in one query would multiply invitations by answered ones.
    invitations = Invitation.objects.filter(round=OuterRef("pk"))
    return SurveyRound.objects.select_related("questionnaire").annotate(
        invitation_count=_count_of(invitations),
        response_count=_count_of(invitations.filter(answered_on__isnull=False)),
    )


def round_invitations(*, survey_round: SurveyRound) -> QuerySet[Invitation]:
    return survey_round.invitations.select_related("contact__organisation").order_by(
        "contact__organisation__name", "contact__last_name", "id"
    )


def organisation_survey_participation(*, organisation: Organisation) -> QuerySet[SurveyRound]:
    """Per round: how many of the organisation's contacts were invited and how many answered. Counts only."""
    invitations = Q(invitations__contact__organisation=organisation)
    return (
        SurveyRound.objects.filter(invitations)
        .annotate(
            invited=Count("invitations", filter=invitations),
            answered=Count("invitations", filter=invitations & Q(invitations__answered_on__isnull=False)),
        )
        .order_by("-opens_at")
    )


@dataclass
class SegmentProgress:
    label: str
    invited: int
    answered: int


@dataclass
class RoundProgress:
    """How far a round is, from its invitations only: how many were invited, used their link, answered, and how many
    reminders went out; per kind of organisation and per level, the same counts. Never an answer: those are in the
    results, with small groups suppressed."""

    invited: int
    started: int
    answered: int
    reminders: int
    segments: dict[str, list[SegmentProgress]]

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.invited if self.invited else None


# The segments progress is counted by: the contact's field, its label and its choices.
PROGRESS_SEGMENTS = {
    "contact__organisation__kind": (_("kind of organisation"), OrganisationKind),
    "contact__level": (_("level"), ContactLevel),
}


def round_progress(*, survey_round: SurveyRound) -> RoundProgress:
    """A round's progress in three queries, whatever the number of invitations."""
    invitations = Invitation.objects.filter(round=survey_round).order_by()
    answered = Count("pk", filter=Q(answered_on__isnull=False))
    totals = invitations.aggregate(
        invited=Count("pk"),
        started=Count("pk", filter=Q(link_used_on__isnull=False)),
        answered=answered,
        reminders=Coalesce(Sum("reminders_sent"), 0),
    )
    segments = {}
    for path, (label, choices) in PROGRESS_SEGMENTS.items():
        counts = {row[path]: row for row in invitations.values(path).annotate(invited=Count("pk"), answered=answered)}
        segments[str(label)] = [
            SegmentProgress(label=str(name), invited=counts[value]["invited"], answered=counts[value]["answered"])
            for value, name in choices.choices
            if value in counts
        ]
    return RoundProgress(**totals, segments=segments)


@dataclass
class Cell:
    """One figure of a results table: a group, its n, and its statistics unless it is suppressed."""

    label: str
    n: int
    mean: float | None = None
    sd: float | None = None
    suppressed: bool = False

    def hide(self) -> None:
        self.suppressed, self.mean, self.sd = True, None, None


@dataclass
class QuestionResult:
    question: Question
    overall: Cell
    distribution: list[tuple[str, int]] = field(default_factory=list)
    breakdowns: dict[str, list[Cell]] = field(default_factory=dict)
    # How many open answers show (0 when hidden), and those of the page asked for.
    open_answer_count: int = 0
    open_answers: list[str] = field(default_factory=list)
    open_answer_page: int = 1
    open_answer_pages: int = 0
    trend: list[Cell] = field(default_factory=list)

    @property
    def breakdown_tables(self) -> list[dict]:
        """Each breakdown with its key (for the API), its label (for people) and its cells."""
        return [
            {"dimension": dimension, "label": BREAKDOWNS[dimension][0], "groups": cells}
            for dimension, cells in self.breakdowns.items()
        ]

    @property
    def bars(self) -> list[dict]:
        """The distribution as bars of an SVG chart 100 units high, drawn by the template without any script."""
        highest = max((count for _label, count in self.distribution), default=0) or 1
        bars = []
        for index, (label, count) in enumerate(self.distribution):
            height = round(count / highest * 100)
            bars.append({"label": label, "count": count, "x": index * 34, "y": 105 - height, "height": height})
        return bars

    @property
    def chart_width(self) -> int:
        return max(len(self.distribution) * 34, 34)


@dataclass
class RoundResults:
    survey_round: SurveyRound
    invitations: int
    answered: int
    responses: int
    interview_responses: int
    suppressed: bool
    published: bool
    questions: list[QuestionResult]

    @property
    def response_rate(self) -> float | None:
        return round(self.answered / self.invitations, 3) if self.invitations else None


def suppress_small_groups(cells: list[Cell], *, minimum: int) -> None:
    """Hide every group under the minimum, then the next smallest until the hidden ones hold enough together."""
    hidden = [cell for cell in cells if 0 < cell.n < minimum]
    shown = sorted((cell for cell in cells if cell.n >= minimum), key=lambda cell: cell.n)
    while hidden and sum(cell.n for cell in hidden) < minimum and shown:
        hidden.append(shown.pop(0))
    for cell in hidden:
        cell.hide()


def _stats(row: dict) -> dict:
    mean, sd = row["mean"], row["sd"]
    # A standard deviation of 0 (everyone gave the same grade) is a figure, not a missing one.
    return {
        "n": row["n"],
        "mean": round(mean, 2) if mean is not None else None,
        "sd": round(sd, 2) if sd is not None else None,
    }


def _stats_of_sums(n: int, total: int, squares: int) -> dict:
    """n, mean and sample standard deviation from the count, sum and sum of squares of whole numbers, computed exactly
    (as PostgreSQL's AVG and STDDEV_SAMP over integers do) and then rounded like _stats."""
    mean = Fraction(total, n)
    sd = math.sqrt(Fraction(n * squares - total * total, n * (n - 1))) if n > 1 else None
    return _stats({"n": n, "mean": float(mean), "sd": sd})


def round_figures(*, survey_round: SurveyRound) -> dict:
    """Every figure of a round, suppression applied, as plain JSON: what surveys/results.py stores when the round
    closes and what the results page, CSV and API show. Groups are stored by their value (a kind, a level, "" for
    "not stated") and choices by theirs, so labels are translated when read; open answers by their count only.

    While the round is open only its progress shows: figures that change with each response would give away one
    known respondent's answers to anyone comparing before and after. So an open round costs no aggregate query.
    """
    minimum = survey_round.min_group_size
    published = survey_round.status == RoundStatus.CLOSED
    questions = list(survey_round.questionnaire.questions.all())
    answers = Answer.objects.filter(response__round=survey_round)
    numbers = answers.filter(number__isnull=False)

    overall: dict[int, dict] = {}
    counts: dict[int, int] = {}
    distribution: dict[int, dict[str, int]] = {}
    per_group: dict[str, dict[int, dict[str, dict]]] = {}
    if published:
        # One scan of the numeric answers, grouped by question, value and segment (a few thousand groups however
        # many answers), gives the overall figures, the distributions and every breakdown: seven grouped scans of
        # all answers took most of a close. Sums of integers are exact, so mean and deviation are those SQL gives.
        dimensions = list(BREAKDOWNS)
        cube = numbers.values("question_id", "number", *(f"response__{dimension}" for dimension in dimensions))
        totals: dict[tuple, list[int]] = {}
        for row in cube.annotate(n=Count("id")).order_by():
            question, number, n = row["question_id"], row["number"], row["n"]
            distribution.setdefault(question, {})
            distribution[question][str(number)] = distribution[question].get(str(number), 0) + n
            keys = [(question, None, None)] + [(question, d, row[f"response__{d}"]) for d in dimensions]
            for key in keys:
                sums = totals.setdefault(key, [0, 0, 0])
                sums[0] += n
                sums[1] += n * number
                sums[2] += n * number * number
        for (question, dimension, value), (n, total, squares) in totals.items():
            stats = _stats_of_sums(n, total, squares)
            if dimension is None:
                overall[question] = stats
            else:
                per_group.setdefault(dimension, {}).setdefault(question, {})[value] = stats
        # Answers without a number (choices and open answers), in one more scan: counted per question, and a choice's
        # per chosen text (an open answer's text is no group).
        choice = Case(When(question__kind=QuestionKind.CHOICE, then="text"), default=None)
        for row in answers.filter(number__isnull=True).values("question_id", choice=choice).annotate(n=Count("id")):
            counts[row["question_id"]] = counts.get(row["question_id"], 0) + row["n"]
            if row["choice"] is not None:
                distribution.setdefault(row["question_id"], {})[row["choice"]] = row["n"]
    answered = survey_round.invitations.filter(answered_on__isnull=False).count()
    # While the round is open its answers are still (partly) in the ballot box: its progress counts the invitations
    # answered. Once closed, every ballot has moved (survey_round_close) and the results tables hold them all.
    responses = survey_round.responses.count() if published else answered

    results = []
    for question in questions:
        stats = overall.get(question.pk, {"n": counts.get(question.pk, 0), "mean": None, "sd": None})
        cell = Cell(label="", **stats)
        result: dict = {"question": question.pk, "code": question.code, "kind": question.kind, "distribution": [],
                        "breakdowns": {}, "open_answers": 0}  # fmt: skip
        if question.kind == QuestionKind.TEXT and responses >= minimum:
            result["open_answers"] = cell.n
        if question.kind != QuestionKind.TEXT:
            result["distribution"] = [
                list(pair) for pair in _ordered_distribution(question, distribution.get(question.pk, {}))
            ]
        if question.is_numeric:
            for dimension, (_label, segment_choices) in BREAKDOWNS.items():
                groups = per_group.get(dimension, {}).get(question.pk, {})
                cells = [
                    Cell(label=value, **groups.get(value, {"n": 0, "mean": None, "sd": None}))
                    for value in segment_choices.values
                ]
                if NOT_STATED in groups:
                    # Responses whose segment was generalised for k-anonymity when the round closed.
                    cells.append(Cell(label=NOT_STATED, **groups[NOT_STATED]))
                suppress_small_groups(cells, minimum=minimum)
                result["breakdowns"][dimension] = [asdict(cell) for cell in cells]
        if cell.n < minimum or not published:
            cell.hide()
            result["distribution"] = []
            result["breakdowns"] = {}
            result["open_answers"] = 0
        result["overall"] = asdict(cell)
        results.append(result)
    return {
        "invitations": survey_round.invitations.count(),
        "answered": answered,
        "responses": responses,
        "interview_responses": survey_round.interview_responses,
        "suppressed": responses < minimum or not published,
        "published": published,
        "questions": results,
    }


def results_from_figures(
    *, survey_round: SurveyRound, figures: dict, trends: dict[str, list[Cell]] | None = None
) -> RoundResults:
    """The figures of round_figures (computed now or stored at the close) as the results page, CSV and API read
    them, with their labels in the current language. One query: the questionnaire's questions."""
    questions = {question.pk: question for question in survey_round.questionnaire.questions.all()}
    segment_labels = {dimension: dict(choices.choices) for dimension, (_label, choices) in BREAKDOWNS.items()}
    results = []
    for stored in figures["questions"]:
        question = questions[stored["question"]]
        overall = Cell(**{**stored["overall"], "label": str(_("all respondents"))})
        labels = dict(question.choice_options()) if question.kind == QuestionKind.CHOICE else {}
        breakdowns = {
            dimension: [
                Cell(**{**cell, "label": str(segment_labels[dimension].get(cell["label"], _("not stated")))})
                for cell in cells
            ]
            for dimension, cells in stored["breakdowns"].items()
        }
        results.append(QuestionResult(
            question=question,
            overall=overall,
            distribution=[(labels.get(value, value), count) for value, count in stored["distribution"]],
            breakdowns=breakdowns,
            open_answer_count=stored["open_answers"],
            trend=(trends or {}).get(question.code, []) if question.is_numeric else [],
        ))  # fmt: skip
    return RoundResults(
        survey_round=survey_round,
        invitations=figures["invitations"],
        answered=figures["answered"],
        responses=figures["responses"],
        interview_responses=figures["interview_responses"],
        suppressed=figures["suppressed"],
        published=figures["published"],
        questions=results,
    )


def round_results(*, survey_round: SurveyRound, with_trends: bool = False) -> RoundResults:
    """The figures of a round computed now from the answers, with every open answer in a random order, and with
    `with_trends` each numeric question's trend across closed rounds. The pages read the figures stored at the
    close instead (surveys/results.py); this is what they were computed from."""
    figures = round_figures(survey_round=survey_round)
    trends = None
    if with_trends:
        trends = question_trends(codes=[stored["code"] for stored in figures["questions"] if stored["kind"] in SCALES])
    outcome = results_from_figures(survey_round=survey_round, figures=figures, trends=trends)
    shown = [result.question.pk for result in outcome.questions if result.open_answer_count]
    texts: dict[int, list[str]] = {}
    # Random order, so the list says nothing about who answered when.
    for question_id, text in (
        Answer.objects.filter(response__round=survey_round, question__in=shown)
        .order_by("?")
        .values_list("question_id", "text")
    ):
        texts.setdefault(question_id, []).append(text)
    for result in outcome.questions:
        result.open_answers = texts.get(result.question.pk, [])
    return outcome


def _ordered_distribution(question: Question, counts: dict[str, int]) -> list[tuple[str, int]]:
    """Every value a question can be answered with, in order, with its count; a choice by its value."""
    if question.is_numeric:
        low, high = SCALES[question.kind]
        return [(str(value), counts.get(str(value), 0)) for value in range(low, high + 1)]
    return [(choice["value"], counts.get(choice["value"], 0)) for choice in question.choices]


def question_trends(*, codes: list[str]) -> dict[str, list[Cell]]:
    """Per question code, its mean per closed round, oldest first, in one query; rounds under their minimum are
    suppressed."""
    rows = (
        Answer.objects.filter(question__code__in=codes, number__isnull=False)
        .filter(response__round__status=RoundStatus.CLOSED)
        .values(
            "question__code",
            "response__round_id",
            "response__round__name",
            "response__round__opens_at",
            "response__round__min_group_size",
        )  # fmt: skip
        .annotate(n=Count("id"), mean=Avg("number"), sd=StdDev("number", sample=True))
        .order_by("response__round__opens_at", "response__round_id")
    )
    trends: dict[str, list[Cell]] = {code: [] for code in codes}
    for row in rows:
        cell = Cell(label=row["response__round__name"], **_stats(row))
        if cell.n < row["response__round__min_group_size"]:
            cell.hide()
        trends[row["question__code"]].append(cell)
    return trends
