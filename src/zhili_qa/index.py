"""Build, save and load the lexical (BM25) and dense (FAISS) indexes, with a manifest that says
exactly what they were built from, so a stale or damaged index is rebuilt and never silently used.

Layout: ``index/CURRENT`` names a generation folder ``index/gen-<key>/`` holding ``manifest.json``,
``bm25/`` and ``dense.faiss``. A build writes a fresh generation and only then swaps CURRENT with
``os.replace``, so a build killed half-way leaves the previous index intact.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import logging
import math
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import bm25s
import faiss
import numpy as np

from .corpus import CHUNKER_VERSION, GOAL, LEAD, TITLE, Corpus, Span
from .embedding.encoders import Encoder
from .files import sha256_file
from .text import STOPWORDS, Tokenizer

log = logging.getLogger(__name__)
logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets itself to DEBUG on import

INDEX_FORMAT = "2"
# Above this many vectors exact search (~4 ms a query over 53k, ~38 ms over 524k) gives way to an inverted-file
# index. On 53k real e5 vectors IVF (~1k lists, 64 probed) recalled 0.99 of the exact top 10 at 0.3 ms, where
# HNSW (M 32, efSearch 128) recalled 0.47: e5 vectors crowd into a narrow cone (docs/performance.md).
EXACT_SEARCH_LIMIT = 100_000
# k-means over every vector with 4 * sqrt(n) lists took 217 s at 524k vectors; 2 * sqrt(n) lists trained on
# 64 vectors each keep the build short and still probe a seventh of the lists at 53k.
IVF_LISTS_PER_SQRT = 2
IVF_TRAINING_PER_LIST = 64
IVF_PROBES = 64


def indexed_units(corpus: Corpus) -> list[Span]:
    """The retrieval units: short fields, results items, sentences and clauses (no duplicates)."""
    units, seen = [], set()
    for unit in corpus.units:
        wanted = unit.kind in ("item", "sentence", "clause") or (
            unit.kind == "field" and unit.field in (TITLE, LEAD, GOAL)
        )
        key = (unit.doc, unit.start, unit.end)
        if wanted and key not in seen:
            seen.add(key)
            units.append(unit)
    return units


def passage_text(corpus: Corpus, unit: Span) -> str:
    """What the models see: the project's topic gives every sentence and clause its context."""
    project = corpus.document(unit.doc).project(unit.project)
    return f"{project.topic}：{unit.text}"


def unit_vectors(corpus: Corpus, units: list[Span], encoder: Encoder, *, progress: bool = False) -> np.ndarray:
    """One vector per unit. Results items and long goal fields, the slowest texts to encode, get the
    normalised mean of their sentences' vectors instead: most of the build time for little change."""
    sentences: dict[str, list[tuple[int, int, int]]] = {}  # document -> (start, end, row) in text order
    for row, unit in enumerate(units):
        if unit.kind == "sentence":
            sentences.setdefault(unit.doc, []).append((unit.start, unit.end, row))
    for spans in sentences.values():
        spans.sort()

    def parts_of(unit: Span) -> list[int]:
        spans = sentences.get(unit.doc, [])
        first = bisect.bisect_left(spans, (unit.start, -1, -1))
        parts = []
        for start, end, row in spans[first:]:
            if start >= unit.end:
                break
            if end <= unit.end and (start, end) != (unit.start, unit.end):
                parts.append(row)
        return parts

    composite = {}
    for row, unit in enumerate(units):
        if unit.kind in ("item", "field") and len(parts := parts_of(unit)) > 1:
            composite[row] = parts
    direct = [row for row in range(len(units)) if row not in composite]
    encoded = encoder.encode_passages([passage_text(corpus, units[row]) for row in direct], progress=progress)
    vectors = np.zeros((len(units), encoded.shape[1]), dtype=np.float32)
    vectors[direct] = encoded
    for row, parts in composite.items():
        mean = vectors[parts].mean(axis=0)
        vectors[row] = mean / (np.linalg.norm(mean) or 1.0)
    return vectors


