"""The sealed ballot box: how an answer reaches the results tables without a trace of the invitation it came with.

Someone who reads the database, a backup or its logs must not be able to tie a response to an invitation. Written
together, they would share the transaction id (xmin), their physical order and id order would follow the order in
which invitations were answered, and a moment would match `link_used`. So:

1. `response_submit` (services.py) marks the invitation answered (a day, no time) and puts a *ballot* in the box in
   the same transaction: the round and a sealed payload (segment and answers, encrypted and authenticated with a key
   derived from SECRET_KEY, padded to a power of two of at least 4 KiB so its length says little).
2. `ballot_box_empty`, a job of its own (daily, and for a round when it closes), opens a round's ballots in a
   transaction of its own, shuffles them, and writes them as Response and Answer rows with random UUIDs in the
   shuffled order; then deletes the ballots. An open round's batch moves only once at least its minimum group size
   of ballots wait, so every batch (and every transaction id in the results tables) holds at least that many.
3. When a round closes, everything left moves, and `responses_generalise` suppresses segment attributes until
   every combination stored is shared by at least the round's minimum group size (record-level k-anonymity).

What remains (docs/privacy.md, DPIA): an administrator who watches the live database while a round is open sees a
ballot arrive with its invitation, but cannot read it without the application's secret key.

The cipher is AES-256-GCM from `cryptography`, with the version byte and the round as associated data, so a ballot
copied into another round does not open; its key is derived from SECRET_KEY with HKDF, and SECRET_KEY_FALLBACKS
still open ballots sealed before a key rotation.
"""

import json
import logging
import secrets
from collections import Counter
from collections.abc import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F

from .models import NOT_STATED, Answer, Ballot, Question, Response, RoundStatus, SurveyRound
from .results import round_results_freeze

logger = logging.getLogger(__name__)

VERSION = b"\x01"
NONCE_BYTES = 12  # GCM's own nonce size
MIN_SEALED_BYTES = 4096

# (kind of organisation, level, scope): the respondent's segment, in this order.
Segment = tuple[str, str, str]
SEGMENT_FIELDS = ("organisation_kind", "respondent_level", "organisation_scope")
# The order in which attributes are suppressed for k-anonymity: scope first (the coarsest, and the least used in
# steering), then level, then the kind of organisation (the breakdown the agency steers on most).
SUPPRESSION_ORDER = (2, 1, 0)
FULLY_SUPPRESSED: Segment = (NOT_STATED, NOT_STATED, NOT_STATED)


# Sealing.


def _cipher(secret: str) -> AESGCM:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"surveys.ballot").derive(secret.encode())
    return AESGCM(key)


def _associated_data(round_id: int) -> bytes:
    return VERSION + round_id.to_bytes(8, "big")


def ballot_seal(payload: Mapping, *, round_id: int) -> bytes:
    """The payload as JSON, padded with spaces (which JSON ignores), encrypted and authenticated for this round."""
    plain = json.dumps(payload, separators=(",", ":")).encode()
    size = MIN_SEALED_BYTES
    while size < len(plain):
        size *= 2
    nonce = secrets.token_bytes(NONCE_BYTES)
    cipher = _cipher(settings.SECRET_KEY).encrypt(nonce, plain.ljust(size, b" "), _associated_data(round_id))
    return VERSION + nonce + cipher


def ballot_open(sealed: bytes, *, round_id: int) -> dict:
    """The payload of a sealed ballot of this round; ValueError if it was changed, moved to another round, or sealed
    with a key that is neither SECRET_KEY nor one of SECRET_KEY_FALLBACKS."""
    sealed = bytes(sealed)
    version, nonce, cipher = sealed[:1], sealed[1 : 1 + NONCE_BYTES], sealed[1 + NONCE_BYTES :]
    if version != VERSION:
        raise ValueError("unknown ballot version")
    for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]:
        try:
            return json.loads(_cipher(secret).decrypt(nonce, cipher, _associated_data(round_id)))
        except InvalidTag:
            continue
    raise ValueError("the ballot cannot be opened")


