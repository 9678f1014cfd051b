"""Growth: build time, index size, memory and query latency for N synthetic bulletins.

    .venv/bin/python bench/growth.py                       # N = 1 10 100 1000, HashingEncoder; real model N = 1 10
    .venv/bin/python bench/growth.py --sizes 1 10 --real-sizes 1

Every size runs in its own process (peak memory is that process's own). Two kinds of rows, never mixed:

* ``hashing``: the engine's own build and query code with the tiny HashingEncoder (384 dimensions, like
  the real model) in place of the real one. It measures the mechanics that grow with the corpus: parsing,
  jieba + BM25, FAISS (exact up to ``index.EXACT_SEARCH_LIMIT`` vectors, IVF above), retrieval and ``ask``.
  It says nothing about answer quality, and its encoding time is not the real model's.
* ``hashing+real-queries``: as ``hashing``, but every question is also encoded by the real model (the vector
  is thrown away, the time is paid), so ``ask`` latency includes a real new-question encoding at sizes whose
  real build would take hours here.
* ``real``: the real embedding model, only at sizes it can encode here in minutes. The real model's
  throughput, measured in characters per second on a seeded sample of the distinct passages a build
  encodes, extrapolates the real build time to the larger sizes from the characters their hashing rows
  encoded (encoding cost follows length: passages of 34 characters went at ~37 a second, of 46 at ~33);
  those rows are labelled ``extrapolated``.

At the largest hashing size, recall@10 of the approximate (IVF) index is measured against exact search
over the same vectors; at the largest real size, the same IVF parameters are measured on real vectors.
Writes bench/results/growth.json.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from common import (  # noqa: E402
    RESULTS,
    commit,
    dev_questions,
    folder_bytes,
    latency_summary,
    load_average,
    machine,
    peak_rss_mib,
    write_result,
)
from synthetic import write_corpus  # noqa: E402

HASHING_DIMENSION = 384  # the real model's dimension, so FAISS does the same work per vector
ENCODE_SAMPLE = 512
RECALL_QUERIES = 200


def timed(module, name: str, timings: dict) -> None:
    """Wrap module.name so each call's wall time adds to timings[name] (the build calls it through the module)."""
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            timings[name] = round(timings.get(name, 0.0) + time.perf_counter() - started, 2)

    setattr(module, name, wrapper)


# ---------------------------------------------------------------- one size, in a child process
def recall_at_10(dense, queries) -> dict:
    """Recall@10 of the engine's approximate (IVF) index against exact search over the same vectors. ``dense``
    is the engine's index at that size: the IVF index itself, or an exact one, in which case an IVF index
    with the engine's parameters is built over its vectors for the measure."""
    import faiss
    import numpy as np

    from zhili_qa import index as store

    if isinstance(dense, faiss.IndexIVF):
        dense.make_direct_map()  # lets it give its vectors back
    vectors = dense.reconstruct_n(0, dense.ntotal)
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    approximate = dense
    built_here = False
    if not isinstance(dense, faiss.IndexIVF):
        saved, store.EXACT_SEARCH_LIMIT = store.EXACT_SEARCH_LIMIT, 0
        try:
            started = time.perf_counter()
            approximate = store._dense_index(vectors)
            built_here = round(time.perf_counter() - started, 2)
        finally:
            store.EXACT_SEARCH_LIMIT = saved
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    exact_scores, truth = exact.search(queries, 10)
    engine_probes = approximate.nprobe
    result = {}
    for probes in sorted({engine_probes, 8, 16, 32, 64, 128}):
        approximate.nprobe = probes
        started = time.perf_counter()
        _, found = approximate.search(queries, 10)
        per_query_ms = (time.perf_counter() - started) * 1000 / len(queries)
        hits = sum(len(set(t) & set(f)) for t, f in zip(truth.tolist(), found.tolist(), strict=True))
        # Synthetic bulletins repeat the template's sentences with other figures, so many vectors tie with the
        # 10th best; a found vector scoring at least the exact 10th best is as good an answer as the exact one.
        good = 0
        for q, row in enumerate(found.tolist()):
            scores = vectors[[i for i in row if i >= 0]] @ queries[q]
            good += int((scores >= exact_scores[q][-1] - 1e-5).sum())
        result[f"nprobe{probes}"] = {
            "recall_at_10": round(hits / (10 * len(queries)), 4),
            "tie_aware_recall_at_10": round(good / (10 * len(queries)), 4),
            "ms_per_query": round(per_query_ms, 3),
        }
    approximate.nprobe = engine_probes
    started = time.perf_counter()
    exact.search(queries, 10)
    exact_ms = (time.perf_counter() - started) * 1000 / len(queries)
    first = result[f"nprobe{engine_probes}"]
    return {
        "recall_at_10": first["recall_at_10"],
        "tie_aware_recall_at_10": first["tie_aware_recall_at_10"],
        "by_nprobe": result,
        "queries": len(queries),
        "vectors": int(dense.ntotal),
        "ivf_lists": int(approximate.nlist),
        "ivf_nprobe": int(engine_probes),
        "ivf_built_for_this_measure_seconds": built_here or None,
        "ivf_top10_ms_per_query": first["ms_per_query"],
        "exact_top10_ms_per_query": round(exact_ms, 3),
        "engine_index_type": type(dense).__name__,
    }


