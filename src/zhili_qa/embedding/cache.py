"""Passage vectors kept between index builds, keyed by the exact text and the model that encoded it.

Encoding is nearly all of a build's time (~45 passages/s on 2 cores), while most of a rebuild's passages are
unchanged: a thesaurus or stopword edit changes no passage text, and a new bulletin leaves every earlier one
as it was. :class:`CachedEncoder` wraps an encoder so that a build encodes each distinct passage text once,
ever, per model; the rest comes from ``<index_dir>/embeddings/<model>-<fingerprint>.npz``. The file is
replaced atomically, and an unreadable one is ignored (and rewritten) with a warning, never trusted.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from pathlib import Path

import numpy as np

from .encoders import Encoder

log = logging.getLogger(__name__)

EMBEDDINGS_DIR = "embeddings"  # under the index folder, beside the generations
KEY_BYTES = 20  # sha1 of the text as the model sees it (prefix included)


def _key(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8")).digest()


class CachedEncoder:
    """An :class:`~zhili_qa.embedding.encoders.Encoder` whose passage vectors are looked up before they are computed."""

    def __init__(self, encoder: Encoder, folder: Path) -> None:
        self.encoder = encoder
        self.name, self.dimension, self.fingerprint = encoder.name, encoder.dimension, encoder.fingerprint
        slug = re.sub(r"[^A-Za-z0-9._-]+", "_", f"{encoder.name}-{encoder.fingerprint[:12]}")
        self.path = Path(folder) / f"{slug}.npz"
        self.encoded_last = 0  # passages the last call actually encoded (the rest came from the cache)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.encoder.encode_queries(texts)

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        known = self._load()
        keys = [_key(text) for text in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in known))  # each distinct new text once
        first_text = dict(zip(keys, texts, strict=True))
        if missing:
            fresh = self.encoder.encode_passages([first_text[k] for k in missing], progress=progress)
            known.update(zip(missing, fresh, strict=True))
            self._save(known)
        self.encoded_last = len(missing)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, key in enumerate(keys):
            out[row] = known[key]
        return out

    def _load(self) -> dict[bytes, np.ndarray]:
        if not self.path.exists():
            return {}
        try:
            with np.load(self.path) as stored:
                keys, vectors = stored["keys"], stored["vectors"]
            if vectors.shape != (len(keys), self.dimension) or keys.shape != (len(keys), KEY_BYTES):
                raise ValueError(f"shapes {keys.shape} {vectors.shape}")
        except Exception as error:
            log.warning("ignoring unreadable embedding cache %s (%s); it will be rewritten", self.path, error)
            return {}
        return {k.tobytes(): v for k, v in zip(keys, vectors.astype(np.float32), strict=True)}

    def _save(self, known: dict[bytes, np.ndarray]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f"{self.path.stem}.tmp-{os.getpid()}.npz")
        try:
            # raw bytes, not numpy's "S" strings, which drop a digest's trailing zero bytes
            keys = np.frombuffer(b"".join(known), dtype=np.uint8).reshape(len(known), KEY_BYTES)
            np.savez(temporary, keys=keys, vectors=np.stack(list(known.values())).astype(np.float32))
            os.replace(temporary, self.path)
        except OSError as error:  # a cache that cannot be written costs time next build, not this one
            log.warning("could not write the embedding cache %s: %s", self.path, error)
            temporary.unlink(missing_ok=True)
