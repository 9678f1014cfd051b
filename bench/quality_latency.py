"""Dev-set quality and warm latency of the engine, with the plain BM25 baseline run beside it.

    .venv/bin/python bench/quality_latency.py [--gold eval/dev.jsonl] [--repeat 5] [--out FILE]

Prints a table and writes bench/results/quality_latency.json (with the commit, date and load average). Latency is per question (the last
turn of a conversation), warm: every question is asked once before timing starts.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from baseline import PlainBM25  # noqa: E402
from common import machine, peak_rss_mib, write_result  # noqa: E402

from zhili_qa.assistant import Assistant  # noqa: E402
from zhili_qa.config import Settings  # noqa: E402
from zhili_qa.evaluate import ask_conversation, evaluate, questions_of, read_jsonl  # noqa: E402


def timed_run(ask, rows: list[dict], repeat: int, before_each=lambda: None) -> tuple[list[dict], list[float]]:
    answers = [ask_conversation(ask, questions_of(row)).to_dict() for row in rows]  # warm-up and scoring
    latencies = []
    for _ in range(repeat):
        for row in rows:
            turns = questions_of(row)
            history = []
            for earlier in turns[:-1]:
                history += [
                    {"role": "user", "content": earlier},
                    {"role": "assistant", "content": ask(earlier, []).answer},
                ]
            before_each()
            started = time.perf_counter()
            ask(turns[-1], history)
            latencies.append((time.perf_counter() - started) * 1000)
    return answers, latencies


def summary(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 2),
        "mean_ms": round(statistics.fmean(ordered), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gold", type=Path, default=ROOT / "eval" / "dev.jsonl")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "quality_latency.json")
    args = parser.parse_args()

    rows = read_jsonl(args.gold)
    started = time.perf_counter()
    assistant = Assistant.load(Settings.from_env(), progress=False)
    load_seconds = time.perf_counter() - started
    baseline = PlainBM25(assistant.corpus)

    results = {}
    # "engine": every question new to the engine (its query-vector cache emptied before each);
    # "engine_repeat": the same questions asked again, as starter chips are, served from that cache.
    runs = (
        ("engine", assistant.ask, assistant.retriever.forget_queries),
        ("engine_repeat", assistant.ask, lambda: None),
        ("bm25_baseline", baseline.ask, lambda: None),
    )
    for name, ask, before_each in runs:
        answers, latencies = timed_run(ask, rows, args.repeat, before_each)
        results[name] = {**evaluate(rows, answers, assistant.corpus).metrics(), **summary(latencies)}
    encode = []
    for row in rows:
        started = time.perf_counter()
        assistant.retriever.encoder.encode_queries([questions_of(row)[-1]])
        encode.append((time.perf_counter() - started) * 1000)
    results["query_encoding"] = summary(encode)
    budget = results["bm25_baseline"]["median_ms"] + results["query_encoding"]["median_ms"]
    report = {
        "gold": str(args.gold.relative_to(ROOT)) if args.gold.is_relative_to(ROOT) else str(args.gold),
        "questions": len(rows),
        "machine": machine(),
        "engine_load_seconds": round(load_seconds, 2),
        "peak_rss_mb": peak_rss_mib(),
        "results": results,
        "ratio_engine_to_baseline_median": round(
            results["engine"]["median_ms"] / results["bm25_baseline"]["median_ms"], 2
        ),
        "ratio_engine_to_baseline_plus_encoding": round(results["engine"]["median_ms"] / budget, 2),
    }
    write_result("quality_latency", report, args.out)
    metrics = ("answer_acc", "refusal_acc", "misleading", "concise_acc", "citation_valid", "median_ms", "p95_ms")
    print(f"{'':16}" + "".join(f"{m:>15}" for m in metrics))
    for name in ("engine", "engine_repeat", "bm25_baseline"):
        print(f"{name:16}" + "".join(f"{results[name][m]:>15.3f}" for m in metrics))
    print(f"query encoding median {results['query_encoding']['median_ms']:.1f} ms")
    print(
        f"engine/baseline median ratio {report['ratio_engine_to_baseline_median']}x; "
        f"engine/(baseline + one encoding) {report['ratio_engine_to_baseline_plus_encoding']}x"
    )
    print(f"engine load {report['engine_load_seconds']} s, peak RSS {report['peak_rss_mb']} MB -> {args.out}")


if __name__ == "__main__":
    main()
