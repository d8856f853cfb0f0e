from functools import wraps
from typing import cast

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from rest_framework.exceptions import ValidationError as FilterValidationError

from .forms import widgets_mark_invalid, widgets_style

PAGE_SIZE = 25
# The page of a list in its address, in Dutch like the filters beside it (templates/_pagination.html).
PAGE = "pagina"


def allowed(*permissions: str):
    """A page for signed-in users with these permissions: a visitor goes to the login page, anyone else gets 403."""

    def decorator(view):
        return wraps(view)(login_required(permission_required(permissions, raise_exception=True)(view)))

    return decorator


def filtered_list(
    request, *, filterset_class, queryset, widgets: dict | None = None, labels: dict | None = None
) -> tuple:
    """A list page's filter form (the API's own FilterSet) and every row it selects, in its order. `widgets` replaces
    a filter's widget on the page, e.g. a list to pick from, and `labels` its label (the API's says what to type,
    such as a code; a list picks by name).

    An invalid filter value shows its error beside the field and leaves that filter out, as a form would.
    """
    filterset = filterset_class(data=request.GET or None, queryset=queryset, request=request)
    for name, widget in (widgets or {}).items():
        filterset.form.fields[name].widget = widget
    for name, label in (labels or {}).items():
        filterset.form.fields[name].label = label
    try:
        results = filterset.qs
    except FilterValidationError as error:
        # The strict sort filter refuses malformed input with the API's exception; here it is a field error.
        for name, messages in cast(dict, error.detail).items():  # it raises them keyed by field name
            filterset.form.add_error(name if name in filterset.form.fields else None, list(messages))
        results = queryset.none()
    widgets_style(filterset.form)
    widgets_mark_invalid(filterset.form)
    return filterset, results


def filtered_page(
    request,
    *,
    filterset_class,
    queryset,
    page_size: int | None = PAGE_SIZE,
    widgets: dict | None = None,
    labels: dict | None = None,
) -> tuple:
    """filtered_list, and the requested page of its results (all of them without a page size)."""
    filterset, results = filtered_list(
        request, filterset_class=filterset_class, queryset=queryset, widgets=widgets, labels=labels
    )
    page: Page | QuerySet = Paginator(results, page_size).get_page(request.GET.get(PAGE)) if page_size else results
    return filterset, page


def safe_next(request, *, fallback: str) -> str:
    """The `next` address a form was posted with, if it stays on this site; else the fallback."""
    next_url = request.POST.get("next", "")
    return next_url if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}) else fallback


def page_prose(page: str, title: str):
    """A page of text in the visitor's language, open to everyone (the accessibility statement, the privacy notice);
    its text is templates/pages/<page>.<language>.html."""

    def view(request):
        return render(request, "pages/prose.html", {"page": page, "title": title})

    return view
