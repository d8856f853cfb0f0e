"""What the domain apps tell the mail platform when they start (their apps.py), so that it names none of them.

- the kinds of mail they send: a label for admin, the user's preference that switches the kind off, and for mail
  with a personal link the function that makes that link at sending time;
- what a contact person's one-click opt-out does in the app that owns contact persons.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MailKind:
    code: str
    label: Any  # a lazy translation
    # The MailPreferences field that switches this kind off for a user, and its "off" value.
    preference: str | None = None
    off: Any = False
    # messages -> their personal links in the same order (None for a mail that no longer applies), made for a
    # whole claimed batch at once and only at sending time.
    personaliser: Callable | None = None


KINDS: dict[str, MailKind] = {}
_contact_opt_out: list[Callable[[int], str | None]] = []


def mail_kind_register(kind: MailKind) -> None:
    KINDS[kind.code] = kind


def mail_kind_choices() -> list[tuple[str, Any]]:
    """The choices of OutboxMessage.kind: every registered kind (a callable, so the model names no app's mail)."""
    return [(kind.code, kind.label) for kind in KINDS.values()]


def contact_opt_out_register(handler: Callable[[int], str | None]) -> None:
    """handler(contact_id) stops all mail to that contact person and returns their language (None if unknown)."""
    _contact_opt_out[:] = [handler]


def contact_opt_out(contact_id: int) -> str | None:
    return _contact_opt_out[0](contact_id) if _contact_opt_out else None
