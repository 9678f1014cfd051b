"""Fusing ranked lists: reciprocal rank fusion, weighted per list."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence


def reciprocal_rank_fusion(rankings: Sequence[Sequence[int]], weights: Sequence[float] | None = None,
                           k: int = 60) -> dict[int, float]:
    """Score each id by sum(weight / (k + rank)); rank starts at 1. Ids absent from a list get nothing."""
    weights = weights or [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError("one weight per ranking")
    scores: dict[int, float] = defaultdict(float)
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking, start=1):
            scores[item] += weight / (k + rank)
    return dict(scores)
