"""Doorways to the outbox for Celery; the work is in mail/outbox.py."""

import uuid

from celery import shared_task
from django.conf import settings

from . import delivery, outbox


@shared_task(time_limit=120, soft_time_limit=100)
def outbox_sweep() -> int:
    """Mark lost sends uncertain, then hand due mail to workers in claimed batches."""
    outbox.outbox_expire_sending()
    batches = 0
    while batches < settings.OUTBOX_SWEEP_BATCHES and (claim := outbox.outbox_claim_batch()):
        claim_token, message_ids = claim
        outbox_send_batch.delay(str(claim_token), message_ids)
        batches += 1
    if batches == settings.OUTBOX_SWEEP_BATCHES:
        outbox_sweep.delay()  # more may be due: carry on at once instead of waiting for the next minute
    return batches


# The one task that acknowledges late: if its worker dies, the broker hands the batch out again, and the claim
# token and row states make the second run send only what the first did not hand over. The hard limit is the claim's
# lease, so no run outlives its claim; the soft limit, a tenth earlier, stops sending and puts the unsent mails back.
@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=settings.OUTBOX_CLAIM_LEASE_SECONDS,
    soft_time_limit=int(settings.OUTBOX_CLAIM_LEASE_SECONDS * 0.9),
)
def outbox_send_batch(claim_token: str, message_ids: list[int]) -> None:
    delivery.outbox_send_batch(claim_token=uuid.UUID(claim_token), message_ids=message_ids)