def corpus_fingerprint(corpus: Corpus, thesaurus_path: Path | None) -> str:
    digest = hashlib.sha256()
    for document in corpus.documents:
        digest.update(document.id.encode() + b"\0" + document.text.encode("utf-8") + b"\0")
        # Metadata is not indexed text, but citations carry it: an index made before it changed is stale.
        digest.update(repr(document.meta).encode("utf-8") + b"\0")
    if thesaurus_path and Path(thesaurus_path).exists():
        digest.update(Path(thesaurus_path).read_bytes())
    return digest.hexdigest()


@dataclass
class SearchIndex:
    units: list[Span]
    bm25: bm25s.BM25
    dense: faiss.Index | None
    manifest: dict

    def dense_search(self, query_vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores, unit positions) of the k nearest units; empty when there is no dense index."""
        if self.dense is None or not self.units:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        k = min(k, self.dense.ntotal)
        scores, ids = self.dense.search(query_vector.reshape(1, -1).astype(np.float32), k)
        keep = ids[0] >= 0
        return scores[0][keep], ids[0][keep]

    def bm25_scores(self, tokens: list[str]) -> np.ndarray:
        if not tokens:
            return np.zeros(len(self.units), dtype=np.float32)
        return np.asarray(self.bm25.get_scores(tokens), dtype=np.float32)


def _dense_index(vectors: np.ndarray) -> faiss.Index:
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    dimension = vectors.shape[1]
    if len(vectors) > EXACT_SEARCH_LIMIT:
        lists = int(IVF_LISTS_PER_SQRT * math.sqrt(len(vectors)))
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dimension), dimension, lists, faiss.METRIC_INNER_PRODUCT)
        index.cp.max_points_per_centroid = IVF_TRAINING_PER_LIST  # faiss samples the training set down to this
        index.train(vectors)
        index.nprobe = min(IVF_PROBES, lists)  # saved with the index
    else:
        index = faiss.IndexFlatIP(dimension)
    index.add(vectors)
    return index


def expected_manifest(corpus: Corpus, units: list[Span], encoder: Encoder | None, fingerprint: str) -> dict:
    return {
        "format": INDEX_FORMAT,
        "chunker_version": CHUNKER_VERSION,
        # BM25 tokens change with the stopword list even when the corpus does not.
        "stopwords_sha256": hashlib.sha256(" ".join(sorted(STOPWORDS)).encode()).hexdigest()[:16],
        "corpus_sha256": fingerprint,
        "documents": [d.id for d in corpus.documents],
        "units": len(units),
        "model": encoder.name if encoder else None,
        "model_fingerprint": encoder.fingerprint if encoder else None,
        "dimension": encoder.dimension if encoder else None,
        "faiss_version": faiss.__version__,
    }


def build_lexical(corpus: Corpus, tokenizer: Tokenizer) -> SearchIndex:
    """BM25 alone, in memory: what answers while the embedding model is unavailable."""
    units = indexed_units(corpus)
    bm25 = bm25s.BM25()
    bm25.index([tokenizer.tokens(passage_text(corpus, u)) for u in units], show_progress=False)
    return SearchIndex(units, bm25, None, {"model": None, "units": len(units)})


def part_of(index: SearchIndex, corpus: Corpus, tokenizer: Tokenizer) -> SearchIndex:
    """The index of some of an index's documents (``corpus``): their vectors copied, BM25 over their units
    alone, so its term statistics are what those documents indexed by themselves would have."""
    lexical = build_lexical(corpus, tokenizer)
    if index.dense is None:
        return lexical
    rows = {(u.doc, u.start, u.end): row for row, u in enumerate(index.units)}
    if isinstance(index.dense, faiss.IndexIVF):
        index.dense.make_direct_map()  # what lets an inverted-file index give its vectors back
    vectors = np.vstack([index.dense.reconstruct(rows[(u.doc, u.start, u.end)]) for u in lexical.units])
    return SearchIndex(lexical.units, lexical.bm25, _dense_index(vectors), index.manifest)


def build(
    corpus: Corpus, tokenizer: Tokenizer, encoder: Encoder, index_dir: Path, fingerprint: str, *, progress: bool = True
) -> SearchIndex:
    """Build both indexes into a new generation folder, then make it CURRENT atomically."""
    started = time.perf_counter()
    lexical = build_lexical(corpus, tokenizer)
    units, bm25 = lexical.units, lexical.bm25
    manifest = expected_manifest(corpus, units, encoder, fingerprint)
    vectors = unit_vectors(corpus, units, encoder, progress=progress)
    dense = _dense_index(vectors)

    index_dir.mkdir(parents=True, exist_ok=True)
    generation = Path(tempfile.mkdtemp(prefix="building-", dir=index_dir))
    bm25.save(str(generation / "bm25"), show_progress=False)
    faiss.write_index(dense, str(generation / "dense.faiss"))
    manifest["files"] = {
        str(p.relative_to(generation)): sha256_file(p) for p in sorted(generation.rglob("*")) if p.is_file()
    }
    manifest["built_seconds"] = round(time.perf_counter() - started, 2)
    manifest["built_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    (generation / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    _fsync_tree(generation)
    final = index_dir / f"gen-{fingerprint[:12]}-{int(time.time() * 1000)}"
    generation.rename(final)
    _write_atomic(index_dir / "CURRENT", final.name)
    _remove_old_generations(index_dir, keep=final.name)
    log.info("index built: %d units, %.1f s", len(units), manifest["built_seconds"])
    return SearchIndex(units, bm25, dense, manifest)


def make_current(index_dir: Path, generation: str) -> None:
    """Point CURRENT at an existing generation (a rollback), atomically."""
    _write_atomic(index_dir / "CURRENT", generation)


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())


def _write_atomic(path: Path, content: str) -> None:
    temporary = path.with_name(path.name + f".tmp-{os.getpid()}")
    with temporary.open("w", encoding="utf-8") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def _remove_old_generations(index_dir: Path, keep: str) -> None:
    for child in index_dir.iterdir():
        if child.is_dir() and child.name != keep and child.name.startswith(("gen-", "building-")):
            shutil.rmtree(child, ignore_errors=True)


def problems(index_dir: Path, expected: dict) -> list[str]:
    """Why the index on disk cannot be used as it is (empty list: it can)."""
    current = index_dir / "CURRENT"
    if not current.exists():
        return ["索引尚未建立 (no index built yet)"]
    generation = index_dir / current.read_text(encoding="utf-8").strip()
    try:
        manifest = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return [f"索引清单无法读取 (manifest unreadable: {error})"]
    found = []
    for key, value in expected.items():
        if manifest.get(key) != value:
            found.append(f"{key}: 索引为 {manifest.get(key)!r}，当前为 {value!r}")
    for name, sha in manifest.get("files", {}).items():
        path = generation / name
        if not path.is_file() or sha256_file(path) != sha:
            found.append(f"文件损坏或缺失 (damaged or missing file): {name}")
    if not manifest.get("files"):
        found.append("索引清单未列出文件 (manifest lists no files)")
    return found


def load(index_dir: Path, corpus: Corpus, *, with_dense: bool = True) -> SearchIndex:
    """Load the CURRENT generation; call only after problems() came back empty."""
    generation = index_dir / (index_dir / "CURRENT").read_text(encoding="utf-8").strip()
    manifest = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
    bm25 = bm25s.BM25.load(str(generation / "bm25"), show_progress=False, verbosity=0)
    dense = faiss.read_index(str(generation / "dense.faiss")) if with_dense else None
    units = indexed_units(corpus)
    if dense is not None and dense.ntotal != len(units):
        raise ValueError(f"dense index holds {dense.ntotal} vectors for {len(units)} units")
    return SearchIndex(units, bm25, dense, manifest)