def recall_queries(corpus, units, encoder, count: int):
    """Dev-set questions plus fragments of random passages: queries that land near many vectors."""

    rng = random.Random(11)
    texts = dev_questions()
    while len(texts) < count:
        unit = units[rng.randrange(len(units))]
        if len(unit.text) >= 8:
            start = rng.randrange(0, len(unit.text) - 6)
            texts.append(unit.text[start : start + rng.randint(6, 14)])
    return encoder.encode_queries(texts[:count])


class RealQueryCost:
    """HashingEncoder vectors, but each query is first encoded by the real model too: its cost, not its vector."""

    def __init__(self, hashing, real) -> None:
        self.hashing, self.real = hashing, real
        self.name, self.dimension = f"{hashing.name}+real-queries", hashing.dimension
        self.fingerprint = hashing.fingerprint

    def encode_queries(self, texts: list[str]):
        self.real.encode_queries(texts)
        return self.hashing.encode_queries(texts)

    def encode_passages(self, texts: list[str], progress: bool = False):
        return self.hashing.encode_passages(texts, progress=progress)


def run_one(size: int, encoder_kind: str, query_budget: float, recall: bool, warm_rebuild: bool = False) -> dict:
    import faiss

    from zhili_qa import index as store
    from zhili_qa.assistant import Assistant
    from zhili_qa.config import Settings
    from zhili_qa.corpus import load_corpus
    from zhili_qa.embedding.cache import EMBEDDINGS_DIR, CachedEncoder
    from zhili_qa.embedding.encoders import HashingEncoder
    from zhili_qa.embedding.loader import load_encoder
    from zhili_qa.retrieve import Retriever
    from zhili_qa.text import Thesaurus, Tokenizer, corpus_terms, normalize

    row: dict = {"bulletins": size, "encoder": encoder_kind, "commit": commit(), "load_average_before": load_average()}
    work = Path(tempfile.mkdtemp(prefix=f"growth-{size}-"))
    write_corpus(work / "corpus", size)
    row["corpus_bytes"] = folder_bytes(work / "corpus")

    settings = Settings.from_env(corpus=work / "corpus", index_dir=work / "index", data_dir=work / "var")
    if encoder_kind == "hashing":
        encoder = HashingEncoder(HASHING_DIMENSION)
    else:
        started = time.perf_counter()
        encoder = load_encoder(settings)
        row["model_load_seconds"] = round(time.perf_counter() - started, 2)
        if encoder_kind == "hashing+real-queries":
            encoder = RealQueryCost(HashingEncoder(HASHING_DIMENSION), encoder)

    started = time.perf_counter()
    corpus = load_corpus(settings.corpus)
    thesaurus = Thesaurus.load(settings.thesaurus)
    tokenizer = Tokenizer(corpus_terms(corpus) | thesaurus.targets)
    row["parse_and_tokenizer_seconds"] = round(time.perf_counter() - started, 2)
    units = store.indexed_units(corpus)
    row["projects"] = sum(1 for p in corpus.projects if p.number)
    row["units"] = len(units)

    timings: dict = {}
    encode_passages = encoder.encode_passages

    def counted(texts, progress=False):
        started = time.perf_counter()
        try:
            return encode_passages(texts, progress=progress)
        finally:
            timings["encode_passages"] = round(timings.get("encode_passages", 0.0) + time.perf_counter() - started, 2)
            row["passages_encoded"] = row.get("passages_encoded", 0) + len(texts)
            row["chars_encoded"] = row.get("chars_encoded", 0) + sum(map(len, texts))

    encoder.encode_passages = counted
    for name in ("build_lexical", "unit_vectors", "_dense_index"):
        timed(store, name, timings)
    # As Assistant builds: through the embedding cache (cold here), so each distinct passage is encoded once.
    cached = CachedEncoder(encoder, work / "index" / EMBEDDINGS_DIR)
    started = time.perf_counter()
    fingerprint = store.corpus_fingerprint(corpus, settings.thesaurus)
    search_index = store.build(corpus, tokenizer, cached, settings.index_dir, fingerprint, progress=False)
    row["build_seconds"] = round(time.perf_counter() - started, 2)
    row["build_stages_seconds"] = dict(timings)
    row["dense_index_type"] = type(search_index.dense).__name__
    generation = settings.index_dir / (settings.index_dir / "CURRENT").read_text().strip()
    row["index_bytes"] = folder_bytes(generation)
    row["index_files_bytes"] = {
        p.name: folder_bytes(p) if p.is_dir() else p.stat().st_size for p in generation.iterdir()
    }
    row["peak_rss_mib_after_build"] = peak_rss_mib()
    if warm_rebuild:  # what a thesaurus edit or a new bulletin costs: the same build with the cache warm
        encoded_before, chars_before = row["passages_encoded"], row["chars_encoded"]
        started = time.perf_counter()
        store.build(
            corpus,
            tokenizer,
            CachedEncoder(encoder, cached.path.parent),
            settings.index_dir,
            fingerprint + "-edited",
            progress=False,
        )
        row["rebuild_warm_cache_seconds"] = round(time.perf_counter() - started, 2)
        row["rebuild_warm_cache_passages_encoded"] = row["passages_encoded"] - encoded_before
        row["passages_encoded"] = encoded_before
        row["chars_encoded"] = chars_before

    retriever = Retriever(corpus, search_index, tokenizer, thesaurus, encoder)
    started = time.perf_counter()
    assistant = Assistant(settings, corpus, retriever)
    row["assistant_setup_seconds"] = round(time.perf_counter() - started, 2)

    questions = dev_questions()
    for question in questions[:3]:  # warm-up: jieba caches, first FAISS search
        assistant.ask(question)
    retrieval, answering, dense_all, dense_top = [], [], [], []
    deadline = time.perf_counter() + query_budget
    forget = getattr(retriever, "forget_queries", lambda: None)  # time every question as new: no cached vector
    for question in questions:
        if time.perf_counter() > deadline:
            break
        forget()
        started = time.perf_counter()
        retriever.rank(retriever.prepare(normalize(question)))
        retrieval.append((time.perf_counter() - started) * 1000)
        forget()
        started = time.perf_counter()
        assistant.ask(question)
        answering.append((time.perf_counter() - started) * 1000)
        vector = encoder.encode_queries([question])[0]
        started = time.perf_counter()
        search_index.dense_search(vector, len(units))
        dense_all.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        search_index.dense_search(vector, 100)
        dense_top.append((time.perf_counter() - started) * 1000)
    row["query_retrieval"] = latency_summary(retrieval)
    row["query_ask"] = latency_summary(answering)
    row["dense_search_all_units"] = latency_summary(dense_all)  # what Retriever.rank asks FAISS for today
    row["dense_search_top100"] = latency_summary(dense_top)
    row["questions_timed"] = len(answering)
    if recall:
        row["recall"] = recall_at_10(search_index.dense, recall_queries(corpus, units, encoder, RECALL_QUERIES))
    row["peak_rss_mib"] = peak_rss_mib()
    row["faiss_version"] = faiss.__version__
    row["load_average_after"] = load_average()
    shutil.rmtree(work, ignore_errors=True)
    return row


