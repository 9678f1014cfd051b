"""What every benchmark script shares: the machine it ran on, its load, percentiles, writing results."""

from __future__ import annotations

import json
import math
import os
import platform
import resource
import statistics
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def commit() -> str:
    """The checked-out commit, with "+dirty" when the engine's sources differ from it (others edit concurrently)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+dirty" if dirty else "")


def machine() -> dict:
    """The machine and how busy it was when the figures were taken (other work may share the 2 cores)."""
    return {
        "commit": commit(),
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model(),
        "memory_gib": memory_gib(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_1_5_15": load_average(),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))
    return ordered[rank]


def latency_summary(milliseconds: list[float]) -> dict:
    if not milliseconds:
        return {"count": 0}
    return {
        "count": len(milliseconds),
        "p50_ms": round(percentile(milliseconds, 50), 1),
        "p95_ms": round(percentile(milliseconds, 95), 1),
        "p99_ms": round(percentile(milliseconds, 99), 1),
        "mean_ms": round(statistics.fmean(milliseconds), 1),
        "max_ms": round(max(milliseconds), 1),
    }


def peak_rss_mib(children: bool = False) -> float:
    """Peak resident memory of this process (or of its waited-for children), in MiB."""
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())


def provenance() -> dict:
    """Which code made a results file, when, and how busy the machine was as it was written."""
    return {
        "commit": commit(),
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "load_average_1_5_15": load_average(),
    }


def write_result(name: str, report: dict, out: Path | None = None) -> Path:
    """Write ``bench/results/<name>.json`` (or ``out``), headed by its provenance: a figure without the commit,
    date and load it was measured at cannot be compared with the next one."""
    out = out or RESULTS / f"{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    stamped = {**provenance(), **report}
    out.write_text(json.dumps(stamped, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return out


def dev_questions(limit: int | None = None) -> list[str]:
    """The last turn of every dev-set item: realistic, mixed questions (facts, leads, refusals)."""
    rows = [json.loads(line) for line in (ROOT / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines() if line]
    questions = [row.get("question") or row["turns"][-1] for row in rows]
    return questions[:limit] if limit else questions
