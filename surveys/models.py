"""Questionnaires, survey rounds, invitations and anonymous responses.

Anonymity is a property of the schema: a response and its answers hold the answers, the respondent's segment and
their round, and nothing that points at a contact, an invitation, a token or a user (tests/surveys/test_anonymity.py
reads the schema to prove it). The invitation only learns that it was answered, and on which day.

Anonymity also holds against someone who reads the database, a backup or its logs: an answer first waits, sealed,
in the ballot box (Ballot) and reaches the results tables later, in a shuffled batch written by a job of its own
(surveys/ballot.py), so no transaction id, physical order, id or moment ties a response to the invitation answered.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from stakeholders.models import ContactLevel, OrganisationKind, Scope


class QuestionKind(models.TextChoices):
    GRADE = "grade", _("grade 1–10")
    LIKERT = "likert", _("Likert scale 1–5")
    CHOICE = "choice", _("single choice")
    TEXT = "text", _("open text")


# The numeric range of each kind of question that is answered with a number.
SCALES: dict[str, tuple[int, int]] = {QuestionKind.GRADE: (1, 10), QuestionKind.LIKERT: (1, 5)}


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SCHEDULED = "scheduled", _("scheduled")
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class Questionnaire(models.Model):
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    code = models.SlugField(
        _("code"), max_length=50, help_text=_("Stays the same across rounds, so results can be compared over time.")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    text_nl = models.CharField(_("text (Dutch)"), max_length=500)
    text_en = models.CharField(_("text (English)"), max_length=500)
    # For single choice: [{"value": "...", "nl": "...", "en": "..."}, ...].
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)

    class Meta:
        ordering = ["questionnaire", "position"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="question_code_unique"),
            models.UniqueConstraint(fields=["questionnaire", "position"], name="question_position_unique"),
            models.CheckConstraint(condition=Q(kind__in=QuestionKind.values), name="question_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text}"

    @property
    def text(self) -> str:
        return self.text_en if get_language() == "en" else self.text_nl

    @property
    def is_numeric(self) -> bool:
        return self.kind in SCALES

    def choice_options(self) -> list[tuple[str, str]]:
        language = "en" if get_language() == "en" else "nl"
        return [(choice["value"], choice[language]) for choice in self.choices]


class SurveyRound(models.Model):
    name = models.CharField(_("name"), max_length=200)
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.PROTECT, related_name="rounds"
    )
    status = models.CharField(_("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    # Filters of the contact list (stakeholders.filters.ContactFilterSet), those selectors.target_filter_names allows.
    target_filter = models.JSONField(_("target contacts"), default=dict, blank=True)
    reminder_after_days = models.PositiveSmallIntegerField(
        _("remind after (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("Days after the invitation, or the previous reminder, before the next reminder."),
    )
    max_reminders = models.PositiveSmallIntegerField(
        _("at most this many reminders"), default=2, validators=[MaxValueValidator(5)]
    )
    min_group_size = models.PositiveSmallIntegerField(
        _("minimum group size for reporting"), default=5, validators=[MinValueValidator(2)]
    )
    interview_responses = models.PositiveIntegerField(_("responses by interview"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-opens_at", "-id"]
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=RoundStatus.values), name="round_status_valid"),
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")),
                name="round_closes_after_opening",
                violation_error_message=_("A round must close after it opens."),
            ),
            models.CheckConstraint(condition=Q(min_group_size__gte=2), name="round_min_group_at_least_2"),
        ]
        indexes = [
            # The rounds job: scheduled rounds whose opening came, open rounds whose closing came.
            models.Index(fields=["status", "opens_at"], name="round_status_opens_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class Invitation(models.Model):
    """A contact asked to take part in a round. It learns only whether, and on which day, it was answered."""

    round = models.ForeignKey(
        SurveyRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="invitations"
    )
    contact = models.ForeignKey(
        "stakeholders.Contact", verbose_name=_("contact person"), on_delete=models.CASCADE, related_name="invitations"
    )
    invited_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_reminded_at = models.DateTimeField(_("last reminded at"), null=True, blank=True)
    # Days only: a moment could be matched with the order in which responses arrive.
    link_used_on = models.DateField(_("link used on"), null=True, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)

    class Meta:
        ordering = ["round", "id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [models.UniqueConstraint(fields=["round", "contact"], name="invitation_once_per_contact")]
        indexes = [
            # Reminders: the unanswered invitations of a round.
            models.Index(fields=["round", "answered_on"], name="invitation_round_answered_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.round} – {self.contact}"


class InvitationToken(models.Model):
    """The SHA-256 digest of a personal link's secret; the secret itself exists only in the mail that carries it.

    Every mail of an invitation (the invitation, each reminder) has its own secret; the first one used ends them all.
    """

    invitation = models.ForeignKey(
        Invitation, verbose_name=_("invitation"), on_delete=models.CASCADE, related_name="tokens"
    )
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("link token")
        verbose_name_plural = _("link tokens")

    def __str__(self) -> str:
        return self.digest[:8]


class Ballot(models.Model):
    """A submitted response waiting in the sealed ballot box: its round and its answers and segment sealed
    (encrypted, authenticated and padded) with a key derived from SECRET_KEY, which the database never holds.

    Written in the transaction that marks the invitation answered, so a reader of the live database sees which
    invitation a ballot came with, but not what it says; the ballot job (surveys/ballot.py) moves the ballots into
    Response and Answer in shuffled batches and deletes them.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(SurveyRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="+")
    sealed = models.BinaryField(_("sealed answers"))

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")

    def __str__(self) -> str:
        return str(self.id)