def recall_only(size: int) -> dict:
    """Only the dense side at one size (HashingEncoder): encode, build the engine's index, measure recall@10."""
    from zhili_qa import index as store
    from zhili_qa.corpus import load_corpus
    from zhili_qa.embedding.encoders import HashingEncoder

    work = Path(tempfile.mkdtemp(prefix=f"recall-{size}-"))
    write_corpus(work, size)
    corpus = load_corpus(work)
    shutil.rmtree(work, ignore_errors=True)
    units = store.indexed_units(corpus)
    encoder = HashingEncoder(HASHING_DIMENSION)
    before = load_average()
    started = time.perf_counter()
    vectors = store.unit_vectors(corpus, units, encoder)
    encode_seconds = time.perf_counter() - started
    started = time.perf_counter()
    dense = store._dense_index(vectors)
    build_seconds = time.perf_counter() - started
    result = recall_at_10(dense, recall_queries(corpus, units, encoder, RECALL_QUERIES))
    return {
        "bulletins": size,
        "encoder": "hashing",
        "units": len(units),
        "vectors_seconds": round(encode_seconds, 1),
        "dense_index_seconds": round(build_seconds, 1),
        "recall": result,
        "load_average_before": before,
        "load_average_after": load_average(),
        "peak_rss_mib": peak_rss_mib(),
    }