def ballot_cast(*, survey_round: SurveyRound, segment: Segment, answers: Mapping[Question, object]) -> Ballot:
    """Put one response in the ballot box. Called by response_submit inside its transaction."""
    payload = {
        "segment": list(segment),
        "answers": [
            [question.pk, value if question.is_numeric else None, "" if question.is_numeric else str(value)]
            for question, value in answers.items()
            if value not in (None, "")
        ],
    }
    return Ballot.objects.create(round=survey_round, sealed=ballot_seal(payload, round_id=survey_round.pk))


# Moving ballots into the results tables.


def round_key_share_lock(survey_round_id: int) -> None:
    """Hold a round open for this transaction: FOR KEY SHARE locks do not wait for each other (submissions and the
    ballot job run side by side), but the close (FOR UPDATE SKIP LOCKED) passes the round by until they commit, so
    the close finds every ballot and every moved response. Django offers no KEY SHARE lock; SQLite needs none."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM surveys_surveyround WHERE id = %s FOR KEY SHARE", [survey_round_id])


def ballots_move(*, survey_round: SurveyRound, everything: bool = False) -> int:
    """Move a round's waiting ballots into Response and Answer, in a shuffled order, in this transaction (the caller's,
    or one of its own). Unless `everything` (the round closes), fewer ballots than the round's minimum group size
    stay in the box: a batch of one would share its transaction id with nobody.

    A ballot that cannot be opened (a changed row, a lost key) stays in the box and is logged.
    """
    with transaction.atomic():
        round_key_share_lock(survey_round.pk)
        # Claimed with SKIP LOCKED: two copies of the job never move a ballot twice.
        ballots = list(Ballot.objects.select_for_update(skip_locked=True).filter(round=survey_round))
        if not ballots or (not everything and len(ballots) < survey_round.min_group_size):
            return 0
        opened, moved = [], []
        for ballot in ballots:
            try:
                opened.append(ballot_open(ballot.sealed, round_id=survey_round.pk))
            except ValueError:
                logger.error("A ballot of survey round %s cannot be opened; it stays in the box.", survey_round.pk)
                continue
            moved.append(ballot.pk)
        secrets.SystemRandom().shuffle(opened)
        responses, answers = [], []
        for payload in opened:
            kind, level, scope = payload["segment"]
            response = Response(
                round=survey_round, organisation_kind=kind, respondent_level=level, organisation_scope=scope
            )
            responses.append(response)
            answers += [
                Answer(response=response, question_id=question_id, number=number, text=text)
                for question_id, number, text in payload["answers"]
            ]
        # Inserted in the shuffled order, so neither the physical order nor the (random) ids follow the answering.
        Response.objects.bulk_create(responses)
        Answer.objects.bulk_create(answers)
        Ballot.objects.filter(pk__in=moved).delete()
    return len(moved)


def ballot_box_empty() -> int:
    """The daily job: move every round's waiting ballots, a shuffled batch per round in a transaction of its own;
    an open round's only once its minimum group size wait. Then make sure every closed round is k-anonymous (it
    is once it closed; this also treats rounds closed before the rule existed)."""
    moved = 0
    waiting = (
        Ballot.objects.values("round_id", "round__min_group_size")
        .annotate(count=Count("id"))
        .filter(count__gte=F("round__min_group_size"))
        .values_list("round_id", flat=True)
    )
    closed = Ballot.objects.filter(round__status=RoundStatus.CLOSED).values_list("round_id", flat=True)
    changed = set()
    for survey_round in SurveyRound.objects.filter(pk__in=[*waiting, *closed]):
        count = ballots_move(survey_round=survey_round, everything=survey_round.status == RoundStatus.CLOSED)
        moved += count
        if count and survey_round.status == RoundStatus.CLOSED:
            changed.add(survey_round.pk)
    for survey_round in SurveyRound.objects.filter(pk__in=_rounds_not_k_anonymous()):
        with transaction.atomic():
            locked = SurveyRound.objects.select_for_update(skip_locked=True).filter(pk=survey_round.pk).first()
            if locked is not None:
                responses_generalise(survey_round=locked)
                changed.add(locked.pk)
    # A closed round whose answers changed here (a ballot that opened only now, a round closed before the rule)
    # gets its stored figures computed again.
    for survey_round_id in changed:
        with transaction.atomic():
            locked = SurveyRound.objects.select_for_update(skip_locked=True).filter(pk=survey_round_id).first()
            if locked is not None:
                round_results_freeze(survey_round=locked)
    return moved


def _rounds_not_k_anonymous():
    """Closed rounds with a stored segment shared by fewer responses than their minimum (other than the fully
    suppressed one, which is smaller only when the whole round is)."""
    return (
        Response.objects.filter(round__status=RoundStatus.CLOSED)
        .exclude(organisation_kind=NOT_STATED, respondent_level=NOT_STATED, organisation_scope=NOT_STATED)
        .values("round_id", *SEGMENT_FIELDS, "round__min_group_size")
        .annotate(count=Count("id"))
        .filter(count__lt=F("round__min_group_size"))
        .values("round_id")
    )


# Record-level k-anonymity.


def _suppressed(segment: Segment, attribute: int) -> Segment:
    kind, level, scope = (NOT_STATED if index == attribute else value for index, value in enumerate(segment))
    return (kind, level, scope)


def segments_generalise(counts: Mapping[Segment, int], *, k: int) -> dict[Segment, Segment]:
    """How each stored segment is generalised so that every segment left is shared by at least k responses.

    `counts` holds how many responses have each segment (kind, level, scope). The rule, deterministic:
    1. for each attribute in SUPPRESSION_ORDER (scope, level, kind): every segment shared by fewer than k responses
       loses that attribute (NOT_STATED), and the counts are taken again;
    2. what is still under k now has every attribute suppressed; if that fully suppressed group holds fewer than k,
       whole groups join it, the smallest first (ties in the order of their values), until it holds k or nothing
       is left (a round with fewer than k responses in all, which shows no results anyway).
    A group that holds k or more from the start is never changed. Returns segment -> generalised segment.
    """
    mapping = {segment: segment for segment in counts}

    def generalised_counts() -> Counter:
        totals: Counter = Counter()
        for segment, count in counts.items():
            totals[mapping[segment]] += count
        return totals

    for attribute in SUPPRESSION_ORDER:
        totals = generalised_counts()
        for segment, current in mapping.items():
            if 0 < totals[current] < k:
                mapping[segment] = _suppressed(current, attribute)
    totals = generalised_counts()
    if 0 < totals[FULLY_SUPPRESSED] < k:
        held = totals[FULLY_SUPPRESSED]
        for group in sorted((g for g in totals if g != FULLY_SUPPRESSED), key=lambda g: (totals[g], g)):
            if held >= k:
                break
            for segment, current in mapping.items():
                if current == group:
                    mapping[segment] = FULLY_SUPPRESSED
            held += totals[group]
    return mapping


def responses_generalise(*, survey_round: SurveyRound) -> int:
    """Generalise the segments of a round's responses (segments_generalise, k = the round's minimum group size):
    one UPDATE per segment that changes. Returns how many responses changed."""
    responses = Response.objects.filter(round=survey_round)
    counts = {
        (row["organisation_kind"], row["respondent_level"], row["organisation_scope"]): row["count"]
        for row in responses.values(*SEGMENT_FIELDS).annotate(count=Count("id")).order_by()
    }
    changed = 0
    with transaction.atomic():
        for segment, generalised in segments_generalise(counts, k=survey_round.min_group_size).items():
            if segment != generalised:
                changed += responses.filter(**dict(zip(SEGMENT_FIELDS, segment, strict=True))).update(
                    **dict(zip(SEGMENT_FIELDS, generalised, strict=True))
                )
    return changed
