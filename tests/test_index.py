"""Index mechanics: manifest checks, stale and damaged indexes, atomic builds.

The mechanics use the tiny deterministic HashingEncoder behind the same interface as the real model;
the rebuild-on-load test uses the real model on a small bulletin.
"""

import functools
import json
import logging
import signal
import subprocess
import sys
from pathlib import Path

import faiss
import numpy as np
import pytest

from bulletins import SMALL
from zhili_qa import index as store
from zhili_qa.assistant import Assistant
from zhili_qa.config import Settings
from zhili_qa.corpus import load_corpus
from zhili_qa.embedding.cache import CachedEncoder
from zhili_qa.embedding.encoders import HashingEncoder
from zhili_qa.text import Tokenizer, corpus_terms


@functools.cache
def tokenizer_for(terms: frozenset[str]) -> Tokenizer:
    """One tokenizer per vocabulary (each copies jieba's dictionary); none is changed here."""
    return Tokenizer(terms)


def built(tmp_path: Path, text: str = SMALL, encoder=None):
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir(exist_ok=True)
    (corpus_dir / "small.txt").write_text(text, encoding="utf-8")
    corpus = load_corpus(corpus_dir)
    encoder = encoder or HashingEncoder()
    fingerprint = store.corpus_fingerprint(corpus, None)
    index_dir = tmp_path / "index"
    tokenizer = tokenizer_for(frozenset(corpus_terms(corpus)))
    built_index = store.build(corpus, tokenizer, encoder, index_dir, fingerprint, progress=False)
    expected = store.expected_manifest(corpus, store.indexed_units(corpus), encoder, fingerprint)
    return corpus, index_dir, expected, built_index


def generation(index_dir: Path) -> Path:
    return index_dir / (index_dir / "CURRENT").read_text().strip()


def test_round_trip_search_finds_the_right_unit(tmp_path):
    corpus, index_dir, expected, _ = built(tmp_path)
    assert store.problems(index_dir, expected) == []
    loaded = store.load(index_dir, corpus)
    vector = HashingEncoder().encode_queries(["校车安全专项治理：排查校车12辆"])[0]
    scores, ids = loaded.dense_search(vector, 3)
    assert loaded.units[ids[0]].project == 2
    assert scores[0] >= scores[-1]
    manifest = json.loads((generation(index_dir) / "manifest.json").read_text())
    assert manifest["units"] == len(loaded.units) and manifest["model"] == "hashing-test"
    assert manifest["dimension"] == 64 and manifest["chunker_version"] and manifest["faiss_version"]


def test_above_the_exact_search_limit_an_ivf_index_is_built_saved_and_searched(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "EXACT_SEARCH_LIMIT", 10)
    corpus, index_dir, _, built_index = built(tmp_path)
    assert isinstance(built_index.dense, faiss.IndexIVFFlat)
    loaded = store.load(index_dir, corpus)
    assert isinstance(loaded.dense, faiss.IndexIVFFlat)
    assert loaded.dense.nprobe == built_index.dense.nprobe > 1  # probing one list would miss most neighbours
    vector = HashingEncoder().encode_queries(["校车安全专项治理：排查校车12辆"])[0]
    _, ids = loaded.dense_search(vector, 3)
    assert loaded.units[ids[0]].project == 2


def test_the_ivf_index_finds_nearly_all_of_the_exact_top_10(monkeypatch):
    # Clustered unit vectors, like passages on a handful of topics; recall is what the probes buy.
    rng = np.random.default_rng(5)
    centres = rng.normal(size=(60, 64))
    vectors = centres[rng.integers(0, len(centres), 6000)] + 0.4 * rng.normal(size=(6000, 64))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    queries = vectors[rng.choice(len(vectors), 200, replace=False)] + 0.05 * rng.normal(size=(200, 64))
    queries = (queries / np.linalg.norm(queries, axis=1, keepdims=True)).astype(np.float32)
    monkeypatch.setattr(store, "EXACT_SEARCH_LIMIT", 1000)
    approximate = store._dense_index(vectors)
    exact = faiss.IndexFlatIP(64)
    exact.add(vectors)
    _, truth = exact.search(queries, 10)
    _, found = approximate.search(queries, 10)
    recall = np.mean([len(set(t) & set(f)) / 10 for t, f in zip(truth, found, strict=True)])
    assert isinstance(approximate, faiss.IndexIVFFlat) and recall >= 0.95


