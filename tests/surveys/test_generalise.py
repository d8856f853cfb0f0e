"""Record-level k-anonymity on hand-made data: segments_generalise suppresses scope, then level, then kind, then joins
whole groups to the fully suppressed one, until every segment left is shared by at least k responses."""

import random
from collections import Counter

import pytest
from django.test import override_settings

from surveys.ballot import ballot_open, ballot_seal, segments_generalise

NONE = ("", "", "")


def generalised_counts(counts, mapping) -> Counter:
    totals: Counter = Counter()
    for segment, count in counts.items():
        totals[mapping[segment]] += count
    return totals


def test_groups_large_enough_stay_as_they_are():
    counts = {("ngo", "operational", "local"): 3, ("municipality", "policy", "national"): 5}
    assert segments_generalise(counts, k=3) == {segment: segment for segment in counts}


def test_small_groups_lose_their_scope_first():
    counts = {("ngo", "operational", "local"): 2, ("ngo", "operational", "national"): 2}
    assert set(segments_generalise(counts, k=3).values()) == {("ngo", "operational", "")}


def test_then_their_level_and_large_groups_are_left_alone():
    counts = {
        ("ngo", "operational", "local"): 2,
        ("ngo", "policy", "national"): 1,
        ("municipality", "policy", "local"): 5,
    }
    mapping = segments_generalise(counts, k=3)
    assert mapping == {
        ("ngo", "operational", "local"): ("ngo", "", ""),
        ("ngo", "policy", "national"): ("ngo", "", ""),
        ("municipality", "policy", "local"): ("municipality", "policy", "local"),
    }


def test_a_fully_suppressed_group_too_small_takes_in_the_smallest_whole_group():
    counts = {
        ("ngo", "operational", "local"): 5,
        ("municipality", "policy", "national"): 4,
        ("judiciary", "executive", "national"): 1,
    }
    mapping = segments_generalise(counts, k=3)
    assert mapping[("judiciary", "executive", "national")] == NONE
    assert mapping[("municipality", "policy", "national")] == NONE, "the smallest group joins it"
    assert mapping[("ngo", "operational", "local")] == ("ngo", "operational", "local")


def test_ties_between_groups_are_broken_by_their_values_whatever_the_input_order():
    counts = {
        ("ngo", "operational", "local"): 4,
        ("municipality", "policy", "national"): 4,
        ("judiciary", "executive", "national"): 1,
    }
    forward = segments_generalise(counts, k=3)
    backward = segments_generalise(dict(reversed(list(counts.items()))), k=3)
    assert forward == backward
    assert forward[("municipality", "policy", "national")] == NONE
    assert forward[("ngo", "operational", "local")] == ("ngo", "operational", "local")


def test_a_round_smaller_than_k_keeps_no_segment_at_all():
    counts = {("ngo", "operational", "local"): 2, ("municipality", "policy", "national"): 1}
    assert set(segments_generalise(counts, k=5).values()) == {NONE}


@pytest.mark.parametrize("seed", range(25))
def test_every_segment_left_is_shared_by_k_and_a_group_of_k_only_ever_joins_the_suppressed_one(seed):
    rng = random.Random(seed)
    kinds, levels, scopes = ["ngo", "municipality", "judiciary", "other"], ["operational", "policy"], ["local", "x"]
    counts = Counter((rng.choice(kinds), rng.choice(levels), rng.choice(scopes)) for _ in range(rng.randint(10, 80)))
    k = rng.randint(2, 8)

    mapping = segments_generalise(counts, k=k)

    assert min(generalised_counts(counts, mapping).values()) >= k or set(mapping.values()) == {NONE}
    large = [segment for segment, count in counts.items() if count >= k]
    assert all(mapping[segment] in (segment, NONE) for segment in large)


def test_a_sealed_ballot_opens_only_unchanged_for_its_own_round_and_with_a_known_key(settings):
    sealed = ballot_seal({"answers": [[1, 7, ""]]}, round_id=3)

    assert ballot_open(sealed, round_id=3) == {"answers": [[1, 7, ""]]}
    with pytest.raises(ValueError):
        ballot_open(sealed, round_id=4)
    tampered = bytearray(sealed)
    tampered[20] ^= 1
    with pytest.raises(ValueError):
        ballot_open(bytes(tampered), round_id=3)
    with override_settings(SECRET_KEY="a-new-key-" * 6, SECRET_KEY_FALLBACKS=[settings.SECRET_KEY]):
        assert ballot_open(sealed, round_id=3) == {"answers": [[1, 7, ""]]}, "a rotated key still opens it"
    with override_settings(SECRET_KEY="a-new-key-" * 6, SECRET_KEY_FALLBACKS=[]), pytest.raises(ValueError):
        ballot_open(sealed, round_id=3)