def encode_rate(sample: int) -> dict:
    """Passages and characters per second of the real model on a seeded sample of the distinct passages a
    build of 10 synthetic bulletins encodes (the same mix of lengths as the larger builds)."""
    from zhili_qa import index as store
    from zhili_qa.config import Settings
    from zhili_qa.corpus import load_corpus
    from zhili_qa.embedding.encoders import HashingEncoder
    from zhili_qa.embedding.loader import load_encoder

    work = Path(tempfile.mkdtemp(prefix="encode-rate-"))
    write_corpus(work, 10)
    corpus = load_corpus(work)
    shutil.rmtree(work, ignore_errors=True)
    seen: list[str] = []

    class Recorder(HashingEncoder):  # keeps what a build would encode
        def encode_passages(self, texts: list[str], progress: bool = False):
            seen.extend(texts)
            return super().encode_passages(texts, progress)

    store.unit_vectors(corpus, store.indexed_units(corpus), Recorder(8))
    distinct = sorted(set(seen))
    texts = random.Random(7).sample(distinct, min(sample, len(distinct)))
    encoder = load_encoder(Settings.from_env())
    encoder.encode_passages(texts[:32])
    before = load_average()
    started = time.perf_counter()
    encoder.encode_passages(texts)
    seconds = time.perf_counter() - started
    chars = sum(map(len, texts))
    return {
        "passages": len(texts),
        "seconds": round(seconds, 2),
        "passages_per_second": round(len(texts) / seconds, 1),
        "chars_per_second": round(chars / seconds),
        "mean_chars": round(chars / len(texts), 1),
        "load_average_before": before,
        "load_average_after": load_average(),
    }


def child(args: list[str], timeout: float) -> dict:
    started = time.perf_counter()
    process = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, timeout=timeout)
    if process.returncode != 0:
        return {"error": process.stderr[-2000:], "args": args, "wall_seconds": round(time.perf_counter() - started, 1)}
    result = json.loads(process.stdout.strip().splitlines()[-1])
    result["process_wall_seconds"] = round(time.perf_counter() - started, 1)
    return result


