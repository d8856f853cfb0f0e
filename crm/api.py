"""What every endpoint of the REST API shares: errors, pagination, query checking, permissions, throttling, headers.

The API follows the Dutch API Design Rules: errors are problem details (RFC 9457), every response names the API
version, unknown or malformed input is refused with a 400 rather than ignored.
"""

import csv
import io
import json
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.views import defaults
from django_filters import CharFilter
from django_filters.rest_framework import DjangoFilterBackend
from djangorestframework_camel_case.parser import CamelCaseJSONParser
from djangorestframework_camel_case.util import camelize_re, underscore_to_camel
from rest_framework import exceptions, permissions, status
from rest_framework.pagination import BasePagination, CursorPagination, PageNumberPagination
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle

from .models import ApiToken

API_VERSION = "1.0.0"
API_PREFIX = "/api/"
PROBLEM_CONTENT_TYPE = "application/problem+json"
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
PAGINATION_PARAMETERS = {"page", "pageSize", "cursor"}


def camel(name: str) -> str:
    return camelize_re.sub(underscore_to_camel, name)


def problem_body(status: int, detail: str, invalid_params: list[dict] | None = None) -> dict:
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status, "detail": detail}
    if invalid_params:
        body["invalidParams"] = invalid_params
    return body


def _invalid_params(detail, prefix: str = "") -> list[dict]:
    """Flatten DRF's nested error detail into one list of {name, code, reason}, names in camelCase."""
    if isinstance(detail, dict):
        return [
            param
            for key, value in detail.items()
            for param in _invalid_params(value, f"{prefix}.{camel(str(key))}" if prefix else camel(str(key)))
        ]
    if isinstance(detail, list):
        if all(isinstance(item, exceptions.ErrorDetail | str) for item in detail):
            name = prefix or "nonFieldErrors"
            return [{"name": name, "code": getattr(item, "code", "invalid"), "reason": str(item)} for item in detail]
        return [p for index, item in enumerate(detail) for p in _invalid_params(item, f"{prefix}[{index}]")]
    return [{"name": prefix or "nonFieldErrors", "code": getattr(detail, "code", "invalid"), "reason": str(detail)}]


def problem_exception_handler(exc, context):
    # Imported here: rest_framework.views loads this module's permission classes, so a top-level import is a cycle.
    from rest_framework.views import exception_handler

    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
        exc = exceptions.ValidationError(
            {("non_field_errors" if key == NON_FIELD_ERRORS else key): value for key, value in errors.items()}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = _("The request has invalid parameters; see invalidParams.")
        response.data = problem_body(response.status_code, detail, _invalid_params(exc.detail))
    else:
        response.data = problem_body(response.status_code, str(getattr(exc, "detail", exc)))
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def problem_response(request, status: int, detail: str) -> JsonResponse:
    return JsonResponse(problem_body(status, detail), status=status, content_type=PROBLEM_CONTENT_TYPE)


class PagePagination(PageNumberPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_query_param = "page"
    page_size_query_param = "pageSize"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        return strict_page_size(request)

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound as refused:
            raise exceptions.ValidationError({"page": [str(refused.detail)]}) from None


class SyncCursorPagination(CursorPagination):
    """For incremental sync: rows changed during a walk move behind the cursor and are met again, never skipped."""

    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "pageSize"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        return strict_page_size(request)

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound as refused:
            raise exceptions.ValidationError({"cursor": [str(refused.detail)]}) from None

    def get_ordering(self, request, queryset, view):
        fields = {field.name for field in queryset.model._meta.get_fields()}
        return ("updated_at", "id") if "updated_at" in fields else ("id",)


def strict_page_size(request) -> int:
    raw = request.query_params.get("pageSize")
    if raw is None:
        return DEFAULT_PAGE_SIZE
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise exceptions.ValidationError(
            {"pageSize": [_("Give a whole number from 1 to %(max)s.") % {"max": MAX_PAGE_SIZE}]}
        )
    return int(raw)


class ListPagination(BasePagination):
    """Numbered pages by default; `?cursor=` (empty to start) switches to cursor pages for sync."""

    def paginate_queryset(self, queryset, request, view=None):
        if "cursor" in request.query_params:
            if "page" in request.query_params or "sort" in request.query_params:
                raise exceptions.ValidationError(
                    {"cursor": [_("A cursor walks in change order; it cannot be combined with page or sort.")]}
                )
            self.delegate = SyncCursorPagination()
        else:
            self.delegate = PagePagination()
        return self.delegate.paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        return self.delegate.get_paginated_response(data)

    def get_paginated_response_schema(self, schema):
        page = PagePagination().get_paginated_response_schema(schema)
        page["required"] = ["results"]
        page["properties"]["count"]["description"] = "Number of rows in all pages; absent on cursor pages."
        return page

    def get_schema_operation_parameters(self, view):
        parameters = PagePagination().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == "pageSize":
                parameter["schema"]["maximum"] = MAX_PAGE_SIZE
        cursor = SyncCursorPagination().get_schema_operation_parameters(view)
        return parameters + [p for p in cursor if p["name"] == "cursor"]


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter, refusing query keys it does not know instead of ignoring them."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        known = set(filterset_class.base_filters) if filterset_class else set()
        known |= PAGINATION_PARAMETERS | set(getattr(view, "extra_query_parameters", ()))
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            raise exceptions.ValidationError({key: [_("Unknown query parameter.")] for key in unknown})
        # django-filter reads an empty value as "no filter"; only a free-text key may be empty, a date, number or
        # choice may not.
        free_text = {name for name, f in (filterset_class.base_filters if filterset_class else {}).items()
                     if type(f) is CharFilter} | {"cursor"}  # fmt: skip
        empty = sorted(key for key, value in request.query_params.items() if value == "" and key not in free_text)
        if empty:
            raise exceptions.ValidationError({key: [_("Give a value.")] for key in empty})
        return super().filter_queryset(request, queryset, view)


class ReadWithPermission(permissions.DjangoModelPermissions):
    """Reading needs the role's view permission and writing its add or change permission: the same permission
    matrix (crm/roles.py) as the web UI and admin."""

    message = _("Your role does not allow this.")
    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view):
        if not hasattr(view, request.method.lower()):
            return True  # the view answers 405 Method Not Allowed, which says more than a 403
        return super().has_permission(request, view)


class TokenScope(permissions.BasePermission):
    message = _("This token may only read.")

    def has_permission(self, request, view):
        token = request.auth
        return request.method in permissions.SAFE_METHODS or not (isinstance(token, ApiToken) and token.read_only)


class ClientRateThrottle(SimpleRateThrottle):
    """One budget per token (or per user for the browser), and the numbers for the rate-limit headers."""

    scope = "client"

    def get_rate(self):
        return settings.API_RATE_LIMIT

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view):
        allowed = super().allow_request(request, view)
        if self.rate is not None:
            remaining = max(self.num_requests - len(self.history), 0)
            reset = int(self.duration - (self.now - self.history[-1])) if self.history else int(self.duration)
            request._request.rate_limit = (self.num_requests, remaining, reset)
        return allowed


