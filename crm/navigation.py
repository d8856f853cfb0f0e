"""The main navigation: which sections a user sees, and which one the current page belongs to."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    url_name: str
    label: str
    # Views whose url name starts with one of these belong to the section (aria-current="page").
    prefixes: tuple[str, ...]
    permission: str | None = None


SECTIONS = [
    Section("home", _("My relations"), ("home", "stakeholders:interaction-start")),
    Section(
        "stakeholders:organisation-list",
        _("Organisations"),
        ("stakeholders:organisation", "stakeholders:interaction-log", "stakeholders:follow-up"),
    ),
    Section("stakeholders:contact-list", _("Contacts"), ("stakeholders:contact",)),
    Section("stakeholders:map", _("Stakeholder map"), ("stakeholders:map",)),
    Section("surveys:round-list", _("Surveys"), ("surveys:round", "surveys:results"), "surveys.view_surveyround"),
    Section("mail-preferences", _("My settings"), ("mail-preferences", "password")),
]


def navigation(request) -> dict:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    match = request.resolver_match
    current = match.view_name if match else ""
    items = [
        {
            "url": reverse(section.url_name),
            "label": section.label,
            "current": current.startswith(section.prefixes),
        }
        for section in SECTIONS
        if section.permission is None or request.user.has_perm(section.permission)
    ]
    return {"navigation": items}
