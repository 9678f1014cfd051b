"""50 people chatting at once, through the pages' own paths: the Gradio chat's queue and the lite page.

    ZHILI_BENCH_DIR=/tmp/zhili-bench-$USER .venv/bin/python bench/chat_load.py [--clients 50] [--seconds 60]

The load generator is one asyncio loop with one httpx connection per simulated user (as each phone has its own),
speaking what the browser speaks: for the Gradio page, POST /gradio_api/queue/join with the question and the
conversation kept so far (the page's BrowserState), then the server-sent events of /gradio_api/queue/data until
the event completes; for the lite page, the background POST /lite its script makes. Each user asks a dev-set
question, reads the answer, asks again at once (no pause: the worst case), and starts a new conversation every
CONVERSATION_TURNS questions, as a citizen's visit is a few questions long. The generator's own CPU time is
reported beside the server's, and the load average beside each figure: the 2 cores are shared.

Each user first opens the page (GET /), as a browser does, keeping the cookies it is given. ``--think 3-8``
adds a phase ``<path>+think`` in which each user arrives at a random moment of the first 8 s and reads each
answer for a random 3-8 s before the next question (how citizens use it), reported beside the back-to-back
phases, never instead of them.

``--replicas 2`` serves the app as docs/deploy.md's "Several processes" does: that many app processes on one
throw-away PostgreSQL, behind nginx with deploy/nginx-replicas.conf (a cookie keeps each page on one process,
as Gradio's queue needs); the server CPU reported is all the processes' and nginx's together.
Writes bench/results/chat_load.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import resource
import sys
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from common import latency_summary, load_average, machine, write_result  # noqa: E402
from front import cpu_seconds as nginx_cpu  # noqa: E402
from front import nginx_front  # noqa: E402
from server import HOST, WORK, free_port, running  # noqa: E402

sys.path.insert(0, str(ROOT / "tests"))
from pg import ThrowAwayPostgres  # noqa: E402

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


async def phase(base_url: str, path: str, clients: int, seconds: float, think: tuple[float, float] | None) -> dict:
    asked = questions()
    fn = await chat_event(base_url) if path == "gradio" else None
    latencies: list[float] = []
    errors: list[str] = []
    pauses = random.Random(12)

    async def user(number: int, client: httpx.AsyncClient) -> None:
        kept: list | str = [] if path == "gradio" else "[]"
        step = 0
        if think:  # readers arrive spread over one pause, not all at the same instant
            await asyncio.sleep(pauses.uniform(0, think[1]))
        while time.perf_counter() < deadline:
            if think and step:
                await asyncio.sleep(pauses.uniform(*think))  # reading the answer
                if time.perf_counter() >= deadline:
                    break
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
        for client in users:  # the page first, as a browser opens it (and takes the front's cookie)
            (await client.get("/lite" if path == "lite" else "/")).raise_for_status()
        cpu_before, load_before = cpu_seconds(), load_average()
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(*(user(n, c) for n, c in enumerate(users)))
        elapsed = time.perf_counter() - started
        generator_cpu = cpu_seconds() - cpu_before
    return {
        "path": path + ("+think" if think else ""),
        "think_seconds": list(think) if think else None,
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
    args = arguments()
    report = {
        "machine": machine(),
        "command": " ".join(["python", "bench/chat_load.py", *sys.argv[1:]]),
        "replicas": args.replicas,
    }
    phases = [(path, None) for path in args.paths.split(",")]
    if args.think:
        low, high = (float(x) for x in args.think.split("-"))
        phases += [(path, (low, high)) for path in args.paths.split(",")]
    with serving(args.replicas) as (base_url, server_cpu):
        for path, think in phases:
            cpu_before = server_cpu()
            result = asyncio.run(phase(base_url, path, args.clients, args.seconds, think))
            result["server_cpu_share_of_2_cores"] = round((server_cpu() - cpu_before) / result["seconds"] / 2, 3)
            result["server_cpu_ms_per_answer"] = round(
                (server_cpu() - cpu_before) * 1000 / max(result["answers_ok"], 1), 1
            )
            report[result["path"]] = result
            lat = result["latency"]
            print(
                f"{result['path']}: {args.clients} users, {result['seconds']} s: {result['throughput_per_s']} "
                f"answers/s, p50 {lat.get('p50_ms')} ms, p95 {lat.get('p95_ms')} ms, errors {result['errors']}; "
                f"generator CPU {result['generator_cpu_share_of_2_cores']:.0%}, server CPU "
                f"{result['server_cpu_share_of_2_cores']:.0%} of 2 cores "
                f"({result['server_cpu_ms_per_answer']} ms an answer); load {result['load_average_after']}"
            )
    print(f"-> {write_result('chat_load', report, args.out)}")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--paths", default="gradio,lite")
    parser.add_argument("--think", default="", help="e.g. 3-8: also run each path with that many seconds' reading")
    parser.add_argument(
        "--replicas", type=int, default=1, help="app processes behind nginx (deploy/nginx-replicas.conf)"
    )
    parser.add_argument("--out", type=Path)
    return parser.parse_args()


@contextlib.contextmanager
def serving(replicas: int):
    """(the URL to load, a function giving the server side's CPU seconds so far): one app process, or several
    on one PostgreSQL behind nginx."""
    work = WORK / f"chat-load-{int(time.time())}"
    env = {"ZHILI_RATE_LIMIT_PER_MINUTE": "1000000"}
    if replicas == 1:
        with running(work, **env) as server:
            yield server.base_url, lambda: _child_cpu(server)
        return
    database = ThrowAwayPostgres().start()
    try:
        env |= {"ZHILI_DATABASE_URL": database.new_database("chat"), "ZHILI_SECRET_KEY": uuid.uuid4().hex * 2}
        env["ZHILI_FORWARDED_ALLOW_IPS"] = HOST  # nginx says who the visitor is
        with contextlib.ExitStack() as stack:
            servers = [stack.enter_context(running(work / f"replica-{n}", **env)) for n in range(replicas)]
            port = free_port()
            backends = [server.base_url.removeprefix("http://") for server in servers]
            nginx = stack.enter_context(nginx_front(work / "nginx", HOST, port, backends))
            yield f"http://{HOST}:{port}", lambda: sum(_child_cpu(s) for s in servers) + nginx_cpu(nginx)
    finally:
        database.stop()


def _child_cpu(server) -> float:
    """The server process's CPU seconds so far (user + system), from /proc."""
    fields = Path(f"/proc/{server.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / __import__("os").sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
