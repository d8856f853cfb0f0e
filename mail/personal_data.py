"""The personal data of this app's models, for the inventory (privacy/inventory.py)."""

from privacy.inventory import ACCOUNTS, OUTREACH_MAIL, Record

RECORDS = [
    Record(
        "mail.outboxmessage",
        subjects="recipients: contact persons and staff",
        activity=OUTREACH_MAIL,
        personal={"to_address": "", "subject": "", "body_text": "", "body_html": "", "opt_out_url": "",
                  "last_error": ""},
        other=("id", "idempotency_key", "kind", "status", "user", "contact", "language", "message_id",
               "attempts", "next_attempt_at", "claim_token", "lease_expires_at", "sent_at", "created_at",
               "updated_at"),
        retention="outbox",
        on_erasure="delete",  # the person's own mails; mails to others that quote them are searched
        free_text=("subject", "body_text", "body_html", "last_error"),
    ),
    Record("mail.mailpreferences", subjects="staff", activity=ACCOUNTS,
           other=("id", "user", "language", "digest_frequency", "follow_up_reminders", "coordinator_summary",
                  "notifications")),
]  # fmt: skip