# A segment attribute that was suppressed for k-anonymity when the round closed (surveys/ballot.py).
NOT_STATED = ""


class Response(models.Model):
    """One anonymous set of answers: a random id, its round and the respondent's segment. No moment at all: even a
    day could be matched with the day an invitation was answered.

    When the round closes, segment attributes are suppressed (NOT_STATED) until every combination stored is shared
    by at least the round's minimum group size of responses.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(SurveyRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="responses")
    organisation_kind = models.CharField(
        _("kind of organisation"), max_length=20, choices=OrganisationKind.choices, blank=True
    )
    organisation_scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices, blank=True)
    respondent_level = models.CharField(_("level"), max_length=20, choices=ContactLevel.choices, blank=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")

    def __str__(self) -> str:
        return str(self.id)


class Answer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="+")
    number = models.SmallIntegerField(_("number"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="answer_once_per_question")]
        indexes = [
            # Results: answers of a round's responses per question.
            models.Index(fields=["question", "number"], name="answer_question_number_idx"),
        ]

    def __str__(self) -> str:
        return str(self.number) if self.number is not None else self.text[:40]


class FrozenResults(models.Model):
    """The figures of a closed round, computed once when it closed (surveys/results.py): every figure the results
    page, CSV and API show, with suppression applied, as JSON. A closed round's answers no longer change, so its
    figures do not either; only the trend across rounds is put together when read, from these rows."""

    round = models.OneToOneField(
        SurveyRound, verbose_name=_("round"), on_delete=models.CASCADE, primary_key=True, related_name="frozen_results"
    )
    figures = models.JSONField(_("figures"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("survey results")
        verbose_name_plural = _("survey results")

    def __str__(self) -> str:
        return str(self.round_id)


class OpenAnswerPosition(models.Model):
    """An open answer's place in its question's list on the results pages: positions 1..n in a random order drawn
    when the round closed, so a page of open answers is a range on an index, however deep. Holds no text: that
    stays in Answer, the one place where erasing a person replaces their name."""

    # No index of their own: the unique constraint below serves the pages and a round's delete; one index less
    # to fill for every open answer at the close.
    round = models.ForeignKey(
        SurveyRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    position = models.PositiveIntegerField(_("position"))
    answer = models.OneToOneField(Answer, verbose_name=_("answer"), on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("open answer position")
        verbose_name_plural = _("open answer positions")
        constraints = [
            # Also the index of a page of open answers: round, question and a range of positions.
            models.UniqueConstraint(fields=["round", "question", "position"], name="open_answer_position_unique"),
        ]

    def __str__(self) -> str:
        return str(self.position)
