"""What every endpoint of the REST API shares: errors, pagination, query checking, permissions, throttling, headers.

The API follows the Dutch API Design Rules: errors are problem details (RFC 9457), every response names the API
version, unknown or malformed input is refused with a 400 rather than ignored.
"""

from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from django_filters.rest_framework import DjangoFilterBackend
from djangorestframework_camel_case.util import camelize_re, underscore_to_camel
from rest_framework import exceptions, permissions
from rest_framework.pagination import BasePagination, CursorPagination, PageNumberPagination
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

    ordering = ("updated_at", "id")
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "pageSize"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        return strict_page_size(request)


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
        return PagePagination().get_paginated_response_schema(schema)

    def get_schema_operation_parameters(self, view):
        parameters = PagePagination().get_schema_operation_parameters(view)
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
        return super().filter_queryset(request, queryset, view)


class ReadAuthenticatedWriteWithPermission(permissions.DjangoModelPermissions):
    """Every signed-in client reads; writing needs the model permission of the user's role."""

    message = _("Your role does not allow this change.")

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
