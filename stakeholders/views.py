"""The liaison officer's workplace: dashboard, organisations, contacts, logging contact, the stakeholder map."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from crm.templatetags.people import person
from crm.web.exports import download_format, list_download
from crm.web.forms import DateInput, errors_to_form
from crm.web.views import PAGE, PAGE_SIZE, allowed, filtered_list, filtered_page, safe_next
from privacy.audit import access_list_record, access_record
from privacy.models import AccessAction

from . import downloads, selectors, services, wire
from . import map as stakeholder_map
from .filters import ContactFilterSet, InteractionFilterSet, OrganisationFilterSet
from .forms import (
    ContactForm,
    FollowUpFormSet,
    InteractionForm,
    OrganisationForm,
    OrganisationPickForm,
    OrganisationsPlanForm,
)
from .models import FollowUpAction, Organisation, OrganisationStatus
from .panels import organisation_panels

MAP_NETWORK_LIMIT = 40
# The graph reads at most this many relations; more would not fit on one screen anyway.
MAP_RELATIONS_LIMIT = 2000
PICK_RESULTS = 20
# The earliest due; the organisation pages list the rest.
DASHBOARD_FOLLOW_UPS = 15


@login_required
def dashboard(request):
    """My relations: overdue and due-soon organisations first, open follow-ups, my recent contacts."""
    follow_ups = selectors.follow_ups_open(user=request.user, assignee=request.user)
    return render(
        request,
        "stakeholders/dashboard.html",
        {
            "organisations": selectors.my_organisations(owner=request.user),
            "follow_ups": follow_ups[:DASHBOARD_FOLLOW_UPS],
            "follow_up_count": follow_ups.count(),
            "interactions": selectors.interactions_recent(logged_by=request.user),
            "today": timezone.localdate(),
        },
    )


# Tier and liaison officer are picked from lists on the pages, by name; the API takes their code and user name, as
# the filters' own labels say.
def _tier_picker() -> forms.Select:
    return forms.Select(choices=[("", "")] + [(tier.code, tier.display_name) for tier in selectors.tiers_list()])


def _officer_picker() -> forms.Select:
    return forms.Select(choices=[("", "")] + [(user.get_username(), person(user)) for user in selectors.owners_list()])


def _picker_labels() -> dict:
    return {"prioriteit": _("tier"), "relatiebeheerder": _("liaison officer")}


@allowed("stakeholders.view_organisation")
def organisation_list(request):
    """The organisations the filters select, a page at a time, or all of them as a download (`?format=`)."""
    downloading = download_format(request) is not None
    filterset, organisations = filtered_list(
        request,
        filterset_class=OrganisationFilterSet,
        # A download takes the labels' names in the rows' query: no prefetch per chunk.
        queryset=selectors.organisations_list(label_names=downloading).order_by("name", "id"),
        widgets={"prioriteit": _tier_picker(), "relatiebeheerder": _officer_picker()},
        labels=_picker_labels(),
    )
    if downloading:
        return list_download(
            request, rows=organisations, columns=downloads.ORGANISATION_COLUMNS, title=_("Organisations")
        )
    page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get(PAGE))
    return render(request, "stakeholders/organisation_list.html", {"filter": filterset, "page": page})


@allowed("stakeholders.view_organisation", "stakeholders.plan_organisation")
def organisations_plan(request):
    """Planning for a segment: the organisation list's filters (in the query string, on the GET and the POST)
    select the organisations, all of them and not one page; the form says what changes, and the count is
    confirmed. A filter the list would leave out as invalid refuses the plan here: it would widen the segment."""
    query = request.GET.copy()
    for key in ("sorteer", PAGE):
        query.pop(key, None)
    filterset = OrganisationFilterSet(data=query or None, queryset=Organisation.objects.all(), request=request)
    filters_valid = filterset.is_valid()
    count = filterset.qs.count() if filters_valid else 0
    form = OrganisationsPlanForm(request.POST or None, user=request.user, count=count)
    if request.method == "POST" and filters_valid and form.is_valid():
        try:
            planned = services.organisations_plan(
                organisations=filterset.qs, actor=request.user, **form.service_fields()
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, ngettext(
                "%(count)s organisation has been planned.", "%(count)s organisations have been planned.", planned
            ) % {"count": planned})  # fmt: skip
            return redirect(f"{reverse('stakeholders:organisation-list')}?{query.urlencode()}")
    return render(
        request,
        "stakeholders/organisations_plan.html",
        {
            "filter": filterset,
            "chosen": _chosen_filters(filterset.form),
            "filters_valid": filters_valid,
            "form": form,
            "count": count,
            "query": query.urlencode(),
        },
    )


def _chosen_filters(form) -> list[tuple[str, str]]:
    """The filters in force, as a person reads them: each field's label and the label of its chosen value."""
    chosen = []
    for field in form:
        value = field.value()
        if value in (None, ""):
            continue
        choices = dict(getattr(field.field, "choices", ()))
        chosen.append((str(field.label), str(choices.get(value, value))))
    return chosen


