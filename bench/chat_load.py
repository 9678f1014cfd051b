"""50 people chatting at once, through the pages' own paths: the Gradio chat and the lite page.

    ZHILI_BENCH_DIR=/tmp/zhili-bench-$USER .venv/bin/python bench/chat_load.py [--clients 50] [--seconds 60]

The load generator is one asyncio loop with one httpx connection per simulated user (as each phone has its own),
speaking what the browser speaks (checked in Chromium): for the Gradio page, the question box's submit event with
the question and the conversation kept so far (the page's BrowserState), sent as the page's config says: without
an LLM, one POST /gradio_api/run/predict (the event is outside Gradio's queue); with one, POST
/gradio_api/queue/join, then the server-sent events of /gradio_api/queue/data until the event completes. For the
lite page, the background POST /lite its script makes. Each user asks a dev-set
question, reads the answer, asks again at once (no pause: the worst case), and starts a new conversation every
CONVERSATION_TURNS questions, as a citizen's visit is a few questions long. The generator's own CPU time is
reported beside the server's, and the load average beside each figure: the 2 cores are shared.

Each user first opens the page (GET /), as a browser does, keeping the cookies it is given; on the Gradio page
it then keeps the page's heartbeat stream open and runs the page's load event, as the page's script does.
``--think 3-8``
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


Event = tuple[int, int, bool]  # (fn_index, trigger_id, queued) of a Gradio event, as the page's config says


async def chat_events(base_url: str) -> dict[str, Event]:
    """The page's own events: ``ask``, the question box's submit, and ``load``, what the page runs when it opens."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        config = (await client.get("/config")).json()
    box = next(c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == "zq-question")
    found = {}
    for index, dependency in enumerate(config["dependencies"]):
        for target, name in dependency["targets"]:
            kind = "ask" if (target, name) == (box, "submit") else "load" if name == "load" else None
            if kind and kind not in found:
                found[kind] = (dependency.get("id", index), target, dependency.get("queue") is not False)
    return found


async def call_event(client: httpx.AsyncClient, event: Event, data: list) -> tuple[bool, list]:
    """One Gradio event as the page's script sends it, in the page's session: (success, its outputs). An event
    outside Gradio's queue is one POST to /gradio_api/run/predict; a queued one joins the queue and reads its
    server-sent events to the end."""
    session = client.headers["x-zq-session"]
    body = {"data": data, "event_data": None, "fn_index": event[0], "trigger_id": event[1], "session_hash": session}
    if not event[2]:
        response = await client.post("/gradio_api/run/predict", json=body)
        return response.status_code == 200, response.json().get("data") or []
    joined = await client.post("/gradio_api/queue/join", json=body)
    if joined.status_code != 200:
        return False, []
    event_id = joined.json()["event_id"]
    async with client.stream("GET", "/gradio_api/queue/data", params={"session_hash": session}) as stream:
        async for line in stream.aiter_lines():
            if not line.startswith("data:"):
                continue
            message = json.loads(line[5:])
            if message.get("event_id") not in (None, event_id):
                continue
            if message.get("msg") == "queue_full":
                return False, []
            if message.get("msg") == "process_completed":
                return bool(message.get("success")), (message.get("output") or {}).get("data") or []
    return False, []


async def ask_gradio(client: httpx.AsyncClient, event: Event, question: str, turns: list) -> tuple[bool, list]:
    """One question as the page asks it; (answered, the conversation the page keeps next)."""
    success, data = await call_event(client, event, [question, turns])
    ok = success and len(data) > 1 and "zq-turn" in str(data[0])
    return ok, (data[1] if ok and isinstance(data[1], list) else turns)


async def heartbeat(client: httpx.AsyncClient) -> None:
    """The stream an open Gradio page keeps to the server for as long as it is open."""
    async with client.stream("GET", f"/gradio_api/heartbeat/{client.headers['x-zq-session']}") as stream:
        async for _ in stream.aiter_bytes():
            pass


async def open_page(client: httpx.AsyncClient, path: str, events: dict[str, Event] | None) -> asyncio.Task | None:
    """The page as a browser opens it (taking the front's cookie); the Gradio page's script then opens its
    heartbeat and runs its load event (the task of the heartbeat is returned, to be cancelled at the end)."""
    (await client.get("/lite" if path == "lite" else "/")).raise_for_status()
    if events is None:
        return None
    beating = asyncio.create_task(heartbeat(client))
    if not (await call_event(client, events["load"], [[]]))[0]:
        raise RuntimeError("the chat page's load event failed")
    return beating


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
    events = await chat_events(base_url) if path == "gradio" else None
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
                    ok, kept = await ask_gradio(client, events["ask"], question, kept)
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
        beating = [await open_page(client, path, events) for client in users]
        cpu_before, load_before = cpu_seconds(), load_average()
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(*(user(n, c) for n, c in enumerate(users)))
        elapsed = time.perf_counter() - started
        generator_cpu = cpu_seconds() - cpu_before
        for task in beating:  # the pages close
            if task is not None:
                task.cancel()
        await asyncio.gather(*(t for t in beating if t is not None), return_exceptions=True)
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
