"""Numbered pages for people, cursor pages in change order for systems that sync."""

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import BasePagination, CursorPagination, PageNumberPagination

if TYPE_CHECKING:
    # What DutchEnvelope is mixed into: checked as a pagination, a plain class when it runs.
    _PaginationBase = BasePagination
else:
    _PaginationBase = object

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# The query keys and the keys of a page's body, in Dutch like the rest of the wire (crm/api/wire.py).
PAGE, PAGE_SIZE, CURSOR = "pagina", "paginaGrootte", "cursor"
PAGINATION_PARAMETERS = {PAGE, PAGE_SIZE, CURSOR}
ENVELOPE = {"count": "aantal", "next": "volgende", "previous": "vorige", "results": "resultaten"}


def in_dutch(page: dict) -> dict:
    """DRF's page body (or its schema's properties) under the envelope's Dutch keys."""
    return {ENVELOPE.get(key, key): value for key, value in page.items()}


class DutchEnvelope(_PaginationBase):
    """A page's body as `aantal`, `volgende`, `vorige` and `resultaten`, in the response and in its schema."""

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data = in_dutch(response.data)
        return response

    def get_paginated_response_schema(self, schema):
        page = super().get_paginated_response_schema(schema)
        return {
            **page,
            "required": [ENVELOPE[key] for key in page["required"]],
            "properties": in_dutch(page["properties"]),
        }


class IdsFirstPaginator(Paginator):
    """Takes a page's ids on the ordered index first and joins only those rows.

    OFFSET makes PostgreSQL produce and drop every row before the page; with the joins (tier, owner, labels) in
    the same query each dropped row costs its joins too, and page 900 took 3.6 times page 1. Here the OFFSET runs
    in a subquery that selects only the id (an index-only walk of the ordering's index), and the outer query joins
    the page's rows, in one statement. A DISTINCT list (a filter across a to-many relation) keeps the plain slice:
    its subquery would have to select the ordering's columns too.

    `read` shapes the page's rows (a view that reads plain rows, crm/api/views.RowList, gives its own): applied after
    the ids are taken, so that the columns it joins stay out of the subquery."""

    def __init__(self, *args, read: Callable[[QuerySet], QuerySet] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.read = read or (lambda rows: rows)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        rows = self.object_list
        if isinstance(rows, QuerySet) and rows.ordered and not rows.query.distinct:
            return Page(self.read(rows.filter(pk__in=rows.values("pk")[bottom:top])), number, self)
        return Page(self.read(rows[bottom:top]) if isinstance(rows, QuerySet) else rows[bottom:top], number, self)


class PagePagination(DutchEnvelope, PageNumberPagination):
    django_paginator_class = IdsFirstPaginator
    page_size = DEFAULT_PAGE_SIZE
    page_query_param = PAGE
    page_size_query_param = PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        return strict_page_size(request)

    def paginate_queryset(self, queryset, request, view=None):
        # The paginator, with the view's reading of rows: DRF makes it from this attribute, so a partial stands in.
        self.django_paginator_class = partial(IdsFirstPaginator, read=getattr(view, "read_rows", None))  # type: ignore[assignment]
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound as refused:
            raise exceptions.ValidationError({PAGE: [str(refused.detail)]}) from None


class SyncCursorPagination(DutchEnvelope, CursorPagination):
    """For incremental sync: rows changed during a walk move behind the cursor and are met again, never skipped."""

    page_size = DEFAULT_PAGE_SIZE
    cursor_query_param = CURSOR
    page_size_query_param = PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        return strict_page_size(request)

    def paginate_queryset(self, queryset, request, view=None):
        read = getattr(view, "read_rows", None)
        try:
            return super().paginate_queryset(read(queryset) if read else queryset, request, view)
        except exceptions.NotFound as refused:
            raise exceptions.ValidationError({CURSOR: [str(refused.detail)]}) from None

    def get_ordering(self, request, queryset, view):
        fields = {field.name for field in queryset.model._meta.get_fields()}
        return ("updated_at", "id") if "updated_at" in fields else ("id",)


def strict_page_size(request) -> int:
    raw = request.query_params.get(PAGE_SIZE)
    if raw is None:
        return DEFAULT_PAGE_SIZE
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise exceptions.ValidationError(
            {PAGE_SIZE: [_("Give a whole number from 1 to %(max)s.") % {"max": MAX_PAGE_SIZE}]}
        )
    return int(raw)


class ListPagination(BasePagination):
    """Numbered pages by default; `?cursor=` (empty to start) switches to cursor pages for sync."""

    delegate: PagePagination | SyncCursorPagination

    def paginate_queryset(self, queryset, request, view=None):
        if CURSOR in request.query_params:
            if PAGE in request.query_params or "sorteer" in request.query_params:  # the FilterSets' sort key
                raise exceptions.ValidationError(
                    {CURSOR: [_("A cursor walks in change order; it cannot be combined with page or sort.")]}
                )
            self.delegate = SyncCursorPagination()
        else:
            self.delegate = PagePagination()
        return self.delegate.paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        return self.delegate.get_paginated_response(data)

    def get_paginated_response_schema(self, schema):
        page = PagePagination().get_paginated_response_schema(schema)
        page["required"] = [ENVELOPE["results"]]
        page["properties"][ENVELOPE["count"]]["description"] = "Number of rows in all pages; absent on cursor pages."
        return page

    def get_schema_operation_parameters(self, view):
        parameters = PagePagination().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == PAGE_SIZE:
                parameter["schema"]["maximum"] = MAX_PAGE_SIZE
        cursor = SyncCursorPagination().get_schema_operation_parameters(view)
        return parameters + [p for p in cursor if p["name"] == CURSOR]