class ApiHeadersMiddleware:
    """Headers the API Design Rules ask of every API response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(API_PREFIX):
            response["API-Version"] = API_VERSION
            response["Cache-Control"] = "no-store"
            if limit := getattr(request, "rate_limit", None):
                response["X-Rate-Limit-Limit"], response["X-Rate-Limit-Remaining"], response["X-Rate-Limit-Reset"] = (
                    map(str, limit)
                )
        return response


def not_found(request, exception=None):
    """404 for the whole site: a problem body under /api/, Django's page elsewhere."""
    if request.path.startswith(API_PREFIX):
        return problem_response(request, 404, _("There is no resource at this address."))
    return defaults.page_not_found(request, exception)


def server_error(request):
    if request.path.startswith(API_PREFIX):
        return problem_response(request, 500, _("Something went wrong on our side; it has been logged."))
    return defaults.server_error(request)


class JsonParser(CamelCaseJSONParser):
    """camelCase JSON bodies; a body nested too deeply for Python's parser is a 400 like any malformed body."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(_("The body is nested too deeply.")) from None


class CsvRenderer(BaseRenderer):
    """Lets a client ask for a list as CSV with `Accept: text/csv`; the rows are streamed by CsvListMixin."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # Only errors reach this renderer; lists are streamed before rendering. Errors stay problem details.
        return json.dumps(data).encode()


# A cell that starts with one of these is a formula to a spreadsheet; a leading apostrophe keeps it text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_CHUNK_ROWS = 2000


def csv_safe(value):
    if isinstance(value, list):
        value = ", ".join(str(item) for item in value)
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class CsvListMixin:
    """Every filter of the list applies to its CSV; all matching rows come, streamed, without pagination."""

    csv_excluded_fields = ("contacts", "follow_ups")

    def get_renderers(self):
        renderers = super().get_renderers()
        return [*renderers, CsvRenderer()] if getattr(self, "action", "list") == "list" else renderers

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format != "csv":
            return super().list(request, *args, **kwargs)
        queryset = self.filter_queryset(self.get_queryset())
        serializer_class = self.get_serializer_class()
        context = self.get_serializer_context()
        columns = [name for name in serializer_class(context=context).fields if name not in self.csv_excluded_fields]

        def lines():
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow([camel(column) for column in columns])
            for row in queryset.iterator(chunk_size=CSV_CHUNK_ROWS):
                data = serializer_class(row, context=context).data
                writer.writerow([csv_safe(data[column]) for column in columns])
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        resource = request.path.rstrip("/").rsplit("/", 1)[-1]
        response["Content-Disposition"] = f'attachment; filename="{resource}.csv"'
        return response


class CreateThroughService:
    """Validate with the serializer, write with the service the web UI uses, answer with the stored record."""

    create_service = None

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = type(self).create_service(**self.service_arguments(serializer.validated_data))
        return Response(self.stored(instance), status=status.HTTP_201_CREATED)

    def service_arguments(self, validated_data: dict) -> dict:
        return dict(validated_data)

    def stored(self, instance):
        return self.get_serializer(self.get_queryset().get(pk=instance.pk)).data


class UpdateThroughService(CreateThroughService):
    """Partial updates only (PATCH): a client sends what changes, and the service validates the whole record."""

    update_service = None
    instance_keyword = None

    def partial_update(self, request, *args, **kwargs):
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        arguments = self.service_arguments(serializer.validated_data)
        instance = type(self).update_service(**{self.instance_keyword: instance}, **arguments)
        return Response(self.stored(instance))