def test_edited_corpus_is_stale(tmp_path):
    _, index_dir, _, _ = built(tmp_path)
    edited = load_corpus(tmp_path / "corpus")
    edited.documents[0].text += "\n"
    expected = store.expected_manifest(
        edited, store.indexed_units(edited), HashingEncoder(), store.corpus_fingerprint(edited, None)
    )
    assert any("corpus_sha256" in p for p in store.problems(index_dir, expected))


def test_other_model_is_stale(tmp_path):
    _, index_dir, expected, _ = built(tmp_path)
    other = dict(expected, model="BAAI/bge-small-zh-v1.5", dimension=512)
    found = store.problems(index_dir, other)
    assert any(p.startswith("model") for p in found) and any(p.startswith("dimension") for p in found)


def test_truncated_vectors_are_detected(tmp_path):
    _, index_dir, expected, _ = built(tmp_path)
    faiss_file = generation(index_dir) / "dense.faiss"
    faiss_file.write_bytes(faiss_file.read_bytes()[:100])
    assert any("dense.faiss" in p for p in store.problems(index_dir, expected))


def test_corrupt_manifest_is_detected(tmp_path):
    _, index_dir, expected, _ = built(tmp_path)
    (generation(index_dir) / "manifest.json").write_text("{not json", encoding="utf-8")
    assert any("manifest" in p for p in store.problems(index_dir, expected))


def test_missing_index_is_detected(tmp_path):
    assert store.problems(tmp_path / "nowhere", {}) == ["索引尚未建立 (no index built yet)"]


def test_rebuild_keeps_one_generation(tmp_path):
    _, index_dir, _, _ = built(tmp_path)
    built(tmp_path, SMALL.replace("15家次", "16家次"))
    generations = [p for p in index_dir.iterdir() if p.is_dir()]
    assert len(generations) == 1


def test_same_model_name_with_other_weights_is_stale(tmp_path):
    _, index_dir, expected, _ = built(tmp_path)
    reexported = HashingEncoder()
    reexported.fingerprint = "new-export"  # same name, other vectors: a re-exported or re-converted model
    corpus = load_corpus(tmp_path / "corpus")
    other = store.expected_manifest(corpus, store.indexed_units(corpus), reexported, expected["corpus_sha256"])
    assert any(p.startswith("model_fingerprint") for p in store.problems(index_dir, other))


class CountingEncoder(HashingEncoder):
    def __init__(self) -> None:
        super().__init__()
        self.encoded = 0

    def encode_passages(self, texts, progress=False):
        self.encoded += len(texts)
        return super().encode_passages(texts)


def test_embedding_cache_encodes_each_distinct_text_once_ever(tmp_path):
    corpus, _, _, _ = built(tmp_path)
    texts = [store.passage_text(corpus, u) for u in store.indexed_units(corpus)]
    texts += texts[:5]  # repeated passages (boilerplate) are encoded once
    texts += [f"第{n}句" for n in range(600)]  # enough keys that some digests end in a zero byte
    counting = CountingEncoder()
    first = CachedEncoder(counting, tmp_path / "embeddings").encode_passages(texts)
    np.testing.assert_array_equal(first, HashingEncoder().encode_passages(texts))
    assert counting.encoded == len(set(texts))

    later = CachedEncoder(counting, tmp_path / "embeddings")  # the next build, e.g. with a new bulletin
    again = later.encode_passages([*texts, "新增公告的一句话"])
    assert counting.encoded == len(set(texts)) + 1 and later.encoded_last == 1
    np.testing.assert_array_equal(again[: len(texts)], first)


