"""Demo survey rounds for `seed_demo`: last year's closed round, whose overall grade comes out at 7.1 as in the
agency's reputation study, and this year's open round. Reproducible from the seed; a second run adds nothing."""

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from stakeholders.models import Contact
from surveys.models import Answer, Invitation, Question, Questionnaire, Response, RoundStatus, SurveyRound

DEFAULT_QUESTIONNAIRE = "Reputatieonderzoek partners"
# 60 grades that add up to 426: a mean of exactly 7.1.
LAST_YEARS_GRADES = {4: 2, 5: 4, 6: 10, 7: 21, 8: 17, 9: 5, 10: 1}
# Likert weights (1..5) per dimension: strong on knowledge and care, weaker on flexibility and initiative.
STRENGTHS = {"reliability", "carefulness", "lawfulness", "specialist_knowledge"}
STRONG, WEAK = (1, 3, 10, 25, 11), (4, 12, 20, 12, 2)
DIRECTING_ROLE = {"too_little": 6, "right": 3, "too_much": 1, "unknown": 1}
OPEN_ANSWERS = {
    "experiences": ["Deskundige contactpersonen, maar lange lijnen.", "Zorgvuldig en betrouwbaar in afspraken."],
    "expectations": ["Meer regie in de keten.", "Sneller schakelen als de situatie verandert."],
    "wishes": ["Vaker overleg op uitvoerend niveau.", "Meer oog voor de menselijke maat."],
}


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9)))


def seed_demo_surveys(*, seed: int, as_of: date) -> int:
    questionnaire = Questionnaire.objects.filter(name=DEFAULT_QUESTIONNAIRE).first()
    if questionnaire is None:
        return 0
    rng = random.Random(seed)
    contacts = list(Contact.objects.filter(is_active=True).exclude(email="").select_related("organisation"))
    if len(contacts) < 60:
        return 0
    rounds = 0
    last_year = f"{DEFAULT_QUESTIONNAIRE} {as_of.year - 1}"
    if not SurveyRound.objects.filter(name=last_year).exists():
        grades = [grade for grade, count in LAST_YEARS_GRADES.items() for _ in range(count)]
        rng.shuffle(grades)
        opens = date(as_of.year - 1, 9, 1)
        _seed_round(rng, questionnaire, last_year, RoundStatus.CLOSED, opens, opens + timedelta(days=42),
                    rng.sample(contacts, min(len(contacts), 120)), grades)  # fmt: skip
        rounds += 1
    this_year = f"{DEFAULT_QUESTIONNAIRE} {as_of.year}"
    if not SurveyRound.objects.filter(name=this_year).exists():
        grades = [rng.choice([6, 7, 7, 7, 8, 8, 9]) for _ in range(24)]
        _seed_round(rng, questionnaire, this_year, RoundStatus.OPEN, as_of - timedelta(days=10),
                    as_of + timedelta(days=20), rng.sample(contacts, min(len(contacts), 80)), grades)  # fmt: skip
        rounds += 1
    return rounds


@transaction.atomic
def _seed_round(rng, questionnaire, name, status, opens, closes, invitees, grades) -> None:
    survey_round = SurveyRound.objects.create(
        name=name, questionnaire=questionnaire, status=status, opens_at=_moment(opens), closes_at=_moment(closes)
    )
    answered_on = min(opens + timedelta(days=7), closes)
    Invitation.objects.bulk_create(
        Invitation(round=survey_round, contact=contact, answered_on=answered_on if index < len(grades) else None)
        for index, contact in enumerate(invitees)
    )
    Invitation.objects.filter(round=survey_round).update(invited_at=_moment(opens))
    questions = {question.code: question for question in Question.objects.filter(questionnaire=questionnaire)}
    responses, answers = [], []
    for contact, grade in zip(invitees, grades, strict=False):
        response = Response(
            round=survey_round,
            organisation_kind=contact.organisation.kind,
            organisation_scope=contact.organisation.scope,
            respondent_level=contact.level,
        )
        responses.append(response)
        answers.append(Answer(response=response, question=questions["overall_grade"], number=grade))
        for code, question in questions.items():
            if question.kind == "likert":
                weights = STRONG if code in STRENGTHS else WEAK
                answers.append(
                    Answer(response=response, question=question, number=rng.choices(range(1, 6), weights)[0])
                )
            elif question.kind == "choice":
                choice = rng.choices(list(DIRECTING_ROLE), list(DIRECTING_ROLE.values()))[0]
                answers.append(Answer(response=response, question=question, text=choice))
            elif question.kind == "text" and rng.random() < 0.4:
                answers.append(Answer(response=response, question=question, text=rng.choice(OPEN_ANSWERS[code])))
    Response.objects.bulk_create(responses)
    Answer.objects.bulk_create(answers)
