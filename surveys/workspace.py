"""The research workspace: a researcher sets up a round, chooses whom it invites with the contact list's own filters,
schedules it, sends reminders and closes it, without admin. The list and the round's page (views.py) show the same
rounds read-only to every role that may see them. Every write is a service of services.py, the same that admin calls.
"""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from crm.templatetags.people import person
from crm.web.forms import errors_to_form
from crm.web.views import allowed, filtered_page
from privacy.audit import access_list_record
from stakeholders import selectors as stakeholder_selectors
from stakeholders.filters import ContactFilterSet

from . import selectors, services
from .filters import RoundTargetFilterSet
from .forms import RoundSetupForm
from .models import RoundStatus, SurveyRound

# Liaison officer and label are picked from lists, as on the contact list; found by the field each filter reads, so
# a renamed query parameter changes nothing here.
PICKED_FIELDS = {
    "organisation__owner__username": gettext_lazy("liaison officer"),
    "organisation__tags__name": gettext_lazy("label"),
}


def _pickers() -> dict[str, forms.Select]:
    lists = {
        "organisation__owner__username": [
            (user.get_username(), person(user)) for user in stakeholder_selectors.owners_list()
        ],
        "organisation__tags__name": [
            (tag.name, tag.name) for tag in stakeholder_selectors.tags_list().order_by("name")
        ],
    }
    names = target_filter_names_by_field()
    return {
        names[field]: forms.Select(choices=[("", ""), *choices]) for field, choices in lists.items() if field in names
    }


def target_filter_names_by_field() -> dict[str, str]:
    """The query parameter name of each target filter, by the field it reads."""
    targets = selectors.target_filter_names()
    return {declared.field_name: name for name, declared in ContactFilterSet.base_filters.items() if name in targets}


def _draft_or_back(request, survey_round: SurveyRound):
    """None for a draft; else the redirect back to the round, with the reason."""
    if survey_round.status == RoundStatus.DRAFT:
        return None
    messages.error(request, _("Only a draft round can be changed."))
    return redirect("surveys:round-detail", round_id=survey_round.pk)


@allowed("surveys.add_surveyround")
@require_http_methods(["GET", "POST"])
def round_create(request):
    form = RoundSetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey_round = services.survey_round_create(survey_round=form.save(commit=False), created_by=request.user)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The round is saved as a draft. Now choose whom it invites."))
            return redirect("surveys:round-target", round_id=survey_round.pk)
    return render(request, "surveys/round_form.html", {"form": form})


@allowed("surveys.change_surveyround")
@require_http_methods(["GET", "POST"])
def round_update(request, round_id):
    survey_round = get_object_or_404(SurveyRound, pk=round_id)
    if refused := _draft_or_back(request, survey_round):
        return refused
    form = RoundSetupForm(request.POST or None, instance=survey_round)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_round_update(survey_round=form.save(commit=False))
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Your changes have been saved."))
            return redirect("surveys:round-detail", round_id=round_id)
    return render(request, "surveys/round_form.html", {"form": form, "round": survey_round})


@allowed("surveys.change_surveyround", "stakeholders.view_contact")
@require_http_methods(["GET", "POST"])
def round_target(request, round_id):
    """Whom a draft round invites: the contact list's filters, with the number and the list of the contacts they
    select, page by page; saving makes the filters shown the round's target."""
    survey_round = get_object_or_404(SurveyRound, pk=round_id)
    if refused := _draft_or_back(request, survey_round):
        return refused
    names = selectors.target_filter_names()
    if request.method == "POST":
        chosen = {name: request.POST[name] for name in names if request.POST.get(name)}
        try:
            services.survey_round_target_set(survey_round=survey_round, target_filter=chosen)
        except ValidationError as error:
            # The filters again, in the address: the page shows each refused value beside its field.
            messages.error(request, " ".join(error.messages))
            return redirect(f"{request.path}?{urlencode(chosen)}")
        messages.success(request, _("The target is saved. Check the round, then schedule it."))
        return redirect("surveys:round-detail", round_id=round_id)
    if set(survey_round.target_filter) & set(names) and not set(request.GET) & set(names):
        # The round's current target, in the address, so the form shows it and its pages keep it.
        return redirect(f"{request.path}?{urlencode(survey_round.target_filter)}")
    filterset, page = filtered_page(
        request,
        filterset_class=RoundTargetFilterSet,
        queryset=selectors.contacts_targeted(target_filter={}),
        widgets=_pickers(),
    )
    labels = target_filter_names_by_field()
    for field, label in PICKED_FIELDS.items():
        if field in labels:
            # A name from a list now, not a user name to type; the bound field already holds the old label.
            filterset.form[labels[field]].label = label
    # A page of contact persons, whatever the filters found: one access record with how many.
    access_list_record(request=request, persons=len(page.object_list))
    chosen = None
    if not filterset.form.errors:
        chosen = {name: filterset.data[name] for name in filterset.filters if filterset.data.get(name)}
    return render(
        request,
        "surveys/round_target.html",
        {
            "round": survey_round,
            "filter": filterset,
            "page": page,
            "chosen": chosen,
            "clear_url": f"{request.path}?{urlencode(dict.fromkeys(filterset.filters, ''))}",
        },
    )


@require_POST
@allowed("surveys.change_surveyround")
def round_remind(request, round_id):
    survey_round = get_object_or_404(SurveyRound, pk=round_id)
    try:
        written = services.survey_round_remind(survey_round=survey_round)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        if written:
            messages.success(
                request,
                ngettext(
                    "%(count)d reminder is on its way.", "%(count)d reminders are on their way.", written
                ) % {"count": written},
            )  # fmt: skip
        else:
            messages.warning(
                request,
                _("Nobody to remind now: everyone answered, had every reminder, or had a mail of this round today."),
            )
    return redirect("surveys:round-detail", round_id=round_id)


@allowed("surveys.change_surveyround")
@require_http_methods(["GET", "POST"])
def round_close(request, round_id):
    """Close an open round before its time, after a confirmation: its links stop working and its results are
    computed."""
    survey_round = get_object_or_404(SurveyRound, pk=round_id)
    if request.method == "POST":
        try:
            services.survey_round_close_early(survey_round=survey_round)
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
        else:
            messages.success(request, _("The round is closed; its results are ready."))
        return redirect("surveys:round-detail", round_id=round_id)
    if survey_round.status != RoundStatus.OPEN:
        messages.error(request, _("Only an open round can be closed."))
        return redirect("surveys:round-detail", round_id=round_id)
    return render(request, "surveys/round_close.html", {"round": survey_round})