def test_embedding_cache_is_per_model_and_never_trusts_a_damaged_file(tmp_path, caplog):
    folder = tmp_path / "embeddings"
    CachedEncoder(HashingEncoder(), folder).encode_passages(["甲", "乙"])
    reexported = CountingEncoder()
    reexported.fingerprint = "new-export"
    CachedEncoder(reexported, folder).encode_passages(["甲"])
    assert reexported.encoded == 1  # not served another export's vectors

    CachedEncoder(HashingEncoder(), folder).path.write_bytes(b"not an npz file")
    counting = CountingEncoder()
    with caplog.at_level(logging.WARNING):
        vectors = CachedEncoder(counting, folder).encode_passages(["甲", "乙"])
    assert counting.encoded == 2 and "ignoring unreadable embedding cache" in caplog.text
    np.testing.assert_array_equal(vectors, HashingEncoder().encode_passages(["甲", "乙"]))
    assert CachedEncoder(CountingEncoder(), folder).encode_passages(["甲"]).shape == (1, 64)  # rewritten, readable


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# Run in a child process: a build of an edited corpus into the same index folder that stops half-way through
# writing the dense index (its BM25 files already written) and says so; the test kills it right there.
KILLED_BUILD = r"""
import sys, time
from pathlib import Path
import faiss
from zhili_qa import index as store
from zhili_qa.corpus import load_corpus
from zhili_qa.embedding.encoders import HashingEncoder
from zhili_qa.text import Tokenizer, corpus_terms

def half_written(index, path, write_whole=faiss.write_index):
    write_whole(index, path)
    data = Path(path).read_bytes()
    Path(path).write_bytes(data[: len(data) // 2])  # as if the writer were still at the half-way mark
    print("writing", path, flush=True)
    time.sleep(600)  # killed long before

faiss.write_index = half_written
corpus = load_corpus(sys.argv[1])
store.build(corpus, Tokenizer(corpus_terms(corpus)), HashingEncoder(), Path(sys.argv[2]), "edited", progress=False)
"""


def test_a_build_killed_while_writing_its_files_leaves_the_live_index_untouched(tmp_path):
    corpus, index_dir, expected, _ = built(tmp_path)
    live, current = generation(index_dir), (index_dir / "CURRENT").read_text()
    before = snapshot(live)
    edited = tmp_path / "edited"
    edited.mkdir()
    (edited / "small.txt").write_text(SMALL.replace("15家次", "16家次").replace("12辆", "13辆"), encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_BUILD, str(edited), str(index_dir)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline().split()
        assert line[:1] == ["writing"], line
        written = Path(line[1]).parent
        assert (written / "bm25").is_dir() and (written / "dense.faiss").stat().st_size > 0  # killed mid-write
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
    assert (index_dir / "CURRENT").read_text() == current
    assert snapshot(live) == before  # every file of the live generation, byte for byte
    assert store.problems(index_dir, expected) == []
    assert store.load(index_dir, corpus).dense.ntotal == len(store.indexed_units(corpus))
    built(tmp_path)  # the next build clears what the killed one left
    assert [p.name for p in index_dir.iterdir() if p.name.startswith("building-")] == []


@pytest.mark.usefixtures("assistant")  # the real model is converted and loaded once already
def test_assistant_rebuilds_a_stale_index_with_a_message(tmp_path, caplog):
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    (corpus_dir / "small.txt").write_text(SMALL, encoding="utf-8")
    settings = Settings.from_env(corpus=corpus_dir, index_dir=tmp_path / "index", data_dir=tmp_path / "var")
    with caplog.at_level(logging.WARNING):
        first = Assistant.load(settings, progress=False)
    assert "索引尚未建立" in caplog.text
    assert "12辆" in first.ask("校车排查了多少辆").answer
    (corpus_dir / "small.txt").write_text(SMALL.replace("12辆", "13辆"), encoding="utf-8")
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        second = Assistant.load(settings, progress=False)
    assert "正在重建索引" in caplog.text and "corpus_sha256" in caplog.text
    assert "13辆" in second.ask("校车排查了多少辆").answer
