from mail.models import OutboxMessage
from surveys.services import invitation_link_issue


def personal_link(invitation) -> str:
    """A fresh personal link of an invitation, as the outbox makes one when the mail goes out; the path only."""
    url = invitation_link_issue(OutboxMessage(idempotency_key=f"survey-invitation:{invitation.pk}"))
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def answer_form(**answers) -> dict:
    return {f"q_{code}": value for code, value in answers.items()} | {"submit": ""}
