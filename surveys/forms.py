from django import forms
from django.utils.translation import gettext_lazy as _

from crm.web.forms import DateTimeLocalInput, StyledForm, StyledModelForm, widgets_style

from .models import SCALES, Question, QuestionKind, SurveyRound
from .services import ROUND_SETUP_FIELDS, round_moment_validate

LIKERT_LABELS = {
    1: _("strongly disagree"),
    2: _("disagree"),
    3: _("neither agree nor disagree"),
    4: _("agree"),
    5: _("strongly agree"),
}


def _field_for(question: Question) -> forms.Field:
    common = {"label": question.text, "required": question.required}
    if question.kind == QuestionKind.TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, **common)
    if question.kind == QuestionKind.CHOICE:
        return forms.ChoiceField(choices=question.choice_options(), widget=forms.RadioSelect, **common)
    low, high = SCALES[question.kind]
    choices = [
        (value, f"{value} – {LIKERT_LABELS[value]}" if question.kind == QuestionKind.LIKERT else str(value))
        for value in range(low, high + 1)
    ]
    return forms.TypedChoiceField(choices=choices, coerce=int, empty_value=None, widget=forms.RadioSelect, **common)


class AnswerForm(StyledForm):
    """One field per question, in order; radio buttons and text areas, so it works without JavaScript."""

    def __init__(self, *args, questions: list[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = {f"q_{question.code}": question for question in questions}
        for name, question in self.questions.items():
            self.fields[name] = _field_for(question)
        widgets_style(self)

    def full_clean(self):
        super().full_clean()
        # Tie each error to its field for screen readers; the template renders the message with this id.
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update({"aria-describedby": f"{name}-error", "aria-invalid": "true"})

    def answers(self) -> dict[Question, int | str | None]:
        return {question: self.cleaned_data.get(name) for name, question in self.questions.items()}


class RoundSetupForm(StyledModelForm):
    """A draft round's set-up: which questionnaire, when, its reminders and its minimum group size. Its target is
    chosen on a page of its own, with the contact list's filters."""

    class Meta:
        model = SurveyRound
        fields = ROUND_SETUP_FIELDS
        widgets = {"opens_at": DateTimeLocalInput(), "closes_at": DateTimeLocalInput()}
        help_texts = {
            "opens_at": _("The invitations go out at this moment, once the round is scheduled."),
            "min_group_size": _("Results of a smaller group of respondents are not shown."),
        }

    def clean_opens_at(self):
        return self._near_today(self.cleaned_data["opens_at"])

    def clean_closes_at(self):
        return self._near_today(self.cleaned_data["closes_at"])

    @staticmethod
    def _near_today(moment):
        round_moment_validate(moment)
        return moment

    def clean(self):
        cleaned = super().clean()
        opens_at, closes_at = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            # Beside the field, rather than as the database constraint's error at the top.
            self.add_error("closes_at", _("A round must close after it opens."))
        return cleaned
