"""Cold start: index build time, process start to first answer (CLI and server), peak memory.

    .venv/bin/python bench/cold_start.py [--repeat 3]

1. ``zhili-qa build-index --force`` into a private index folder: wall time of the whole command (interpreter,
   imports, model load, parse, build), the build itself as the manifest records it, and the peak RSS; first
   with the embedding cache emptied (every passage encoded), then with it warm (what a thesaurus edit costs).
2. ``zhili-qa ask --json`` with that index built: process start to the first answer printed.
3. ``python app.py``: process start to the first 200 from POST /api/ask (what a restart costs the public page).

Each child process's own peak RSS comes from wait4(). Writes bench/results/cold_start.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from common import load_average, machine, write_result  # noqa: E402
from server import WORK, free_port, server_env  # noqa: E402

from zhili_qa.embedding.cache import EMBEDDINGS_DIR  # noqa: E402

QUESTION = "种植牙的价格降了多少"
CLI = str(ROOT / ".venv" / "bin" / "zhili-qa")


def with_rusage(command: list[str], env: dict[str, str], timeout: float = 900) -> dict:
    """Run to the end: wall seconds from process start, and the child's own peak RSS and CPU (wait4)."""
    with tempfile.TemporaryFile("w+", encoding="utf-8") as stdout:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=stdout, stderr=subprocess.DEVNULL)
        killer = threading.Timer(timeout, process.kill)  # bounded: a hung child is killed, not waited on forever
        killer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            killer.cancel()
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        stdout.seek(0)
        output = stdout.read()
    if process.returncode != 0:
        raise RuntimeError(f"{command} exited with {process.returncode}")
    return {
        "wall_seconds": round(wall, 2),
        "returncode": process.returncode,
        "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
        "stdout": output,
    }


def server_first_answer(env: dict[str, str], port: int, timeout: float = 600) -> dict:
    """Start app.py; time until /healthz and until the first 200 from /api/ask; stop it; its peak RSS."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py")], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    result: dict = {}
    try:
        while time.perf_counter() - started < timeout:
            if process.poll() is not None:
                raise RuntimeError(f"app.py exited with {process.returncode}")
            try:
                response = httpx.post(base + "/api/ask", json={"question": QUESTION}, timeout=30)
                if response.status_code == 200 and response.json().get("found"):
                    result["first_answer_seconds"] = round(time.perf_counter() - started, 2)
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        first = time.perf_counter()
        httpx.post(base + "/api/ask", json={"question": QUESTION}, timeout=30)
        result["second_answer_ms"] = round((time.perf_counter() - first) * 1000, 1)
    finally:
        process.send_signal(2)
        deadline = time.monotonic() + 20
        while True:
            pid, _, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                result["peak_rss_mib"] = round(usage.ru_maxrss / 1024, 1)
                break
            if time.monotonic() > deadline:
                process.kill()
                deadline = float("inf")
            time.sleep(0.1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    index_dir = WORK / "cold-index"
    data_dir = WORK / "cold-data"
    env = server_env(free_port(), data_dir, ZHILI_INDEX_DIR=str(index_dir), ZHILI_RATE_LIMIT_PER_MINUTE="1000000")
    report: dict = {
        "machine": machine(),
        "command": " ".join(["python", "bench/cold_start.py", *sys.argv[1:]]),
        "question": QUESTION,
    }

    # Model conversion, if the folder is missing, is setup and not part of the build; do it first, untimed.
    with_rusage([CLI, "build-index"], env)
    for cache in ("cold", "warm"):  # cold: every passage encoded; warm: the embedding cache of the last build
        builds = []
        for _ in range(args.repeat):
            if cache == "cold":
                shutil.rmtree(index_dir / EMBEDDINGS_DIR, ignore_errors=True)
            before = load_average()
            result = with_rusage([CLI, "build-index", "--force"], env)
            generation = index_dir / (index_dir / "CURRENT").read_text().strip()
            manifest = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
            builds.append(
                {
                    **{k: v for k, v in result.items() if k != "stdout"},
                    "build_seconds_in_manifest": manifest["built_seconds"],
                    "units": manifest["units"],
                    "load_average_before": before,
                }
            )
        report["build_index" if cache == "cold" else "build_index_warm_cache"] = {
            "runs": builds,
            "median_wall_seconds": statistics.median(b["wall_seconds"] for b in builds),
            "median_build_seconds": statistics.median(b["build_seconds_in_manifest"] for b in builds),
        }

    asks = []
    for _ in range(args.repeat):
        before = load_average()
        result = with_rusage([CLI, "ask", "--json", QUESTION], env)
        answer = json.loads(result.pop("stdout").strip().splitlines()[-1])
        asks.append({**result, "found": answer["found"], "load_average_before": before})
    report["cli_first_answer"] = {
        "runs": asks,
        "median_wall_seconds": statistics.median(a["wall_seconds"] for a in asks),
    }

    servers = []
    for _ in range(args.repeat):
        port = free_port()
        before = load_average()
        result = server_first_answer({**env, "ZHILI_PORT": str(port)}, port)
        servers.append({**result, "load_average_before": before})
    report["server_first_answer"] = {
        "runs": servers,
        "median_seconds": statistics.median(s["first_answer_seconds"] for s in servers),
    }
    report["machine"]["load_average_at_end"] = load_average()
    out = write_result("cold_start", report, args.out)

    warm = report["build_index_warm_cache"]
    print(
        f"build-index --force, embedding cache warm: {warm['median_wall_seconds']} s wall "
        f"(build itself {warm['median_build_seconds']} s)"
    )
    b, c, s = report["build_index"], report["cli_first_answer"], report["server_first_answer"]
    print(
        f"build-index --force: {b['median_wall_seconds']} s wall (build itself {b['median_build_seconds']} s), "
        f"{builds[0]['units']} units, peak RSS {max(x['peak_rss_mib'] for x in builds)} MiB"
    )
    print(
        f"zhili-qa ask, index built: {c['median_wall_seconds']} s to the first answer, "
        f"peak RSS {max(x['peak_rss_mib'] for x in asks)} MiB"
    )
    print(
        f"python app.py: {s['median_seconds']} s to the first /api/ask answer, "
        f"peak RSS {max(x['peak_rss_mib'] for x in servers)} MiB -> {out}"
    )


if __name__ == "__main__":
    main()
