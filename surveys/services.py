"""Writes of the survey lifecycle: rounds, invitations and their links, responses.

The links: a secret of 256 bits from `secrets`, made when its mail is sent (mail/outbox.py's personaliser), of which
only the SHA-256 digest is stored. The first link of an invitation that is used ends every link of it, and a link
works only while its round is open and its invitation unanswered.
"""

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mail.models import OutboxMessage
from mail.outbox import Mail, outbox_enqueue
from stakeholders.filters import ContactFilterSet
from stakeholders.models import Contact
from surveys.mails import MailKind

from .ballot import ballot_cast, ballots_move, responses_generalise, round_key_share_lock
from .models import Invitation, InvitationToken, Question, RoundStatus, SurveyRound
from .results import round_results_freeze
from .selectors import round_targets

TARGET_FILTER_KEYS = {"soort", "reikwijdte", "niveau", "label", "relatiebeheerder"}  # ContactFilterSet's


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def target_filter_validate(target_filter: dict) -> None:
    """The target of a round is written with the contact list's filters; anything else is refused."""
    unknown = set(target_filter) - TARGET_FILTER_KEYS
    if unknown:
        raise ValidationError(
            {"target_filter": _("Unknown filters: %(names)s.") % {"names": ", ".join(sorted(unknown))}}
        )
    filterset = ContactFilterSet(data=target_filter, queryset=Contact.objects.none())
    if not filterset.is_valid():
        reasons = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items())
        raise ValidationError({"target_filter": reasons})


def survey_round_schedule(*, survey_round: SurveyRound) -> SurveyRound:
    """Approve a reviewed draft: the rounds job opens it, and invites its targets, when its opening comes."""
    if survey_round.status != RoundStatus.DRAFT:
        raise ValidationError(_("Only a draft round can be scheduled."))
    target_filter_validate(survey_round.target_filter)
    if survey_round.closes_at <= timezone.now():
        raise ValidationError({"closes_at": _("This round would close before it opens.")})
    SurveyRound.objects.filter(pk=survey_round.pk, status=RoundStatus.DRAFT).update(status=RoundStatus.SCHEDULED)
    survey_round.refresh_from_db()
    return survey_round


def survey_rounds_advance(*, now: datetime | None = None) -> dict[str, int]:
    """Open the scheduled rounds whose time came (inviting their targets) and close the rounds whose time ended.

    Each round opens in its own transaction with its invitations and their mails; a second copy of the job skips
    the locked round and then finds it open, so nobody is invited twice.
    """
    now = now or timezone.now()
    opened = invited = 0
    while True:
        with transaction.atomic():
            survey_round = (
                SurveyRound.objects.select_for_update(skip_locked=True)
                .filter(status=RoundStatus.SCHEDULED, opens_at__lte=now, closes_at__gt=now)
                .first()
            )
            if survey_round is None:
                break
            invited += _invite(survey_round)
            survey_round.status = RoundStatus.OPEN
            survey_round.save(update_fields=["status", "updated_at"])
            opened += 1
    closed = 0
    while True:
        with transaction.atomic():
            # SKIP LOCKED also passes by a round whose ballot is being cast or moved (round_key_share_lock): the next
            # run closes it, with that ballot in the box or in the results, so the figures are complete.
            survey_round = (
                SurveyRound.objects.select_for_update(skip_locked=True)
                .filter(status__in=[RoundStatus.OPEN, RoundStatus.SCHEDULED], closes_at__lte=now)
                .first()
            )
            if survey_round is None:
                break
            survey_round_close(survey_round=survey_round, now=now)
            closed += 1
    return {"opened": opened, "invited": invited, "closed": closed}


@transaction.atomic
def survey_round_close(*, survey_round: SurveyRound, now: datetime) -> None:
    """Close a round whose time ended: its links die, every waiting ballot moves into the results (in a shuffled
    batch), and the segments are generalised until each is shared by the round's minimum group size. Only then is
    the round closed, so its published figures are complete and k-anonymous; and in the same transaction its figures
    are computed and stored (surveys/results.py), so a closed round never shows without them."""
    InvitationToken.objects.filter(invitation__round=survey_round).delete()
    ballots_move(survey_round=survey_round, everything=True)
    responses_generalise(survey_round=survey_round)
    SurveyRound.objects.filter(pk=survey_round.pk).update(status=RoundStatus.CLOSED, updated_at=now)
    survey_round.status = RoundStatus.CLOSED
    round_results_freeze(survey_round=survey_round)


def _invite(survey_round: SurveyRound) -> int:
    targets = round_targets(survey_round=survey_round).exclude(invitations__round=survey_round)
    Invitation.objects.bulk_create(
        [Invitation(round=survey_round, contact=contact) for contact in targets], ignore_conflicts=True
    )
    invitations = survey_round.invitations.select_related("round", "contact__organisation")
    return outbox_enqueue(mails=[invitation_mail(invitation) for invitation in invitations])


def invitation_mail(invitation: Invitation, *, reminder: int = 0) -> Mail:
    """The invitation mail of one invitee, or its n-th reminder. The key names the invitation (which the link
    personaliser reads back) and the reminder's number, so each is written once."""
    kind, key = (
        (MailKind.SURVEY_REMINDER, f"survey-reminder:{invitation.pk}:{reminder}")
        if reminder
        else (MailKind.SURVEY_INVITATION, f"survey-invitation:{invitation.pk}")
    )
    return Mail(
        key=key,
        kind=kind,
        template=f"emails/{kind}",
        context={"round": invitation.round, "contact": invitation.contact},
        contact=invitation.contact,
    )


