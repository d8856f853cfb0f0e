"""Problem details (RFC 9457) for every error of the API, and the headers every API response carries."""

from http import HTTPStatus

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from djangorestframework_camel_case.parser import CamelCaseJSONParser
from rest_framework import exceptions

from .wire import camel

API_VERSION = "1.0.0"
API_PREFIX = "/api/"
PROBLEM_CONTENT_TYPE = "application/problem+json"


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
