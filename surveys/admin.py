from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from . import services
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


class SurveyRoundForm(forms.ModelForm):
    """Refuses a target the contact list's filters do not understand: an empty target would mean every contact."""

    class Meta:
        model = SurveyRound
        fields = [
            "name", "questionnaire", "opens_at", "closes_at", "target_filter", "reminder_after_days",
            "max_reminders", "min_group_size",
        ]  # fmt: skip

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
    """Researchers set up a round here, review its target contacts, then schedule it."""

    list_display = ["name", "status", "opens_at", "closes_at", "questionnaire", "results_link"]
    list_filter = ["status"]
    list_select_related = ["questionnaire"]
    search_fields = ["name"]
    readonly_fields = ["status", "interview_responses", "target_review", "results_link"]
    fields = [
        "name", "questionnaire", "status", "opens_at", "closes_at", "target_filter", "target_review",
        "reminder_after_days", "max_reminders", "min_group_size", "interview_responses", "results_link",
    ]  # fmt: skip
    actions = ["schedule"]

    form = SurveyRoundForm

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

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

    @admin.action(description=_("Schedule the selected draft rounds"), permissions=["change"])
    def schedule(self, request, queryset):
        for survey_round in queryset:
            try:
                services.survey_round_schedule(survey_round=survey_round)
            except ValidationError as refused:
                self.message_user(request, f"{survey_round}: {'; '.join(refused.messages)}", messages.ERROR)
            else:
                self.message_user(request, _("%(round)s is scheduled.") % {"round": survey_round}, messages.SUCCESS)


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
