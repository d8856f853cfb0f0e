"""Figures of the steering page in the reader's locale: shares as percentages, changes with their sign."""

from urllib.parse import urlencode

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(share: float | None) -> str:
    """0.425 as "43%" (no decimals: the groups are small enough that a tenth of a percent says nothing)."""
    if share is None:
        return "–"
    return f"{number_format(round(share * 100), decimal_pos=0)}%"


@register.filter
def signed(change: float | None, decimals: int = 1) -> str:
    """A change with its sign, "+0,3" or "−0,3" (a true minus sign, which screen readers read as minus)."""
    if change is None:
        return "–"
    shown = number_format(abs(change), decimal_pos=decimals)
    if round(change, decimals) == 0:
        return number_format(0, decimal_pos=decimals)
    return f"+{shown}" if change > 0 else f"−{shown}"


@register.filter
def decimal(value: float | None, decimals: int = 1) -> str:
    return "–" if value is None else number_format(value, decimal_pos=decimals)


@register.filter
def urlencode_query(query: dict[str, str]) -> str:
    """A list's filters as the query string of a link to it."""
    return urlencode(query)
