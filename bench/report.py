"""Print the Markdown tables of docs/performance.md from bench/results/*.json.

.venv/bin/python bench/report.py > /tmp/tables.md
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from common import RESULTS  # noqa: E402


def load(name: str) -> dict | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def machine_line(report: dict) -> str:
    m = report.get("machine", {})
    return (
        f"*{m.get('cpus')} cores ({m.get('cpu_model')}), {m.get('memory_gib')} GiB, Python {m.get('python')}; "
        f"load average (1/5/15 min) at start {m.get('load_average_1_5_15')}, measured {m.get('measured_at')}.*"
    )


def quality() -> str:
    report = load("quality_latency")
    if not report:
        return ""
    r = report["results"]
    rows = [
        [
            name,
            f"{r[name]['answer_acc']:.3f}",
            f"{r[name]['concise_acc']:.3f}",
            f"{r[name]['refusal_acc']:.3f}",
            f"{r[name]['citation_valid']:.3f}",
            r[name]["median_ms"],
            r[name]["p95_ms"],
        ]
        for name in ("engine", "engine_repeat", "bm25_baseline")
        if name in r
    ]
    return (
        "### Quality and warm latency (dev set)\n\n"
        + table(["", "answer", "concise", "refusal", "citations valid", "median ms", "p95 ms"], rows)
        + (
            f"\n\nOne query encoding: median {r['query_encoding']['median_ms']} ms. Engine / (baseline + one encoding): "
            f"{report['ratio_engine_to_baseline_plus_encoding']}x."
        )
    )


def cold() -> str:
    report = load("cold_start")
    if not report:
        return ""
    b, c, s = report["build_index"], report["cli_first_answer"], report["server_first_answer"]
    rows = [
        [
            "`zhili-qa build-index --force`, embedding cache empty (whole command)",
            b["median_wall_seconds"],
            max(x["peak_rss_mib"] for x in b["runs"]),
        ],
        ["… of which the build (manifest `built_seconds`)", b["median_build_seconds"], ""],
    ]
    warm = report.get("build_index_warm_cache")
    if warm:
        rows += [
            [
                "the same with the embedding cache warm (a thesaurus edit)",
                warm["median_wall_seconds"],
                max(x["peak_rss_mib"] for x in warm["runs"]),
            ],
            ["… of which the build", warm["median_build_seconds"], ""],
        ]
    rows += [
        [
            "`zhili-qa ask --json` with the index built: start to answer",
            c["median_wall_seconds"],
            max(x["peak_rss_mib"] for x in c["runs"]),
        ],
        [
            "`python app.py`: start to the first `/api/ask` answer",
            s["median_seconds"],
            max(x["peak_rss_mib"] for x in s["runs"]),
        ],
    ]
    return (
        "### Cold start\n\n"
        + machine_line(report)
        + "\n\n"
        + table(["", "seconds (median of runs)", "peak RSS MiB"], rows)
    )


def http() -> str:
    report = load("http_load")
    if not report:
        return ""
    rows = []
    for key, label in (
        ("http", "POST /api/ask, no pause (capacity)"),
        ("http_with_think_time", "POST /api/ask, users pausing"),
    ):
        if key not in report:
            continue
        h, lat = report[key], report[key]["ask_latency"]
        rows.append(
            [
                f"{label}, {h['clients']} clients"
                + (f", ~{h['think_seconds']} s pause" if h.get("think_seconds") else ""),
                h["seconds"],
                h["asks_ok"],
                h["throughput_asks_per_s"],
                lat.get("p50_ms"),
                lat.get("p95_ms"),
                lat.get("p99_ms"),
                h["errors"],
                h["rate_limited_429"],
            ]
        )
    if "gradio" in report:
        g, lat = report["gradio"], report["gradio"]["latency"]
        rows.append(
            [
                f"Gradio chat queue (gradio_client), {g['clients']} clients",
                g["seconds"],
                g["answers_ok"],
                g["throughput_per_s"],
                lat.get("p50_ms"),
                lat.get("p95_ms"),
                lat.get("p99_ms"),
                g["errors"],
                "-",
            ]
        )
    st = report["storage"]
    return (
        "### HTTP load\n\n"
        + machine_line(report)
        + "\n\n"
        + table(["", "s", "answers", "answers/s", "p50 ms", "p95 ms", "p99 ms", "errors", "429"], rows)
        + f"\n\nFeedback rows lost: {st['feedback_rows_lost']} ({st['feedback']} stored); question rows lost: "
        f"{st['question_rows_lost']} ({st['questions']} logged). Server peak RSS {report['server']['peak_rss_mib']} MiB."
    )


def growth() -> str:
    report = load("growth")
    if not report:
        return ""
    rows = []
    for r in report["rows"]:
        if "units" not in r:
            continue
        stages = r["build_stages_seconds"]
        rows.append(
            [
                r["bulletins"],
                r["encoder"],
                r["units"],
                r.get("passages_encoded", ""),
                r["build_seconds"],
                r.get("rebuild_warm_cache_seconds", ""),
                stages.get("build_lexical"),
                stages.get("encode_passages"),
                round(stages.get("unit_vectors", 0) - stages.get("encode_passages", 0), 1),
                stages.get("_dense_index"),
                r["dense_index_type"].replace("Index", ""),
                round(r["index_bytes"] / 2**20, 1),
                r["peak_rss_mib"],
                r["query_retrieval"].get("p50_ms"),
                r["query_retrieval"].get("p95_ms"),
                r["query_ask"].get("p50_ms"),
                r["query_ask"].get("p95_ms"),
                r["load_average_before"][0],
            ]
        )
    for r in report.get("extrapolated", []):
        rows.append(
            [
                r["bulletins"],
                "**real, extrapolated**",
                r["units"],
                r["passages_encoded"],
                r["build_seconds_estimate"],
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ]
        )
    text = (
        "### Growth\n\n"
        + machine_line(report)
        + "\n\n"
        + table(
            [
                "N",
                "encoder",
                "units",
                "passages encoded",
                "build s",
                "rebuild, warm cache, s",
                "BM25 s",
                "encode s",
                "item means s",
                "FAISS s",
                "FAISS",
                "index MiB",
                "peak RSS MiB",
                "retrieval p50 ms",
                "retrieval p95 ms",
                "ask p50 ms",
                "ask p95 ms",
                "load avg",
            ],
            rows,
        )
    )
    rate = report.get("real_model_throughput")
    if rate:
        text += (
            f"\n\nReal model throughput: {rate['passages_per_second']} passages/s, "
            f"{rate.get('chars_per_second', '-')} characters/s ({rate['passages']} synthetic passages "
            f"of {rate['mean_chars']} characters on average, load average {rate['load_average_before'][0]})."
        )
    recalls = [(r["bulletins"], r["encoder"], r["recall"]) for r in report["rows"] if "recall" in r]
    if "recall_rerun" in report:
        rerun = report["recall_rerun"]
        recalls.append((rerun["bulletins"], rerun["encoder"] + " (rerun)", rerun["recall"]))
    for kind, title, knob, label in (
        ("by_nprobe", "IVF (2 x sqrt(n) lists, 64 training vectors each) against exact search", "nprobe", "IVF"),
        (
            "by_efSearch",
            "HNSW (M=32, efConstruction=80) against exact search, before the switch to IVF",
            "efSearch",
            "HNSW",
        ),
    ):
        rows = [
            [
                size,
                encoder,
                rc["vectors"],
                setting.removeprefix("nprobe").removeprefix("ef"),
                values["recall_at_10"],
                values["tie_aware_recall_at_10"],
                values["ms_per_query"],
                rc["exact_top10_ms_per_query"],
            ]
            for size, encoder, rc in recalls
            for setting, values in rc.get(kind, {}).items()
        ]
        if rows:
            text += f"\n\n#### {title}\n\n" + table(
                [
                    "N",
                    "vectors from",
                    "vectors",
                    knob,
                    "recall@10",
                    "tie-aware recall@10",
                    f"{label} ms/query",
                    "exact ms/query",
                ],
                rows,
            )
    return text


def main() -> None:
    print("\n\n".join(part for part in (quality(), cold(), http(), growth()) if part))


if __name__ == "__main__":
    main()
