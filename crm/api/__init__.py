"""What every endpoint of the REST API shares, a module per concern: problem details and headers (problems),
pagination, strict filtering (filters), permissions and throttling, CSV streaming, and the base views that write
through services. The API follows the Dutch API Design Rules: errors are problem details (RFC 9457), every response
names the API version, unknown or malformed input is refused with a 400 rather than ignored.
"""
