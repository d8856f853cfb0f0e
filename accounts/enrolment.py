"""Setting up a second factor takes a link mailed to the user's own address: the password alone binds no authenticator.

Whoever learns a coordinator's password could otherwise log in before the coordinator ever did and bind their own
app. So until a user has a second factor, the code page only says a link was mailed. The link is a secret of 256 bits
made when the outbox sends the mail (like a survey link), of which only the SHA-256 digest is stored, so neither the
outbox nor a copy of the database holds a usable link. It works once, for SECOND_FACTOR_LINK_SECONDS, for the user it
was sent to, while they are logged in; it then lets that session set up a device for the same time.
"""

import hashlib
import secrets
import time
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mail.models import OutboxMessage
from mail.outbox import Mail, outbox_enqueue

from .models import EnrolmentLink
from .security_log import FAILURE, SUCCESS, security_event

ENROLMENT_MAIL = "second_factor_enrolment"
# The session's permission to set up a device: {"user": id, "until": epoch seconds}.
GRANT_SESSION_KEY = "second_factor_enrolment"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def enrolment_link_send(*, user, now: float | None = None) -> bool:
    """Mail the user a set-up link; False if one was already written in this resend window (the throttle).

    The key names the user and the window, so two clicks at once, or a reload, write one mail.
    """
    window = int((now or time.time()) // settings.SECOND_FACTOR_LINK_RESEND_SECONDS)
    written = outbox_enqueue(
        mails=[
            Mail(
                key=f"second-factor-enrolment:{user.pk}:{window}",
                kind=ENROLMENT_MAIL,
                template=f"emails/{ENROLMENT_MAIL}",
                context={"minutes": settings.SECOND_FACTOR_LINK_SECONDS // 60},
                user=user,
            )
        ]
    )
    return written > 0


def enrolment_links_issue(messages: Sequence[OutboxMessage]) -> list[str | None]:
    """The links of these set-up mails, made now (the outbox's personaliser for ENROLMENT_MAIL); None for a user
    who has a second factor by now."""
    from .two_factor import second_factor_enrolled

    expires_at = timezone.now() + timedelta(seconds=settings.SECOND_FACTOR_LINK_SECONDS)
    links: list[str | None] = []
    rows = []
    for message in messages:
        user = message.user
        if user is None or second_factor_enrolled(user):
            links.append(None)
            continue
        token = secrets.token_urlsafe(32)
        rows.append(EnrolmentLink(user=user, digest=_digest(token), expires_at=expires_at))
        links.append(settings.SITE_URL + reverse("two-factor-enrol", args=[token]))
    EnrolmentLink.objects.bulk_create(rows)
    return links


def enrolment_link_redeem(*, request, token: str) -> bool:
    """Use the link up for the signed-in user and let this session set up a device; False (and logged) for a link
    that is unknown, used, expired or someone else's."""
    now = timezone.now()
    with transaction.atomic():
        # Conditional: of two uses at the same moment only one wins.
        used = EnrolmentLink.objects.filter(
            digest=_digest(token), user=request.user, used_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
    if not used:
        security_event(action="second_factor.enrolment_link", result=FAILURE, request=request)
        return False
    request.session[GRANT_SESSION_KEY] = {
        "user": request.user.pk,
        "until": time.time() + settings.SECOND_FACTOR_LINK_SECONDS,
    }
    security_event(action="second_factor.enrolment_link", result=SUCCESS, request=request)
    return True


def enrolment_granted(request) -> bool:
    """Whether this session opened a set-up link of its user that has not run out."""
    grant = request.session.get(GRANT_SESSION_KEY)
    return bool(grant) and grant["user"] == request.user.pk and grant["until"] > time.time()


def enrolment_finish(request) -> None:
    """A device is set up: the link's permission is spent."""
    request.session.pop(GRANT_SESSION_KEY, None)
