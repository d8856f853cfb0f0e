"""The respondent's pages (no login: a personal link, then a short session) and the researcher's pages."""

import csv

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.formats import localize
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from crm.api.csv import csv_safe
from crm.spreadsheet import DIALECT
from crm.web.client import client_address
from crm.web.exports import download_format, list_download
from crm.web.views import PAGE, PAGE_SIZE, allowed, filtered_list
from privacy.audit import access_list_record
from stakeholders.models import Contact

from . import downloads, selectors, services
from .filters import RoundTargetFilterSet, SurveyRoundFilterSet
from .forms import AnswerForm
from .models import Invitation, RoundStatus, SurveyRound
from .results import round_results_read

INVITATION_KEY = "survey_invitation"
DRAFT_KEY = "survey_draft"
LANGUAGE_KEY = "survey_language"


def _private(response: HttpResponse) -> HttpResponse:
    # The address may still carry the token on the first visit: no page a respondent sees tells another site. Not
    # "no-referrer": with it, browsers send the start button's POST with "Origin: null", which CSRF rightly refuses.
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    return response


def _link_invalid(request) -> HttpResponse:
    # One page for unknown, used and expired links alike, so a visitor cannot tell which it was.
    return _private(render(request, "surveys/link_invalid.html", status=404))


def _throttled(request) -> bool:
    """Count link attempts per client address; more than the limit in a minute is refused."""
    key = f"survey-link-attempts:{client_address(request)}"
    cache.add(key, 0, timeout=60)
    return cache.incr(key) > settings.SURVEY_LINK_ATTEMPTS_PER_MINUTE


@require_http_methods(["GET", "POST"])
def redeem(request, token):
    """A GET only asks (mail gateways open links to scan them); the button's POST exchanges the personal link, once,
    for a short session and sends the browser on to an address without the token."""
    if _throttled(request):
        return _private(render(request, "surveys/throttled.html", status=429))
    if request.method == "GET":
        invitation = services.invitation_token_check(token=token)
        if invitation is None:
            return _link_invalid(request)
        with translation.override(invitation.contact.preferred_language):
            return _private(render(request, "surveys/start.html", {"round": invitation.round}))
    invitation = services.invitation_token_redeem(token=token)
    if invitation is None:
        return _link_invalid(request)
    # A fresh session that is only the respondent's: a staff login in the same browser ends rather than inherit
    # the survey's longer lifetime.
    request.session.flush()
    request.session[INVITATION_KEY] = invitation.pk
    request.session[LANGUAGE_KEY] = invitation.contact.preferred_language
    request.session.set_expiry(settings.SURVEY_SESSION_SECONDS)
    return _private(redirect("surveys:answer"))


def _session_invitation(request) -> Invitation | None:
    return (
        Invitation.objects.filter(
            pk=request.session.get(INVITATION_KEY, 0), answered_on__isnull=True, round__status=RoundStatus.OPEN
        )
        .select_related("round__questionnaire", "contact__organisation")
        .first()
    )


@require_http_methods(["GET", "POST"])
def answer(request):
    invitation = _session_invitation(request)
    if invitation is None:
        return _link_invalid(request)
    with translation.override(request.session.get(LANGUAGE_KEY, settings.LANGUAGE_CODE)):
        questions = list(invitation.round.questionnaire.questions.all())
        if request.method == "POST" and "save" in request.POST:
            request.session[DRAFT_KEY] = {key: value for key, value in request.POST.items() if key.startswith("q_")}
            form = AnswerForm(initial=request.session[DRAFT_KEY], questions=questions)
            messages.success(request, _("Your answers are saved. You can come back to them until you send them."))
        elif request.method == "POST":
            form = AnswerForm(request.POST, questions=questions)
            if form.is_valid():
                try:
                    services.response_submit(invitation=invitation, answers=form.answers())
                except ValidationError:
                    return _link_invalid(request)
                language = request.session[LANGUAGE_KEY]
                request.session.flush()
                request.session[LANGUAGE_KEY] = language
                return _private(redirect("surveys:thanks"))
        else:
            form = AnswerForm(initial=request.session.get(DRAFT_KEY, {}), questions=questions)
        return _private(render(request, "surveys/answer.html", {"form": form, "round": invitation.round}))


def thanks(request):
    with translation.override(request.session.get(LANGUAGE_KEY, settings.LANGUAGE_CODE)):
        return _private(render(request, "surveys/thanks.html"))


@allowed("surveys.change_surveyround")
@require_http_methods(["GET", "POST"])
def interview(request, invitation_id):
    """A researcher types in the answers of an interview; the response is as anonymous as one given online."""
    invitation = get_object_or_404(
        Invitation.objects.select_related("round__questionnaire", "contact__organisation"), pk=invitation_id
    )
    questions = list(invitation.round.questionnaire.questions.all())
    form = AnswerForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            services.response_submit(invitation=invitation, answers=form.answers(), by_interview=True)
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            messages.success(request, _("The interview is recorded."))
            return redirect("surveys:results", round_id=invitation.round_id)
    return render(request, "surveys/interview.html", {"form": form, "invitation": invitation})


@allowed("surveys.view_surveyround")
def round_list(request):
    filterset, rounds = filtered_list(
        request,
        filterset_class=SurveyRoundFilterSet,
        queryset=selectors.survey_rounds_list().order_by("-opens_at", "-id"),
    )
    if download_format(request):
        return list_download(request, rows=rounds, columns=downloads.ROUND_COLUMNS, title=_("Survey rounds"))
    page = Paginator(rounds, PAGE_SIZE).get_page(request.GET.get(PAGE))
    return render(request, "surveys/round_list.html", {"filter": filterset, "page": page})


@allowed("surveys.view_surveyround")
def round_detail(request, round_id):
    """A round's set-up, its target and its progress; before it opens, the contacts it will invite, for review, and
    after, its invitations. The people only for a role that may see invitations."""
    survey_round = get_object_or_404(selectors.survey_rounds_list(), pk=round_id)
    context = {
        "round": survey_round,
        "target": RoundTargetFilterSet(data=survey_round.target_filter, queryset=Contact.objects.none()).described(),
        "progress": selectors.round_progress(survey_round=survey_round),
    }
    if request.user.has_perm("surveys.view_invitation"):
        if survey_round.status in (RoundStatus.DRAFT, RoundStatus.SCHEDULED):
            people, columns = selectors.round_targets(survey_round=survey_round), downloads.TARGET_COLUMNS
        else:
            people, columns = selectors.round_invitations(survey_round=survey_round), downloads.INVITATION_COLUMNS
        if download_format(request):
            # Every person of the list, in a file: one access record with how many, before the file goes.
            access_list_record(request=request, persons=people.count())
            return list_download(request, rows=people, columns=columns, title=survey_round.name)
        context["page"] = page = Paginator(people, PAGE_SIZE).get_page(request.GET.get(PAGE))
        # The page names contact persons and their organisations: a list of their data, recorded.
        access_list_record(request=request, persons=len(page.object_list))
    return render(request, "surveys/round_detail.html", context)


@require_POST
@allowed("surveys.change_surveyround")
def round_schedule(request, round_id):
    survey_round = get_object_or_404(SurveyRound, pk=round_id)
    try:
        services.survey_round_schedule(survey_round=survey_round)
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The round is scheduled; the invitations go out when it opens."))
    return redirect("surveys:round-detail", round_id=round_id)


@allowed("surveys.view_surveyround")
def results(request, round_id):
    """A closed round's stored figures, and a page of each open question's answers (`pagina-<code>`)."""
    survey_round = get_object_or_404(SurveyRound.objects.select_related("questionnaire"), pk=round_id)
    pages = {}
    for key, value in request.GET.items():
        if key.startswith("pagina-") and value.isdigit():
            pages[key.removeprefix("pagina-")] = int(value)
    outcome = round_results_read(survey_round=survey_round, open_answer_pages=pages)
    return render(request, "surveys/results.html", {"results": outcome})


@allowed("surveys.view_surveyround")
def results_csv(request, round_id):
    """The results table as CSV: the same suppressed figures as the page, never a single response."""
    survey_round = get_object_or_404(SurveyRound.objects.select_related("questionnaire"), pk=round_id)
    outcome = round_results_read(survey_round=survey_round)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="survey-round-{survey_round.pk}-results.csv"'
    writer = csv.writer(response, dialect=DIALECT)
    # In the reader's language, headers and values alike, numbers with the decimal comma a Dutch spreadsheet reads.
    headers = [_("question"), _("text"), _("breakdown"), _("group"), "n", _("mean"), _("standard deviation")]
    writer.writerow([*headers, _("hidden")])
    for result in outcome.questions:
        rows = [("", result.overall)] + [
            (table["label"], cell) for table in result.breakdown_tables for cell in table["groups"]
        ]
        for breakdown, cell in rows:
            writer.writerow(
                csv_safe(value)
                for value in [
                    result.question.code,
                    result.question.text,
                    str(breakdown),
                    cell.label,
                    "" if cell.suppressed else cell.n,
                    localize(cell.mean),
                    localize(cell.sd),
                    _("yes") if cell.suppressed else "",
                ]  # fmt: skip
            )
    return response
