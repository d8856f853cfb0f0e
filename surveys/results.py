"""Results frozen at close: a closed round's figures are computed once, in its close transaction, and stored.

A closed round's answers no longer change (the ballots moved and the segments were generalised before the round
counts as closed), so neither do its figures. `round_results_freeze` computes every figure the results page, CSV and
API show, suppression applied (selectors.round_figures), and stores them as JSON in FrozenResults; the pages read that
row. Open answers are not copied: each gets a position in a random order drawn at the close (OpenAnswerPosition), so
a page of them is a range of positions on an index, and the text stays in Answer, where erasing a person replaces
their name.

The trend across rounds is put together when read, from the stored overall figures of every closed round: those are
frozen too, and a round's page then also shows the rounds that closed after it.

A round closed before figures were stored gets them on its first read (through the same service), or all at once
with `manage.py survey_results_freeze`.
"""

from django.db import connection, transaction
from django.utils import timezone

from .models import (
    SCALES,
    Answer,
    FrozenResults,
    OpenAnswerPosition,
    QuestionKind,
    Response,
    RoundStatus,
    SurveyRound,
)
from .selectors import Cell, RoundResults, results_from_figures, round_figures

OPEN_ANSWERS_PER_PAGE = 50


def round_results_freeze(*, survey_round: SurveyRound) -> FrozenResults:
    """Compute and store the figures of a closed round, and the random order of its open answers, replacing what
    was stored. Called in the close's transaction (services.survey_round_close), after the ballots moved and the
    segments were generalised; and again whenever a closed round's answers change (the ballot job)."""
    if survey_round.status != RoundStatus.CLOSED:
        raise ValueError("only a closed round's figures are frozen")
    with transaction.atomic():
        figures = round_figures(survey_round=survey_round)
        OpenAnswerPosition.objects.filter(round=survey_round).delete()
        shown = [stored["question"] for stored in figures["questions"] if stored["open_answers"]]
        if shown:
            _open_answers_shuffle(survey_round=survey_round, question_ids=shown)
        frozen, _created = FrozenResults.objects.update_or_create(
            round=survey_round, defaults={"figures": figures, "computed_at": timezone.now()}
        )
    return frozen


def _open_answers_shuffle(*, survey_round: SurveyRound, question_ids: list[int]) -> None:
    """Number the open answers of these questions 1..n per question, in a random order, in one statement."""
    placeholders = ", ".join(["%s"] * len(question_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {OpenAnswerPosition._meta.db_table} (round_id, question_id, position, answer_id)
            SELECT r.round_id, a.question_id, ROW_NUMBER() OVER (PARTITION BY a.question_id ORDER BY RANDOM()), a.id
            FROM {Answer._meta.db_table} a JOIN {Response._meta.db_table} r ON r.id = a.response_id
            WHERE r.round_id = %s AND a.question_id IN ({placeholders})
            """,  # noqa: S608 (table names from the models, values as parameters)
            [survey_round.pk, *question_ids],
        )


def round_results_read(*, survey_round: SurveyRound, open_answer_pages: dict[str, int] | None = None) -> RoundResults:
    """What the results page, CSV and API show: an open round's progress only; a closed round's stored figures
    (stored now if it closed before figures were), the trend across closed rounds, and one page of open answers
    per open question (`open_answer_pages`: question code -> page, else the first). A fixed number of queries,
    whatever the number of responses."""
    if survey_round.status != RoundStatus.CLOSED:
        return results_from_figures(survey_round=survey_round, figures=round_figures(survey_round=survey_round))
    frozen = round_results_frozen(survey_round=survey_round)
    codes = [stored["code"] for stored in frozen.figures["questions"] if stored["kind"] in SCALES]
    outcome = results_from_figures(survey_round=survey_round, figures=frozen.figures, trends=frozen_trends(codes=codes))
    for result in outcome.questions:
        if result.question.kind != QuestionKind.TEXT or not result.open_answer_count:
            continue
        result.open_answer_pages = -(-result.open_answer_count // OPEN_ANSWERS_PER_PAGE)
        result.open_answer_page = min(max((open_answer_pages or {}).get(result.question.code, 1), 1),
                                      result.open_answer_pages)  # fmt: skip
        result.open_answers = round_open_answers(
            survey_round=survey_round, question_id=result.question.pk, page=result.open_answer_page
        )
    return outcome


def round_results_frozen(*, survey_round: SurveyRound) -> FrozenResults:
    """A closed round's stored figures; stored now if it closed before figures were."""
    frozen = FrozenResults.objects.filter(round=survey_round).first()
    return frozen if frozen is not None else _freeze_once(survey_round=survey_round)


def _freeze_once(*, survey_round: SurveyRound) -> FrozenResults:
    # Two first readers at once: the round's lock makes the second wait and then find the stored figures.
    with transaction.atomic():
        SurveyRound.objects.select_for_update().filter(pk=survey_round.pk).first()
        frozen = FrozenResults.objects.filter(round=survey_round).first()
        return frozen or round_results_freeze(survey_round=survey_round)


def round_open_answers(*, survey_round: SurveyRound, question_id: int, page: int) -> list[str]:
    """One page of a question's open answers in the order drawn at the close; only those of a question whose
    figures show (the positions exist for no other)."""
    first = (page - 1) * OPEN_ANSWERS_PER_PAGE + 1
    return list(
        OpenAnswerPosition.objects.filter(
            round=survey_round, question_id=question_id, position__gte=first, position__lt=first + OPEN_ANSWERS_PER_PAGE
        )
        .order_by("position")
        .values_list("answer__text", flat=True)
    )


def frozen_trends(*, codes: list[str]) -> dict[str, list[Cell]]:
    """Per question code, its overall figure in every closed round's stored figures, oldest round first, in one
    query; the same figures as selectors.question_trends, suppression included."""
    trends: dict[str, list[Cell]] = {code: [] for code in codes}
    rounds = (
        FrozenResults.objects.filter(round__status=RoundStatus.CLOSED)
        .order_by("round__opens_at", "round_id")
        .values_list("round__name", "figures")
    )
    for name, figures in rounds:
        for stored in figures["questions"]:
            if stored["code"] in trends and stored["kind"] in SCALES and stored["overall"]["n"]:
                trends[stored["code"]].append(Cell(**{**stored["overall"], "label": name}))
    return trends


def closed_rounds_freeze(*, again: bool = False) -> int:
    """Store the figures of every closed round that has none (with `again`, of every closed round); the command
    survey_results_freeze calls this. Each round in a transaction of its own, holding the round's lock."""
    rounds = SurveyRound.objects.filter(status=RoundStatus.CLOSED)
    if not again:
        rounds = rounds.filter(frozen_results__isnull=True)
    frozen = 0
    for survey_round_id in rounds.values_list("pk", flat=True):
        with transaction.atomic():
            survey_round = SurveyRound.objects.select_for_update().get(pk=survey_round_id)
            round_results_freeze(survey_round=survey_round)
            frozen += 1
    return frozen
