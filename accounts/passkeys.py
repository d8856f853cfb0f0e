"""Passkeys (WebAuthn, django-otp-webauthn) as a phishing-resistant second factor, next to the authenticator app.

A passkey answers only on the origins of settings.OTP_WEBAUTHN_ALLOWED_ORIGINS, so a look-alike site gets nothing
it can replay. It is a second factor only (OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN is off): it never replaces the
password. The views are django-otp-webauthn's, with two changes:

- Registering needs a session that has passed the second factor. The package lets a user without any device
  register a passkey with the password alone, which is exactly the attack the mailed set-up link closes
  (accounts/enrolment.py); a first device is always an authenticator app set up through that link.
- Every use, good or bad, goes to the security log like a code typed on the code page.
"""

from typing import Any

from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import exceptions
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from .security_log import FAILURE, SUCCESS, security_event


class SecondFactorFirst(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_code = "second_factor_first"
    default_detail = _("Confirm this login with your second step before you add a passkey.")


class _VerifiedSessionsOnly:
    request: Any  # an HttpRequest whose user django-otp's middleware gave is_verified()

    def check_can_register(self):
        if not self.request.user.is_verified():
            raise SecondFactorFirst()


class PasskeyRegistrationBegin(_VerifiedSessionsOnly, BeginCredentialRegistrationView):
    pass


class PasskeyRegistrationComplete(_VerifiedSessionsOnly, CompleteCredentialRegistrationView):
    pass


class PasskeyAuthenticationComplete(CompleteCredentialAuthenticationView):
    def handle_exception(self, exc):
        security_event(action="login.second_factor", result=FAILURE, request=self.request, object="passkey")
        return super().handle_exception(exc)

    def complete_auth(self, device):
        super().complete_auth(device)
        security_event(action="login.second_factor", result=SUCCESS, request=self.request, object="passkey")


# Under the package's own namespace, which its template tags name.
app_name = "otp_webauthn"
urlpatterns = [
    path("registratie/begin/", PasskeyRegistrationBegin.as_view(), name="credential-registration-begin"),
    path("registratie/voltooien/", PasskeyRegistrationComplete.as_view(), name="credential-registration-complete"),
    path("controle/begin/", BeginCredentialAuthenticationView.as_view(), name="credential-authentication-begin"),
    path("controle/voltooien/", PasskeyAuthenticationComplete.as_view(), name="credential-authentication-complete"),
    path("jsi18n/", JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]), name="js-i18n-catalog"),
]