@allowed("stakeholders.view_organisation")
def organisation_detail(request, pk):
    organisation = get_object_or_404(selectors.organisation_detail(), pk=pk)
    timeline = selectors.organisation_timeline(organisation=organisation, user=request.user)
    if download_format(request):
        # The timeline as a file: every interaction this reader may see, with the contact persons who took part.
        access_list_record(request=request, persons=selectors.contacts_in(interactions=timeline).count())
        title = _("Interactions with %(organisation)s") % {"organisation": organisation.name}
        return list_download(request, rows=timeline, columns=downloads.INTERACTION_COLUMNS, title=title)
    contacts = list(organisation.contacts.order_by("last_name", "first_name", "id"))
    if contacts:
        # The page lists its contact persons: a list of their data, recorded.
        access_list_record(request=request, persons=len(contacts))
    return render(
        request,
        "stakeholders/organisation_detail.html",
        {
            "organisation": organisation,
            "contacts": contacts,
            "timeline": Paginator(timeline, PAGE_SIZE).get_page(request.GET.get(PAGE)),
            "follow_ups": selectors.follow_ups_open(user=request.user, organisation=organisation),
            "relations": selectors.organisation_relations(organisation=organisation),
            "panels": organisation_panels(request=request, organisation=organisation),
            "today": timezone.localdate(),
        },
    )


