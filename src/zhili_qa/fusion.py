"""Fusing the lexical and dense scores of the same units into one score per unit.

Scores are first put on a common 0..1 scale per query (BM25 by its maximum, cosine between the
median and the maximum, since a small model's cosines crowd into a narrow band), then mixed with
fixed weights. Unlike rank fusion this keeps how much better the best match is, which matters
when one rare term (批评教育帮助和处理) singles out a sentence.
"""

from __future__ import annotations

import numpy as np


def scale_bm25(scores: np.ndarray) -> np.ndarray:
    top = float(scores.max(initial=0.0))
    return scores / top if top > 0 else np.zeros_like(scores)


def scale_cosine(scores: np.ndarray) -> np.ndarray:
    """Scaled over the units that have a cosine; nan (not among the nearest) becomes 0."""
    known = scores[~np.isnan(scores)]
    if known.size == 0:
        return np.zeros_like(scores)
    top, middle = float(known.max()), float(np.median(known))
    if top <= middle:
        return np.zeros_like(scores)
    return np.nan_to_num(np.clip((scores - middle) / (top - middle), 0.0, 1.0), nan=0.0)


def convex_fusion(lexical: np.ndarray, dense: np.ndarray | None, lexical_weight: float = 0.5) -> np.ndarray:
    """lexical_weight * scaled BM25 + (1 - lexical_weight) * scaled cosine; BM25 alone without dense."""
    scaled = scale_bm25(lexical)
    if dense is None:
        return scaled
    return lexical_weight * scaled + (1.0 - lexical_weight) * scale_cosine(dense)
