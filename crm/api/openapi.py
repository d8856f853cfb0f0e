"""Completes the generated OpenAPI document with what every operation shares: problem responses and headers.

drf-spectacular describes each endpoint's success; the API Design Rules also ask that every error response be
documented as problem details and that every success carries the API-Version header.
"""

from .problems import API_VERSION, PROBLEM_CONTENT_TYPE

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "Problem details (RFC 9457).",
    "required": ["status", "title", "detail"],
    "properties": {
        "type": {
            "type": "string",
            "description": "A URI that identifies the kind of problem.",
            "example": "about:blank",
        },
        "title": {"type": "string", "description": "Short summary of the kind of problem."},
        "status": {"type": "integer", "minimum": 100, "maximum": 599},
        "detail": {"type": "string", "description": "What went wrong with this request."},
        "instance": {"type": "string"},
        "invalidParams": {
            "type": "array",
            "description": "Every invalid field or query parameter, with the reason.",
            "items": {
                "type": "object",
                "required": ["name", "code", "reason"],
                "properties": {
                    "name": {"type": "string", "example": "kvkNummer"},
                    "code": {"type": "string", "example": "invalid"},
                    "reason": {"type": "string"},
                },
            },
        },
    },
}
ERRORS = {
    "400": "The request has invalid parameters, an invalid body or malformed JSON.",
    "401": "No valid credentials: sign in or send a valid API token.",
    "403": "The credentials do not allow this request.",
    "404": "There is no such resource.",
    "405": "The resource does not support this method.",
    "406": "The requested representation cannot be produced.",
    "415": "The body is not application/json.",
    "429": "Too many requests for this token; wait for the number of seconds in Retry-After.",
    "500": "Something went wrong on the server.",
}
WRITE_ONLY_ERRORS = {"415"}
HEADERS = {
    "API-Version": {
        "description": "The full version of the API that answered.",
        "schema": {"type": "string", "example": API_VERSION},
    },
    "X-Rate-Limit-Limit": {"description": "Requests allowed per period.", "schema": {"type": "integer"}},
    "X-Rate-Limit-Remaining": {"description": "Requests left in this period.", "schema": {"type": "integer"}},
    "X-Rate-Limit-Reset": {"description": "Seconds until the period ends.", "schema": {"type": "integer"}},
}
METHODS = {"get", "post", "put", "patch", "delete", "head", "options"}


def document_errors_and_headers(result, generator, request, public):
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    components["headers"] = HEADERS
    components["responses"] = {
        f"Problem{code}": {
            "description": description,
            "headers": {"API-Version": {"$ref": "#/components/headers/API-Version"}},
            "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for code, description in ERRORS.items()
    }
    # Request bodies refuse fields they do not know (crm.serializers.StrictModelSerializer); say so.
    for name, schema in components["schemas"].items():
        if name.endswith("Request") and schema.get("type") == "object":
            schema["additionalProperties"] = False
    header_refs = {name: {"$ref": f"#/components/headers/{name}"} for name in HEADERS}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for code, response in responses.items():
                if code[0] in "23":
                    response.setdefault("headers", {}).update(header_refs)
                if "text/csv" in response.get("content", {}):
                    response["content"]["text/csv"] = {
                        "schema": {"type": "string", "description": "All matching rows, one per line, streamed."}
                    }
            for code in ERRORS:
                if code in WRITE_ONLY_ERRORS and method not in {"post", "put", "patch"}:
                    continue
                responses.setdefault(code, {"$ref": f"#/components/responses/Problem{code}"})
    return result
