"""The survey side of the steering figures: each group's grades in the last two closed rounds, read from the figures
frozen when a round closed (surveys/results.py), suppression included, never recomputed from the answers."""

from dataclasses import dataclass

from surveys.models import SCALES, FrozenResults, Question, QuestionKind, RoundStatus, SurveyRound
from surveys.results import round_results_frozen


@dataclass
class SurveyCell:
    """A group's figure for one question in one round, as the frozen results show it."""

    n: int
    mean: float | None
    suppressed: bool


@dataclass
class SurveyColumn:
    """A question scored on a scale (the overall grade or a dimension), by its code that stays across rounds."""

    code: str
    label: str
    is_grade: bool


@dataclass
class SurveyFigures:
    """One group's figures for one question: in the latest closed round and the one before, and the change."""

    code: str
    latest: SurveyCell | None
    previous: SurveyCell | None

    @property
    def suppressed(self) -> bool:
        return self.latest is not None and self.latest.suppressed

    @property
    def change(self) -> float | None:
        if self.latest is None or self.previous is None or self.latest.mean is None or self.previous.mean is None:
            return None
        return round(self.latest.mean - self.previous.mean, 2)


def latest_closed_rounds() -> list[tuple[SurveyRound, FrozenResults]]:
    """The frozen figures of the last two closed rounds, the latest first: one query once their figures are stored
    (a round closed before figures were stored gets them now, as on its results page)."""
    rounds = (
        SurveyRound.objects.filter(status=RoundStatus.CLOSED)
        .select_related("frozen_results")
        .order_by("-closes_at", "-id")[:2]
    )
    frozen = []
    for survey_round in rounds:
        if hasattr(survey_round, "frozen_results"):
            frozen.append((survey_round, survey_round.frozen_results))
        else:
            frozen.append((survey_round, round_results_frozen(survey_round=survey_round)))
    return frozen


def survey_columns(frozen: list[FrozenResults]) -> list[SurveyColumn]:
    """The questions on a scale of the latest round, the overall grade first, labelled in the reader's language."""
    if not frozen:
        return []
    stored = [question for question in frozen[0].figures["questions"] if question["kind"] in SCALES]
    texts = {question.pk: question.text for question in Question.objects.filter(pk__in=[q["question"] for q in stored])}
    columns = [
        SurveyColumn(code=question["code"], label=texts.get(question["question"], question["code"]),
                     is_grade=question["kind"] == QuestionKind.GRADE)
        for question in stored
    ]  # fmt: skip
    return sorted(columns, key=lambda column: not column.is_grade)


def survey_cell(figures: dict, *, code: str, breakdown: str, value: str) -> SurveyCell | None:
    """A group's cell in one round's frozen figures; suppressed where the whole question is; None where the round
    did not ask the question."""
    question = next((stored for stored in figures["questions"] if stored["code"] == code), None)
    if question is None:
        return None
    cells = question["breakdowns"].get(breakdown)
    if cells is None:
        # The round's figures hide the whole question (too few answers), and so every group.
        return SurveyCell(n=0, mean=None, suppressed=True)
    cell = next((cell for cell in cells if cell["label"] == value), None)
    if cell is None:
        return SurveyCell(n=0, mean=None, suppressed=False)
    return SurveyCell(n=cell["n"], mean=cell["mean"], suppressed=cell["suppressed"])
