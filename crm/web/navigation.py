"""The main navigation: which sections a user sees, and which one the current page belongs to.

Each app registers its own sections when it starts, so this shared module names no app.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Section:
    url_name: str
    label: "StrOrPromise"
    # Views whose url name starts with one of these belong to the section (aria-current="page").
    prefixes: tuple[str, ...]
    permission: str | None = None
    position: int = 50


# Filled by the apps when they start (section_register); shown in the order of `position`.
SECTIONS: list[Section] = []


def section_register(section: Section) -> None:
    if section.url_name not in {known.url_name for known in SECTIONS}:
        SECTIONS.append(section)
        SECTIONS.sort(key=lambda known: known.position)


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
