"""Similar normalised names found without comparing all against all: names meet only inside blocks (a shared
prefix or suffix, or for short names a one-deletion neighbourhood) and are scored there with rapidfuzz's Indel
similarity. benchmarks/match.py checks it finds what brute force finds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from rapidfuzz import process
from rapidfuzz.distance import Indel

BLOCK_KEY_LENGTH = 5
MAX_BLOCK = 1000  # names per block before it is split by longer keys
MAX_KEY_LENGTH = 20
DELETION_KEYS_UP_TO = 14  # names this short also block on their one-deletion neighbourhood


def block_keys(key: str, length: int = BLOCK_KEY_LENGTH) -> list[str]:
    """The blocks a normalised name falls in: its first and its last `length` characters and, for a short name,
    itself with one character or syllable deleted (short names differing in the middle share no prefix)."""
    keys = [f"<{key[:length]}", f">{key[-length:]}"]
    if len(key) <= DELETION_KEYS_UP_TO:
        keys += _deletions(key)
    return keys


def _deletions(key: str) -> list[str]:
    """The name, and the name without any one character or any two adjacent ones (an inserted syllable)."""
    return [f"-{key}", *(f"-{key[:i]}{key[i + n:]}" for n in (1, 2) for i in range(len(key) - n + 1))]


def similar_pairs(left: Sequence[str], right: Sequence[str] | None = None, *,
                  cutoff: float) -> dict[tuple[int, int], float]:
    """Pairs (i, j) of names scoring >= cutoff (Indel similarity), compared only within shared blocks.

    A block larger than MAX_BLOCK (names sharing a common start such as "bright…" or ending such as "…living") is
    split twice: by more of the same end, and by a few characters of the other end, so names that differ only in
    the middle still meet. With `right` None, pairs within `left` (i < j); otherwise i indexes `left`, j `right`.
    """
    others = left if right is None else right
    found: dict[tuple[int, int], float] = {}
    n = BLOCK_KEY_LENGTH
    everyone = (range(len(left)), range(len(others)))
    pending: list[tuple[bool, int, int, Sequence[int], Sequence[int]]] = [
        (True, n, 0, *everyone), (False, 0, n, *everyone), (True, -1, -1, *everyone)]
    while pending:
        from_head, head, tail, lids, rids = pending.pop()
        lblocks = _index(left, lids, head, tail)
        rblocks = lblocks if right is None else _index(others, rids, head, tail)
        for block, members in lblocks.items():
            targets = members if right is None else rblocks.get(block, [])
            if not targets or (right is None and len(members) < 2):
                continue
            if head >= 0 and len(members) + len(targets) > 2 * MAX_BLOCK and head + tail < MAX_KEY_LENGTH:
                pending += [(from_head, h, t, members, targets) for h, t in _finer(from_head, head, tail)]
                continue
            choices = [others[j] for j in targets]
            for i in members:
                for _, score, pos in process.extract(left[i], choices, scorer=Indel.normalized_similarity,
                                                     score_cutoff=cutoff, limit=None):
                    j = targets[pos]
                    if right is not None or j > i:
                        found[(i, j)] = score
    return found


def _finer(from_head: bool, head: int, tail: int) -> list[tuple[int, int]]:
    """The (head, tail) key lengths that split a block, each reached by one path only."""
    if from_head:
        return [(head + 3, 0), (head, 3)] if tail == 0 else [(head, tail + 3)]
    return [(0, tail + 3), (3, tail)] if head == 0 else [(head + 3, tail)]


def _index(names: Sequence[str], ids: Iterable[int], head: int, tail: int) -> dict[str, list[int]]:
    """Names by their first `head` and last `tail` characters; head -1: by their deletion neighbourhood."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for i in ids:
        name = names[i]
        if head >= 0:
            blocks[f"{name[:head]}|{name[-tail:] if tail else ''}"].append(i)
        elif len(name) <= DELETION_KEYS_UP_TO:
            for key in _deletions(name):
                blocks[key].append(i)
    return blocks
