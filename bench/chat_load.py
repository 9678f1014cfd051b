"""50 people chatting at once, through the pages' own paths: the Gradio chat's queue and the lite page.

    ZHILI_BENCH_DIR=/tmp/zhili-bench-$USER .venv/bin/python bench/chat_load.py [--clients 50] [--seconds 60]

The load generator is one asyncio loop with one httpx connection per simulated user (as each phone has its own),
speaking what the browser speaks: for the Gradio page, POST /gradio_api/queue/join with the question and the
conversation kept so far (the page's BrowserState), then the server-sent events of /gradio_api/queue/data until
the event completes; for the lite page, the background POST /lite its script makes. Each user asks a dev-set
question, reads the answer, asks again at once (no pause: the worst case), and starts a new conversation every
CONVERSATION_TURNS questions, as a citizen's visit is a few questions long. The generator's own CPU time is
reported beside the server's, and the load average beside each figure: the 2 cores are shared.
Writes bench/results/chat_load.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import resource
import sys
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from common import latency_summary, load_average, machine, write_result  # noqa: E402
from server import WORK, running  # noqa: E402

CONVERSATION_TURNS = 4
TIMEOUT = 120.0


def questions() -> list[str]:
    rows = [json.loads(line) for line in (ROOT / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines() if line]
    return [row["question"] for row in rows if "question" in row]


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def chat_event(base_url: str) -> tuple[int, int]:
    """(fn_index, trigger_id) of the question box's submit: the first dependency that the textbox triggers."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        config = (await client.get("/config")).json()
    box = next(c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == "zq-question")
    for index, dependency in enumerate(config["dependencies"]):
        if any(target[0] == box and target[1] == "submit" for target in dependency["targets"]):
            return dependency.get("id", index), box
    raise RuntimeError("no submit event on the question box")


async def ask_gradio(client: httpx.AsyncClient, fn: tuple[int, int], question: str, turns: list) -> tuple[bool, list]:
    """One question as the page asks it, in the page's session; (answered, the conversation to keep)."""
    session = client.headers["x-zq-session"]
    body = {"data": [question, turns], "fn_index": fn[0], "trigger_id": fn[1], "session_hash": session}
    joined = await client.post("/gradio_api/queue/join", json=body)
    if joined.status_code != 200:
        return False, turns
    event = joined.json()["event_id"]
    async with client.stream("GET", "/gradio_api/queue/data", params={"session_hash": session}) as stream:
        async for line in stream.aiter_lines():
            if not line.startswith("data:"):
                continue
            message = json.loads(line[5:])
            if message.get("event_id") not in (None, event):
                continue
            if message.get("msg") == "queue_full":
                return False, turns
            if message.get("msg") == "process_completed":
                output = message.get("output") or {}
                data = output.get("data") or []
                ok = bool(message.get("success")) and len(data) > 1 and "zq-turn" in str(data[0])
                return ok, (data[1] if ok and isinstance(data[1], list) else turns)
    return False, turns


async def ask_lite(client: httpx.AsyncClient, question: str, history: str) -> tuple[bool, str]:
    response = await client.post(
        "/lite",
        data={"q": question, "history": history},
        headers={"X-Requested-With": "XMLHttpRequest", "Accept-Encoding": "gzip"},
    )
    if response.status_code != 200:
        return False, history
    reply = response.json()
    return bool(reply.get("ok")), json.dumps(reply["history"], ensure_ascii=False)


async def phase(base_url: str, path: str, clients: int, seconds: float) -> dict:
    asked = questions()
    fn = await chat_event(base_url) if path == "gradio" else None
    latencies: list[float] = []
    errors: list[str] = []

    async def user(number: int, client: httpx.AsyncClient) -> None:
        kept: list | str = [] if path == "gradio" else "[]"
        step = 0
        while time.perf_counter() < deadline:
            if step % CONVERSATION_TURNS == 0:
                kept = [] if path == "gradio" else "[]"
            question = asked[(number * 7 + step) % len(asked)]
            step += 1
            started = time.perf_counter()
            try:
                if path == "gradio":
                    ok, kept = await ask_gradio(client, fn, question, kept)
                else:
                    ok, kept = await ask_lite(client, question, kept)
            except httpx.HTTPError as error:
                ok = False
                errors.append(repr(error)[:200])
            if ok:
                latencies.append((time.perf_counter() - started) * 1000)
            else:
                errors.append(f"{path}: not answered") if not errors or len(errors) < 1000 else None

    async with contextlib.AsyncExitStack() as stack:
        users = [
            await stack.enter_async_context(
                httpx.AsyncClient(
                    base_url=base_url,
                    timeout=TIMEOUT,
                    limits=httpx.Limits(max_connections=2),
                    headers={"x-zq-session": uuid.uuid4().hex[:11]},  # one page, one Gradio session
                )
            )
            for _ in range(clients)
        ]
        cpu_before, load_before = cpu_seconds(), load_average()
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(*(user(n, c) for n, c in enumerate(users)))
        elapsed = time.perf_counter() - started
        generator_cpu = cpu_seconds() - cpu_before
    return {
        "path": path,
        "clients": clients,
        "seconds": round(elapsed, 1),
        "answers_ok": len(latencies),
        "throughput_per_s": round(len(latencies) / elapsed, 2),
        "latency": latency_summary(latencies),
        "errors": len(errors),
        "error_samples": errors[:5],
        "generator_cpu_seconds": round(generator_cpu, 1),
        "generator_cpu_share_of_2_cores": round(generator_cpu / elapsed / 2, 3),
        "load_average_before": load_before,
        "load_average_after": load_average(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--paths", default="gradio,lite")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    report = {"machine": machine(), "command": " ".join(["python", "bench/chat_load.py", *sys.argv[1:]])}
    with running(WORK / f"chat-load-{int(time.time())}", ZHILI_RATE_LIMIT_PER_MINUTE="1000000") as server:
        report["server_ready_seconds"] = round(time.perf_counter() - server.started, 1)
        for path in args.paths.split(","):
            server_cpu_before = _child_cpu(server)
            result = asyncio.run(phase(server.base_url, path, args.clients, args.seconds))
            server_cpu = _child_cpu(server) - server_cpu_before
            result["server_cpu_share_of_2_cores"] = round(server_cpu / result["seconds"] / 2, 3)
            report[path] = result
            lat = result["latency"]
            print(
                f"{path}: {args.clients} users, {result['seconds']} s: {result['throughput_per_s']} answers/s, "
                f"p50 {lat.get('p50_ms')} ms, p95 {lat.get('p95_ms')} ms, errors {result['errors']}; "
                f"generator CPU {result['generator_cpu_share_of_2_cores']:.0%}, server CPU "
                f"{result['server_cpu_share_of_2_cores']:.0%} of 2 cores; load {result['load_average_after']}"
            )
    print(f"-> {write_result('chat_load', report, args.out)}")


def _child_cpu(server) -> float:
    """The server process's CPU seconds so far (user + system), from /proc."""
    fields = Path(f"/proc/{server.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / __import__("os").sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
