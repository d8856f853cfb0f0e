"""Who may call the API: the role's model permissions, the token's scope, and a request budget per client.

A token is recognised by what it carries (request.auth is set by token authentication only), so this module needs
no model of the accounts app.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import permissions
from rest_framework.throttling import SimpleRateThrottle


class ReadWithPermission(permissions.DjangoModelPermissions):
    """Reading needs the role's view permission and writing its add or change permission: the same permission
    matrix (accounts/roles.py) as the web UI and admin."""

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
        return request.method in permissions.SAFE_METHODS or not getattr(token, "read_only", False)


class ClientRateThrottle(SimpleRateThrottle):
    """One budget per token (or per user for the browser), and the numbers for the rate-limit headers."""

    # Set by SimpleRateThrottle from the rate (which this throttle always has); the stubs do not declare them.
    num_requests: int
    duration: int

    scope = "client"

    def get_rate(self):
        return settings.API_RATE_LIMIT

    def get_cache_key(self, request, view):
        if request.auth is not None:
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
