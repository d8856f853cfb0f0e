"""API tokens for other systems: creation, revocation and authentication."""

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .models import ApiToken
from .security_log import FAILURE, security_event, token_revoked

if TYPE_CHECKING:
    # The model of AUTH_USER_MODEL, as the django-stubs plugin resolves it.
    from django.contrib.auth.models import _User

# Writing last_used_at on every request would turn each read into a write; once a minute is precise enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _digest(secret: str) -> str:
    # The secret has 256 bits of entropy, so a fast hash is enough: no one can guess their way to a preimage.
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_expiry_validate(*, expires_at: datetime | None) -> None:
    """A token is made, or its expiry changed, only to expire in the future: anything else is a mistake."""
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("Choose a moment in the future.")})


def api_token_create(
    *,
    user: "_User",
    name: str,
    read_only: bool = True,
    expires_in_days: int | None = None,
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is not stored and cannot be shown again.

    The expiry is part of the one insert, so the security log's line for the new token states it."""
    if expires_in_days is not None:
        expires_at = timezone.now() + timedelta(days=expires_in_days)
    api_token_expiry_validate(expires_at=expires_at)
    secret = "crm_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[4:12],
        digest=_digest(secret),
        read_only=read_only,
        expires_at=expires_at,
    )
    return token, secret


def api_token_update(*, token: ApiToken, name: str, expires_at: datetime | None) -> ApiToken:
    """Rename a token or change its expiry; its owner and rights are fixed (make a new token instead)."""
    if expires_at != ApiToken.objects.values_list("expires_at", flat=True).get(pk=token.pk):
        api_token_expiry_validate(expires_at=expires_at)
    token.name = name
    token.expires_at = expires_at
    token.full_clean()
    token.save(update_fields=["name", "expires_at"])
    return token


def api_token_delete(*, token: ApiToken) -> None:
    token.delete()


def api_token_revoke(*, token: ApiToken) -> None:
    if ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()):
        token_revoked(token=token)


def _token_refused(request, what: str, token: ApiToken | None = None) -> None:
    """A refused bearer token in the security log: someone guessing tokens, or a system using an old one."""
    security_event(
        action="api.token",
        result=FAILURE,
        request=request,
        actor=token.user if token is not None else "",
        object=what,
    )


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="replace").split()
        # The scheme name is case-insensitive (RFC 9110); anything else is left to session authentication.
        if not header or header[0].lower() != self.keyword.lower():
            return None
        if len(header) != 2:
            _token_refused(request, "malformed")
            raise exceptions.AuthenticationFailed(_("Send the token as: Authorization: Bearer <token>."))
        token = (
            ApiToken.objects.select_related("user").filter(digest=_digest(header[1])).first()
            if header[1].startswith("crm_")
            else None
        )
        if token is None or not token.is_usable or not token.user.is_active:
            # The log names a known token by its id and its user, never by any part of what the client sent.
            _token_refused(request, "unknown" if token is None else f"api-token:{token.pk}", token)
            raise exceptions.AuthenticationFailed(_("The token is unknown, expired or revoked."))
        now = timezone.now()
        # The loaded row says whether a write is due: most requests skip it and cost no query. When it is due, the
        # UPDATE is conditional, so that of two processes racing past the same stale value only one writes.
        if token.last_used_at is None or token.last_used_at <= now - LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).exclude(last_used_at__gt=now - LAST_USED_RESOLUTION).update(
                last_used_at=now
            )
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword
