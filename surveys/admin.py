import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from stakeholders.models import Contact

from . import services
from .filters import RoundTargetFilterSet
from .models import Invitation, Question, Questionnaire, RoundStatus, SurveyRound
from .selectors import round_targets

TARGET_PREVIEW = 50


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["position", "code", "kind", "text_nl", "text_en", "required", "choices"]


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]
    inlines = [QuestionInline]


def target_filter_help() -> str:
    """The keys a round's target may use, each with its meaning and, for a choice, its values; and an example."""
    filterset = RoundTargetFilterSet(queryset=Contact.objects.none())
    keys, example = [], {}
    for name, field in filterset.form.fields.items():
        values = [str(value) for value, _label in getattr(field, "choices", ()) if value]
        keys.append(f"{name} ({field.label}{': ' + ', '.join(values) if values else ''})")
        if values and len(example) < 2:
            example[name] = values[0]
    return _(
        "The contacts the round invites, as filters of the contact list in JSON, for example %(example)s. Allowed "
        "keys: %(keys)s. Left empty, the round invites every active contact with an address who accepts mail."
    ) % {"example": json.dumps(example), "keys": "; ".join(keys)}


class SurveyRoundForm(forms.ModelForm):
    """Refuses a target the contact list's filters do not understand: an empty target would mean every contact."""

    class Meta:
        model = SurveyRound
        fields = [*services.ROUND_SETUP_FIELDS, "target_filter"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "target_filter" in self.fields:
            self.fields["target_filter"].help_text = target_filter_help()

    def clean_target_filter(self):
        target_filter = self.cleaned_data.get("target_filter") or {}
        if not isinstance(target_filter, dict):
            raise ValidationError(_('Write the target as filters, for example {"soort": "ngo"}.'))
        try:
            services.target_filter_validate(target_filter)
        except ValidationError as refused:
            raise ValidationError(refused.messages) from refused
        return target_filter


@admin.register(SurveyRound)
class SurveyRoundAdmin(admin.ModelAdmin):
    """Researchers set up a round here or in the research workspace, review its target contacts, then schedule it.
    Saving and the actions call the workspace's services; a round is changed only while it is a draft."""

    list_display = ["name", "status", "opens_at", "closes_at", "questionnaire", "results_link"]
    list_filter = ["status"]
    list_select_related = ["questionnaire"]
    search_fields = ["name"]
    readonly_fields = ["status", "interview_responses", "target_review", "results_link"]
    fields = [
        "name", "questionnaire", "status", "opens_at", "closes_at", "target_filter", "target_review",
        "reminder_after_days", "max_reminders", "min_group_size", "interview_responses", "results_link",
    ]  # fmt: skip
    actions = ["schedule", "remind", "close_early"]

    form = SurveyRoundForm

    def has_change_permission(self, request, obj=None):
        # Once scheduled, a round's set-up and target are what its invitations were, and will be, made from.
        if obj is not None and obj.status != RoundStatus.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            services.survey_round_update(survey_round=obj)
        else:
            services.survey_round_create(survey_round=obj, created_by=request.user)

    @admin.display(description=_("target contacts (review before scheduling)"))
    def target_review(self, survey_round):
        if survey_round.pk is None:
            return "–"
        targets = round_targets(survey_round=survey_round)
        count = targets.count()
        names = format_html_join(
            "", "<li>{} ({}, {})</li>", ((c.full_name, c.organisation.name, c.email) for c in targets[:TARGET_PREVIEW])
        )
        more = _("and %(count)d more") % {"count": count - TARGET_PREVIEW} if count > TARGET_PREVIEW else ""
        return format_html("<p>{}</p><ul>{}</ul><p>{}</p>", _("%(count)d contacts") % {"count": count}, names, more)

    @admin.display(description=_("results"))
    def results_link(self, survey_round):
        if survey_round.pk is None or survey_round.status == RoundStatus.DRAFT:
            return "–"
        return format_html('<a href="{}">{}</a>', reverse("surveys:results", args=[survey_round.pk]), _("results"))

    def _each(self, request, queryset, service, done: str) -> None:
        """Call the service for each selected round and say, per round, what came of it."""
        for survey_round in queryset:
            try:
                service(survey_round=survey_round)
            except ValidationError as refused:
                self.message_user(request, f"{survey_round}: {'; '.join(refused.messages)}", messages.ERROR)
            else:
                self.message_user(request, done % {"round": survey_round}, messages.SUCCESS)

    @admin.action(description=_("Schedule the selected draft rounds"), permissions=["change"])
    def schedule(self, request, queryset):
        self._each(request, queryset, services.survey_round_schedule, _("%(round)s is scheduled."))

    @admin.action(description=_("Send reminders now for the selected open rounds"), permissions=["change"])
    def remind(self, request, queryset):
        self._each(request, queryset, services.survey_round_remind, _("%(round)s: reminders sent where due."))

    @admin.action(description=_("Close the selected open rounds now"), permissions=["change"])
    def close_early(self, request, queryset):
        self._each(request, queryset, services.survey_round_close_early, _("%(round)s is closed."))


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Who was invited and whether they answered (a day, never a time of day, never the answers); interviews are
    entered from here."""

    list_display = ["contact", "round", "invited_at", "reminders_sent", "answered_on", "interview_link"]
    list_filter = ["round", ("answered_on", admin.EmptyFieldListFilter)]
    list_select_related = ["contact", "round"]
    search_fields = ["contact__last_name", "contact__email"]
    readonly_fields = [
        "round", "contact", "invited_at", "reminders_sent", "last_reminded_at", "link_used_on", "answered_on",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("interview"))
    def interview_link(self, invitation):
        if invitation.answered_on:
            return "–"
        url = reverse("surveys:interview", args=[invitation.pk])
        return format_html('<a href="{}">{}</a>', url, _("enter an interview"))
