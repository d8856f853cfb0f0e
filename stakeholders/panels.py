"""Sections that other apps add to an organisation's page (for example its survey participation), registered when
they start, so this app names none of them."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    # A template included with `panel` set to what `context` returns.
    template: str
    # context(request=..., organisation=...) -> what the template shows; one or two queries, never one per row.
    context: Callable


PANELS: list[Panel] = []


def organisation_panel_register(panel: Panel) -> None:
    if panel not in PANELS:
        PANELS.append(panel)


def organisation_panels(*, request, organisation) -> list[dict]:
    return [
        {"template": panel.template, "context": panel.context(request=request, organisation=organisation)}
        for panel in PANELS
    ]