@allowed("stakeholders.add_organisation")
def organisation_create(request):
    form = OrganisationForm(request.POST or None, initial={"owner": request.user}, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(actor=request.user, **form.service_fields())
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The organisation has been added."))
            return redirect("stakeholders:organisation-detail", pk=organisation.pk)
    return render(request, "stakeholders/organisation_form.html", {"form": form})


@allowed("stakeholders.change_organisation")
def organisation_update(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    form = OrganisationForm(request.POST or None, instance=organisation, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            # A fresh copy: the form has already written its values onto `organisation`, and the service
            # compares old and new (a new owner is told).
            services.organisation_update(
                organisation=Organisation.objects.get(pk=pk), actor=request.user, **form.service_fields()
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Your changes have been saved."))
            return redirect("stakeholders:organisation-detail", pk=pk)
    return render(request, "stakeholders/organisation_form.html", {"form": form, "organisation": organisation})


@allowed("stakeholders.add_interaction")
def interaction_start(request):
    """Step one from the dashboard: pick the organisation (mine are listed; others are found by searching)."""
    form = OrganisationPickForm(request.GET or None)
    found = None
    if form.is_valid() and form.cleaned_data["zoek"]:
        filterset = OrganisationFilterSet(
            data={
                "zoek": form.cleaned_data["zoek"],
                "status": wire.ORGANISATION_STATUS.code(OrganisationStatus.ACTIVE),
            },
            queryset=Organisation.objects.order_by("name", "id"),
        )
        found = filterset.qs[:PICK_RESULTS]
    return render(
        request,
        "stakeholders/interaction_start.html",
        {"form": form, "found": found, "mine": selectors.my_organisations(owner=request.user)},
    )


@allowed("stakeholders.add_interaction")
def interaction_log(request, pk):
    """Log a contact with an organisation, with its follow-up actions, in one form and one transaction."""
    organisation = get_object_or_404(Organisation, pk=pk)
    data = request.POST if request.method == "POST" else None
    form = InteractionForm(data, organisation=organisation)
    follow_ups = FollowUpFormSet(data, prefix="vervolg", form_kwargs={"initial": {"assignee": request.user}})
    if data is not None and form.is_valid() and follow_ups.is_valid():
        try:
            services.interaction_log(
                organisation=organisation,
                logged_by=request.user,
                follow_ups=[row.cleaned_data for row in follow_ups if row.has_changed()],
                **form.cleaned_data,
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The contact has been logged."))
            return redirect(reverse("stakeholders:organisation-detail", args=[pk]) + "#tijdlijn")
    return render(
        request,
        "stakeholders/interaction_form.html",
        {"organisation": organisation, "form": form, "follow_ups": follow_ups},
    )


@require_POST
@allowed("stakeholders.change_followupaction")
def follow_up_complete(request, pk):
    visible = FollowUpAction.objects.filter(selectors.follow_ups_visible_to(request.user))
    follow_up = services.follow_up_complete(follow_up=get_object_or_404(visible, pk=pk))
    messages.success(request, _("Follow-up action done: %(description)s") % {"description": follow_up.description})
    organisation_page = reverse("stakeholders:organisation-detail", args=[follow_up.interaction.organisation_id])
    return redirect(safe_next(request, fallback=organisation_page))


@allowed("stakeholders.view_interaction")
def interaction_list(request):
    """Contact intensity per group: the interactions the user may see, by the organisation's kind and scope, the
    participants' level and a period; a page at a time, or all of them as a download (`?format=`)."""
    filterset, interactions = filtered_list(
        request,
        filterset_class=InteractionFilterSet,
        queryset=selectors.interactions_list(user=request.user),
        # A period in whole days on the page; the API takes any moment (docs/api.md).
        widgets={"plaatsgevondenVanaf": DateInput(), "plaatsgevondenTot": DateInput()},
        labels={"plaatsgevondenVanaf": _("occurred on or after"), "plaatsgevondenTot": _("occurred before")},
    )
    if download_format(request):
        # The interactions as a file, with the contact persons who took part: one access record with how many.
        access_list_record(request=request, persons=selectors.contacts_in(interactions=interactions).count())
        return list_download(request, rows=interactions, columns=downloads.INTERACTION_COLUMNS, title=_("Interactions"))
    page = Paginator(interactions, PAGE_SIZE).get_page(request.GET.get(PAGE))
    return render(request, "stakeholders/interaction_list.html", {"filter": filterset, "page": page})


@allowed("stakeholders.view_contact")
def contact_list(request):
    """The contact persons the filters select, a page at a time, or all of them as a download (`?format=`)."""
    filterset, contacts = filtered_list(
        request,
        filterset_class=ContactFilterSet,
        queryset=selectors.contacts_list().order_by("last_name", "id"),
        widgets={"relatiebeheerder": _officer_picker()},
        labels={"relatiebeheerder": _("liaison officer")},
    )
    if download_format(request):
        # Every person the filter found: one access record with the filter and how many, before the file goes.
        access_list_record(request=request, persons=contacts.count())
        return list_download(request, rows=contacts, columns=downloads.CONTACT_COLUMNS, title=_("Contacts"))
    page = Paginator(contacts, PAGE_SIZE).get_page(request.GET.get(PAGE))
    # A page of contact persons, whatever the filter found: one access record with the filter and how many.
    access_list_record(request=request, persons=len(page.object_list))
    return render(request, "stakeholders/contact_list.html", {"filter": filterset, "page": page})


@allowed("stakeholders.view_contact")
def contact_detail(request, pk):
    contact = get_object_or_404(selectors.contacts_list(), pk=pk)
    access_record(request=request, action=AccessAction.VIEW, contact=contact)
    interactions = selectors.contact_interactions(contact=contact, user=request.user)
    return render(request, "stakeholders/contact_detail.html", {"contact": contact, "interactions": interactions})


@allowed("stakeholders.add_contact")
def contact_create(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_create(organisation=organisation, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The contact person has been added."))
            return redirect("stakeholders:contact-detail", pk=contact.pk)
    return render(request, "stakeholders/contact_form.html", {"form": form, "organisation": organisation})


@allowed("stakeholders.change_contact")
def contact_update(request, pk):
    contact = get_object_or_404(selectors.contacts_list(), pk=pk)
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "GET":
        # The form shows every personal field: that is a view of the person's data.
        access_record(request=request, action=AccessAction.VIEW, contact=contact)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(contact=contact, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Your changes have been saved."))
            return redirect("stakeholders:contact-detail", pk=pk)
    context = {"form": form, "organisation": contact.organisation, "contact": contact}
    return render(request, "stakeholders/contact_form.html", context)


@allowed("stakeholders.view_contact", "stakeholders.export_contact")
def contact_export(request, pk):
    contact = get_object_or_404(selectors.contacts_list(), pk=pk)
    access_record(request=request, action=AccessAction.EXPORT, contact=contact)
    response = JsonResponse(
        selectors.contact_personal_data(contact=contact, user=request.user), json_dumps_params={"indent": 2}
    )
    response["Content-Disposition"] = f'attachment; filename="contactpersoon-{contact.pk}.json"'
    return response


@allowed("stakeholders.view_contact", "stakeholders.erase_contact")
def contact_erase(request, pk):
    """A GET asks for confirmation; the POST erases, for good."""
    contact = get_object_or_404(selectors.contacts_list(), pk=pk)
    if request.method == "POST":
        # The erasure and its record stand or fall together.
        with transaction.atomic():
            services.contact_erase(contact=contact)
            access_record(request=request, action=AccessAction.ERASE, contact=contact)
        messages.success(request, _("The contact's personal data has been erased."))
        return redirect("stakeholders:contact-detail", pk=pk)
    return render(request, "stakeholders/contact_erase.html", {"contact": contact})


@allowed("stakeholders.view_organisation")
def map_view(request):
    """The influence/interest grid and the network of relations, both over the organisation list's filters."""
    filterset, organisations = filtered_page(
        request,
        filterset_class=OrganisationFilterSet,
        queryset=Organisation.objects.all(),
        page_size=None,
        widgets={"prioriteit": _tier_picker(), "relatiebeheerder": _officer_picker()},
        labels=_picker_labels(),
    )
    relations = list(selectors.relations_among(organisations=organisations)[:MAP_RELATIONS_LIMIT])
    return render(
        request,
        "stakeholders/map.html",
        {
            "filter": filterset,
            "grid": stakeholder_map.grid(counts=selectors.influence_interest_counts(organisations=organisations)),
            "graph": stakeholder_map.network(relations=relations, limit=MAP_NETWORK_LIMIT),
        },
    )
