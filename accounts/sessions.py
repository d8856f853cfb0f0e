"""What a signed-in session may do and for how long: the second factor for privileged roles, an absolute lifetime
on top of the idle timeout, and no caching of what a signed-in user sees.

The idle timeout itself is Django's: SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST. A deactivated user's
sessions end on their next request, because Django's ModelBackend no longer returns an inactive user.
"""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from crm.api.problems import API_PREFIX, problem_response

from .security_log import FAILURE, security_event

SIGNED_IN_AT = "signed_in_at"


def session_start(sender, request, user, **kwargs) -> None:
    """On login (a user_logged_in receiver): the absolute lifetime counts from here."""
    request.session[SIGNED_IN_AT] = time.time()


def second_factor_required(user) -> bool:
    """Administrators and coordinators must confirm their login with a code; others may."""
    if user.is_superuser:
        return True
    return user.groups.filter(name__in=settings.SECOND_FACTOR_ROLES).exists()


class SessionLimitsMiddleware:
    """Ends a session older than SESSION_ABSOLUTE_SECONDS however busy it is, and keeps pages of signed-in users
    out of every cache (a shared computer's back button, a proxy)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            signed_in_at = request.session.setdefault(SIGNED_IN_AT, time.time())
            if time.time() - signed_in_at > settings.SESSION_ABSOLUTE_SECONDS:
                security_event(action="session.expired", result=FAILURE, request=request)
                logout(request)
                if request.path.startswith(API_PREFIX):
                    return problem_response(request, 401, _("Your session has ended; log in again."))
                return redirect_to_login(request.get_full_path())
        response = self.get_response(request)
        # After the view: an API client signed in by token is known only now.
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


# Pages a user who still owes the second factor may open: the code page itself, the mailed set-up link, a passkey's
# check and its script's translations, logging out, the language switch, and what anyone may read. (Static files
# never get here: WhiteNoise answers them first.)
OPEN_BEFORE_SECOND_FACTOR = {
    "two-factor",
    "two-factor-enrol",
    "otp_webauthn:credential-authentication-begin",
    "otp_webauthn:credential-authentication-complete",
    "otp_webauthn:js-i18n-catalog",
    "logout",
    "set_language",
    "accessibility",
    "privacy",
    "healthz",
}


def _view_name(request) -> str | None:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return None


class SecondFactorMiddleware:
    """Sends a signed-in administrator or coordinator without a confirmed code to the code page first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        owes_second_factor = user.is_authenticated and not user.is_verified() and second_factor_required(user)
        if owes_second_factor and _view_name(request) not in OPEN_BEFORE_SECOND_FACTOR:
            if request.path.startswith(API_PREFIX):
                return problem_response(request, 403, _("Confirm your login with your code first."))
            return redirect(f"{reverse('two-factor')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