def extrapolate(rows: list[dict], rate: dict, sizes: list[int]) -> list[dict]:
    """Real-model build time at sizes too large to encode here: the measured build time of the hashing run
    at that size less its encoding time, plus the passages the engine encodes at the measured real throughput."""
    out = []
    hashing = {r["bulletins"]: r for r in rows if r.get("encoder") == "hashing" and "units" in r}
    for size in sizes:
        row = hashing.get(size)
        if not row:
            continue
        encoded = row["passages_encoded"]
        other = row["build_seconds"] - row["build_stages_seconds"].get("encode_passages", 0.0)
        by_chars = "chars_encoded" in row and "chars_per_second" in rate
        if by_chars:
            seconds = other + row["chars_encoded"] / rate["chars_per_second"]
        else:  # rows measured before characters were counted
            seconds = other + encoded / rate["passages_per_second"]
        out.append(
            {
                "bulletins": size,
                "encoder": "real (extrapolated)",
                "units": row["units"],
                "passages_encoded": int(encoded),
                "basis": "characters" if by_chars else "passages",
                "build_seconds_estimate": round(seconds),
                "build_minutes_estimate": round(seconds / 60, 1),
            }
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1, 10, 100, 1000])
    parser.add_argument("--real-sizes", type=int, nargs="*", default=[1, 10])
    parser.add_argument("--query-budget", type=float, default=180.0, help="seconds of timed questions per size")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds allowed per size")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument(
        "--encoder", choices=("hashing", "hashing+real-queries", "real"), default="hashing", help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--real-queries",
        action="store_true",
        help="hashing rows also pay a real query encoding per question (encoder hashing+real-queries)",
    )
    parser.add_argument("--recall", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--encode-rate", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--recall-only",
        type=int,
        metavar="N",
        help="only rerun the IVF recall measure at N bulletins, into growth.json's recall_rerun",
    )
    parser.add_argument("--out", type=Path)
    parser.add_argument(
        "--fresh", action="store_true", help="start growth.json anew instead of replacing the rows rerun"
    )
    args = parser.parse_args()

    if args.encode_rate:
        print(json.dumps(encode_rate(ENCODE_SAMPLE)))
        return
    if args.recall_only:
        row = recall_only(args.recall_only)
        out = args.out or RESULTS / "growth.json"
        report = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
        report["recall_rerun"] = {**row, "machine": machine()}
        write_result("growth", report, out)
        print(json.dumps(row["recall"], indent=1))
        return
    if args.one is not None:
        print(json.dumps(run_one(args.one, args.encoder, args.query_budget, args.recall, args.encoder == "real")))
        return

    out = args.out or RESULTS / "growth.json"
    previous = {} if args.fresh or not out.exists() else json.loads(out.read_text(encoding="utf-8"))
    report = {
        **previous,
        "machine": machine(),
        "command": " ".join(["python", "bench/growth.py", *sys.argv[1:]]),
        "rows": [],
    }
    if previous.get("machine"):
        report["previous_machine"] = previous["machine"]  # rows not rerun were measured then
    largest = max(args.sizes) if args.sizes else None
    for size in args.sizes:
        kind = "hashing+real-queries" if args.real_queries else "hashing"
        flags = ["--one", str(size), "--encoder", kind, "--query-budget", str(args.query_budget)]
        flags += ["--recall"] if size == largest else []
        row = child(flags, args.timeout)
        report["rows"].append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    largest_real = max(args.real_sizes) if args.real_sizes else None
    for size in args.real_sizes:
        flags = ["--one", str(size), "--encoder", "real", "--query-budget", str(args.query_budget)]
        flags += ["--recall"] if size == largest_real else []
        row = child(flags, args.timeout)
        report["rows"].append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    rerun = {(r.get("bulletins"), r.get("encoder")) for r in report["rows"]}
    kept = [r for r in previous.get("rows", []) if (r.get("bulletins"), r.get("encoder")) not in rerun]
    report["rows"] = sorted(kept + report["rows"], key=lambda r: (r.get("encoder", ""), r.get("bulletins", 0)))
    if args.real_sizes:
        report["real_model_throughput"] = child(["--encode-rate"], args.timeout)
    rate = report.get("real_model_throughput", {})
    if "passages_per_second" in rate:
        real = {r["bulletins"] for r in report["rows"] if r.get("encoder") == "real"}
        hashing = {r["bulletins"] for r in report["rows"] if r.get("encoder") == "hashing"}
        report["extrapolated"] = extrapolate(report["rows"], rate, sorted(hashing - real))
    report["machine"]["load_average_at_end"] = load_average()
    out = write_result("growth", report, out)
    print_table(report)
    print(f"-> {out}")


def print_table(report: dict) -> None:
    header = (
        f"{'N':>5} {'encoder':<10} {'units':>8} {'build s':>8} {'index MB':>9} {'RSS MB':>8} "
        f"{'retr p50':>9} {'retr p95':>9} {'ask p50':>8} {'ask p95':>8}"
    )
    print(header)
    for row in report["rows"]:
        if "units" not in row:
            print(f"{'?':>5} error: {row.get('error', '')[-200:]}")
            continue
        r, a = row["query_retrieval"], row["query_ask"]
        print(
            f"{row['bulletins']:>5} {row['encoder']:<10} {row['units']:>8} {row['build_seconds']:>8} "
            f"{row['index_bytes'] / 2**20:>9.1f} {row['peak_rss_mib']:>8} {r.get('p50_ms', '-'):>9} "
            f"{r.get('p95_ms', '-'):>9} {a.get('p50_ms', '-'):>8} {a.get('p95_ms', '-'):>8}"
        )
    for row in report.get("extrapolated", []):
        print(
            f"{row['bulletins']:>5} {'real*':<10} {row['units']:>8} {row['build_seconds_estimate']:>8}  "
            "(extrapolated from the measured real throughput)"
        )
    for row in report["rows"]:
        if "recall" in row:
            rc = row["recall"]
            print(
                f"recall@10 approximate vs exact, N={row['bulletins']} {row['encoder']}: {rc['recall_at_10']} "
                f"over {rc['queries']} queries, {rc['vectors']} vectors ({rc.get('engine_index_type')})"
            )


if __name__ == "__main__":
    main()