def survey_reminders_send(*, now: datetime | None = None) -> int:
    """Remind the invitees of open rounds who have not answered, as often and as late as each round says."""
    now = now or timezone.now()
    open_rounds = SurveyRound.objects.filter(status=RoundStatus.OPEN, closes_at__gt=now)
    # One condition per waiting time the open rounds use (a handful), rather than multiplying a column by a
    # duration in SQL, which SQLite, the database of `make run`, cannot do.
    waited = Q(pk__in=[])
    for days in open_rounds.values_list("reminder_after_days", flat=True).distinct():
        waited |= Q(round__reminder_after_days=days, last_mail_at__lte=now - timedelta(days=days))
    due = (
        Invitation.objects.filter(
            round__in=open_rounds, answered_on__isnull=True, reminders_sent__lt=F("round__max_reminders")
        )
        .annotate(last_mail_at=Coalesce("last_reminded_at", "invited_at"))
        .filter(waited)
        .select_related("round", "contact__organisation")
    )
    with transaction.atomic():
        invitations = list(due.select_for_update(skip_locked=True, of=("self",)))
        written = outbox_enqueue(
            mails=[invitation_mail(invitation, reminder=invitation.reminders_sent + 1) for invitation in invitations]
        )
        Invitation.objects.filter(pk__in=[invitation.pk for invitation in invitations]).update(
            reminders_sent=F("reminders_sent") + 1, last_reminded_at=now
        )
    return written


def invitation_links_issue(messages: Sequence[OutboxMessage]) -> list[str | None]:
    """The personal links of these invitation mails, made now for all of them in one read and one insert; None for
    a mail whose invitation no longer needs one.

    Registered as the outbox personaliser of survey mails (surveys/plugins.py); the key, written by this app, names
    the invitation.
    """
    invitation_ids = [int(message.idempotency_key.split(":")[1]) for message in messages]
    awaiting = set(Invitation.objects.filter(_awaiting_answer(), pk__in=invitation_ids).values_list("pk", flat=True))
    links: list[str | None] = []
    tokens = []
    for invitation_id in invitation_ids:
        if invitation_id not in awaiting:
            links.append(None)
            continue
        token = secrets.token_urlsafe(32)
        tokens.append(InvitationToken(invitation_id=invitation_id, digest=_token_digest(token)))
        links.append(settings.SITE_URL + reverse("surveys:redeem", args=[token]))
    InvitationToken.objects.bulk_create(tokens)
    return links


def invitation_link_issue(message: OutboxMessage) -> str | None:
    """The personal link of one invitation mail, made now; None if the invitation no longer needs one."""
    return invitation_links_issue([message])[0]


def _awaiting_answer(prefix: str = "") -> Q:
    """An invitation whose link may still be used: unanswered, link unused, round open and not yet past closing."""
    return Q(
        **{
            f"{prefix}answered_on__isnull": True,
            f"{prefix}link_used_on__isnull": True,
            f"{prefix}round__status": RoundStatus.OPEN,
            f"{prefix}round__closes_at__gt": timezone.now(),
        }
    )


def _live_token(token: str):
    return InvitationToken.objects.filter(_awaiting_answer("invitation__"), digest=_token_digest(token))


def invitation_token_check(*, token: str) -> Invitation | None:
    """The invitation a link would open, without using the link up."""
    found = _live_token(token).values_list("invitation_id", flat=True).first()
    return Invitation.objects.select_related("round", "contact").get(pk=found) if found else None


@transaction.atomic
def invitation_token_redeem(*, token: str) -> Invitation | None:
    """Exchange a link's secret for its invitation, once. Unknown, used and expired links all give None."""
    found = _live_token(token).values_list("invitation_id", flat=True).first()
    if found is None:
        return None
    # Conditional: of two visits at the same moment, only one wins the link. The day only, never the moment.
    if not Invitation.objects.filter(pk=found, link_used_on__isnull=True).update(link_used_on=timezone.localdate()):
        return None
    InvitationToken.objects.filter(invitation_id=found).delete()
    return Invitation.objects.select_related("round__questionnaire", "contact__organisation").get(pk=found)


@transaction.atomic
def response_submit(
    *, invitation: Invitation, answers: dict[Question, int | str | None], by_interview: bool = False
) -> None:
    """Put one anonymous response in the round's ballot box (surveys/ballot.py): its segment and answers, sealed;
    the invitation learns only the day. The response reaches the results when the ballot job moves it.

    Refused: an invitation that is already answered, or whose round is not open.
    """
    # A round cannot close while a ballot is on its way into its box, so the close moves every ballot.
    round_key_share_lock(invitation.round_id)
    status, closes_at = SurveyRound.objects.values_list("status", "closes_at").get(pk=invitation.round_id)
    if status != RoundStatus.OPEN or closes_at <= timezone.now():
        raise ValidationError(_("This survey is closed."))
    answered = Invitation.objects.filter(pk=invitation.pk, answered_on__isnull=True)
    if not answered.update(answered_on=timezone.localdate()):
        raise ValidationError(_("This invitation has been answered already."))
    contact = invitation.contact
    ballot_cast(
        survey_round=invitation.round,
        segment=(contact.organisation.kind, contact.level, contact.organisation.scope),
        answers=answers,
    )
    InvitationToken.objects.filter(invitation=invitation).delete()
    if by_interview:
        SurveyRound.objects.filter(pk=invitation.round_id).update(interview_responses=F("interview_responses") + 1)
