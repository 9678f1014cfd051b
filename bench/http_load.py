"""HTTP load on loopback: 50 concurrent clients for 60 s on POST /api/ask, then the Gradio chat queue.

    .venv/bin/python bench/http_load.py [--clients 50] [--seconds 60] [--gradio-clients 8] [--gradio-seconds 30]

Starts ``python app.py`` on a free 127.0.0.1 port with its own data folder and a per-minute rate limit high
enough that the run measures capacity (ZHILI_RATE_LIMIT_PER_MINUTE); 429 answers would be counted apart
from errors all the same. The questions are the dev set's, mixed: facts, leads, lists, follow-ups with
their history, refusals; half of the single questions are reworded (请问…？, 麻烦问下…呢) into questions the
server has not seen, since it caches query vectors and a repeated question costs far less (latency is also
reported for new and repeated questions apart); every tenth request of a client is a thumbs up/down on an answer it got, and
after the run the SQLite file must hold every feedback row the API said it stored and every question it
answered. The load is bounded in time and in count, and the load generator stops by itself.

The Gradio phase drives the chat's own queued event (what the page's "提问" does) with gradio_client, one
client (session) per thread; the chat's events are marked private so gradio_client refuses them unless
told otherwise, which this benchmark does for its own client only. Writes bench/results/http_load.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import random
import sqlite3
import sys
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from common import latency_summary, load_average, machine, write_result  # noqa: E402
from server import WORK, running  # noqa: E402

MAX_REQUESTS = 200_000  # a hard cap on top of the time limit
# New wordings of the dev questions, so that part of the load is questions the server has never seen
# (the engine caches query vectors: a repeated question costs far less than a new one).
OPENERS = (
    "",
    "请问",
    "我想问一下",
    "麻烦问下",
    "你好，",
    "想了解一下",
    "打听一下",
    "问一下，",
    "您好，请问",
    "咨询一下",
)
CLOSERS = ("", "？", "呢", "啊", "，谢谢", "？麻烦了", "，多谢", "呀", "，急", "？谢谢您")
FEEDBACK_EVERY = 10
CHAT_FN_INDEX = 0  # the question box's submit event (the first dependency of the chat Blocks)


def workload() -> list[dict]:
    """One request body per dev-set item: a follow-up carries its earlier turns as history."""
    rows = [json.loads(line) for line in (ROOT / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines() if line]
    bodies = []
    for row in rows:
        turns = row.get("turns") or [row["question"]]
        history = []
        for earlier in turns[:-1]:
            history += [{"role": "user", "content": earlier}, {"role": "assistant", "content": ""}]
        bodies.append({"question": turns[-1], "history": history})
    return bodies


async def fill_histories(client: httpx.AsyncClient, bodies: list[dict]) -> None:
    """Give each follow-up's history the answers the app really gives to the earlier turns (also a warm-up)."""
    for body in bodies:
        for turn in body["history"]:
            if turn["role"] == "assistant":
                continue
            answer = await client.post("/api/ask", json={"question": turn["content"]})
            index = body["history"].index(turn)
            body["history"][index + 1]["content"] = answer.json()["answer"]
        await client.post("/api/ask", json=body)


async def http_phase(base_url: str, clients: int, seconds: float, think: float = 0.0, new_share: float = 0.5) -> dict:
    """``clients`` users in a closed loop; each waits ``think`` seconds (0.5x to 1.5x, seeded) between requests;
    ``new_share`` of the single questions are reworded (an opener and a closer around a dev question)."""
    bodies = workload()
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
        await fill_histories(client, bodies)
        seen = {(b["question"], len(b["history"])) for b in bodies}
        seen |= {(t["content"], 0) for b in bodies for t in b["history"] if t["role"] == "user"}
        records: list[tuple[str, int, float]] = []  # (kind, status or -1 for a transport error, ms)
        transport_errors: list[str] = []
        feedback_stored = feedback_refused = 0
        counter = itertools.count()

        async def user(number: int, client: httpx.AsyncClient) -> None:
            nonlocal feedback_stored, feedback_refused
            last: dict | None = None
            pause = random.Random(number)
            variants = random.Random(1000 + number)
            for step in itertools.count():
                if think and step:
                    await asyncio.sleep(think * pause.uniform(0.5, 1.5))
                if time.perf_counter() >= deadline or next(counter) >= MAX_REQUESTS:
                    return
                if step % FEEDBACK_EVERY == FEEDBACK_EVERY - 1 and last is not None:
                    kind, path = "feedback", "/api/feedback"
                    body = {
                        "rating": "up" if number % 2 else "down",
                        "question": last["question"],
                        "answer": last["answer"]["answer"],
                        "citations": last["answer"]["citations"],
                        "comment": f"load test client {number}",
                    }
                else:
                    path = "/api/ask"
                    body = bodies[(number * 7 + step) % len(bodies)]
                    if not body["history"] and variants.random() < new_share:
                        wording = variants.choice(OPENERS) + body["question"] + variants.choice(CLOSERS)
                        body = {**body, "question": wording}
                    key = (body["question"], len(body["history"]))
                    kind = "ask" if key in seen else "ask_new"  # new: never sent before in this run
                    seen.add(key)
                started = time.perf_counter()
                try:
                    response = await client.post(path, json=body)
                    status = response.status_code
                except httpx.HTTPError as error:
                    status = -1
                    transport_errors.append(f"{path}: {error!r}")
                records.append((kind, status, (time.perf_counter() - started) * 1000))
                if status == 200 and kind != "feedback":
                    last = {"question": body["question"], "answer": response.json()}
                elif status == 200:
                    if response.json().get("stored"):
                        feedback_stored += 1
                    else:
                        feedback_refused += 1

        # Each user its own client and connection, as each phone has. With one pool shared by all users,
        # requests queued inside the load generator: httpcore's trace showed up to 4.4 s passing before a request
        # was even written, while the server took < 0.5 s for it. The clients are made before the clock starts
        # (each loads the CA bundle: ~2 s of the generator's CPU for 50).
        async with contextlib.AsyncExitStack() as own_clients:
            users = [
                await own_clients.enter_async_context(
                    httpx.AsyncClient(base_url=base_url, timeout=60, limits=httpx.Limits(max_connections=1))
                )
                for _ in range(clients)
            ]
            deadline = time.perf_counter() + seconds
            started = time.perf_counter()
            await asyncio.gather(*(user(n, own) for n, own in enumerate(users)))
            elapsed = time.perf_counter() - started

    asks = [r for r in records if r[0] != "feedback"]
    ok = [ms for kind, status, ms in asks if status == 200]
    return {
        "clients": clients,
        "think_seconds": think,
        "seconds": round(elapsed, 1),
        "requests": len(records),
        "asks": len(asks),
        "asks_ok": len(ok),
        "throughput_asks_per_s": round(len(ok) / elapsed, 2),
        "ask_latency": latency_summary(ok),
        "new_question_share": new_share,
        "ask_latency_new_questions": latency_summary(
            [ms for k, status, ms in asks if k == "ask_new" and status == 200]
        ),
        "ask_latency_repeated_questions": latency_summary(
            [ms for k, status, ms in asks if k == "ask" and status == 200]
        ),
        "errors": sum(1 for _, status, _ in records if status not in (200, 429)),
        "error_statuses": sorted({status for _, status, _ in records if status not in (200, 429)}),
        "transport_error_samples": transport_errors[:5],
        "rate_limited_429": sum(1 for _, status, _ in records if status == 429),
        "feedback_sent": sum(1 for kind, _, _ in records if kind == "feedback"),
        "feedback_stored": feedback_stored,
        "feedback_not_stored": feedback_refused,
        "feedback_latency": latency_summary(
            [ms for kind, status, ms in records if kind == "feedback" and status == 200]
        ),
        "warm_up_asks": sum(1 + len(b["history"]) // 2 for b in bodies),
    }


def gradio_phase(base_url: str, clients: int, seconds: float) -> dict:
    from gradio_client import Client

    questions = [b["question"] for b in workload() if not b["history"]]
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def user(number: int) -> None:
        try:
            client = Client(base_url + "/", verbose=False)
            client.endpoints[CHAT_FN_INDEX].is_valid = True  # the page's own event; private to API clients
        except Exception as error:  # counted and reported
            with lock:
                errors.append(f"connect: {error!r}")
            return
        for step in itertools.count():
            if time.perf_counter() >= deadline:
                break
            question = questions[(number * 5 + step) % len(questions)]
            started = time.perf_counter()
            try:
                output = client.predict(question, fn_index=CHAT_FN_INDEX)
                ok = "zq-turn" in str(output[0]) and question[:6] in str(output[0])
            except Exception as error:
                ok, output = False, repr(error)
            with lock:
                if ok:
                    latencies.append((time.perf_counter() - started) * 1000)
                else:
                    errors.append(str(output)[:200])
        client.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    elapsed = time.perf_counter() - started
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "answers_ok": len(latencies),
        "throughput_per_s": round(len(latencies) / elapsed, 2),
        "latency": latency_summary(latencies),
        "errors": len(errors),
        "error_samples": errors[:5],
    }


def stored_rows(data_dir: Path) -> dict:
    with sqlite3.connect(data_dir / "zhili.sqlite3") as db:
        return {table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in ("questions", "feedback")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--think",
        type=float,
        default=5.0,
        help="a second HTTP phase with this mean pause between a user's requests (0: skip it)",
    )
    parser.add_argument(
        "--new-share",
        type=float,
        default=0.5,
        help="share of single questions reworded into ones the server has not seen",
    )
    parser.add_argument("--gradio-clients", type=int, default=8)
    parser.add_argument("--gradio-seconds", type=float, default=30)
    parser.add_argument("--rate-limit", type=int, default=1_000_000, help="per client IP and minute, for the server")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    data_dir = WORK / f"load-{int(time.time())}"
    report = {
        "machine": machine(),
        "command": " ".join(["python", "bench/http_load.py", *sys.argv[1:]]),
        "server": {"rate_limit_per_minute": args.rate_limit, "engine_concurrency": 2, "workers": 1},
    }
    with running(data_dir, ZHILI_RATE_LIMIT_PER_MINUTE=str(args.rate_limit)) as server:
        report["server"]["ready_seconds"] = round(time.perf_counter() - server.started, 1)
        report["load_average_before"] = load_average()
        report["http"] = asyncio.run(http_phase(server.base_url, args.clients, args.seconds, 0.0, args.new_share))
        report["load_average_after_http"] = load_average()
        if args.think:
            report["http_with_think_time"] = asyncio.run(
                http_phase(server.base_url, args.clients, args.seconds, args.think, args.new_share)
            )
            report["load_average_after_think"] = load_average()
        if args.gradio_clients:
            report["gradio"] = gradio_phase(server.base_url, args.gradio_clients, args.gradio_seconds)
            report["load_average_after_gradio"] = load_average()
    rows = stored_rows(data_dir)  # after the server stopped: it writes its queued question rows as it stops
    report["server"]["peak_rss_mib"] = server.peak_rss_mib
    if server.rusage:
        report["server"]["cpu_seconds"] = round(server.rusage.ru_utime + server.rusage.ru_stime, 1)
    http = report["http"]
    phases = [http, report.get("http_with_think_time", {})]
    sent = {
        key: sum(p.get(key, 0) for p in phases)
        for key in ("feedback_stored", "feedback_not_stored", "asks_ok", "warm_up_asks")
    }
    # Every answered question is logged, plus the chat's; every feedback the API said it stored is there.
    report["storage"] = {
        **rows,
        "feedback_rows_lost": sent["feedback_stored"] - rows["feedback"] + sent["feedback_not_stored"],
        "question_rows_expected_at_least": sent["asks_ok"]
        + sent["warm_up_asks"]
        + report.get("gradio", {}).get("answers_ok", 0),
    }
    report["storage"]["question_rows_lost"] = max(
        0, report["storage"]["question_rows_expected_at_least"] - rows["questions"]
    )
    out = write_result("http_load", report, args.out)

    latency = http["ask_latency"]
    print(
        f"HTTP /api/ask, {http['clients']} clients, {http['seconds']} s: {http['throughput_asks_per_s']} answers/s, "
        f"p50 {latency['p50_ms']} ms, p95 {latency['p95_ms']} ms, p99 {latency['p99_ms']} ms, "
        f"errors {http['errors']}, 429s {http['rate_limited_429']}"
    )
    if "http_with_think_time" in report:
        t = report["http_with_think_time"]
        print(
            f"HTTP /api/ask, {t['clients']} users pausing ~{t['think_seconds']} s: {t['throughput_asks_per_s']} answers/s, "
            f"p50 {t['ask_latency']['p50_ms']} ms, p95 {t['ask_latency']['p95_ms']} ms, "
            f"p99 {t['ask_latency']['p99_ms']} ms, errors {t['errors']}, 429s {t['rate_limited_429']}"
        )
    print(
        f"feedback: sent {sum(p.get('feedback_sent', 0) for p in phases)}, stored {sent['feedback_stored']}, "
        f"rows {rows['feedback']}, "
        f"lost {report['storage']['feedback_rows_lost']}; questions logged {rows['questions']}"
    )
    if "gradio" in report:
        g = report["gradio"]
        print(
            f"Gradio queue, {g['clients']} clients, {g['seconds']} s: {g['throughput_per_s']} answers/s, "
            f"p50 {g['latency'].get('p50_ms')} ms, p95 {g['latency'].get('p95_ms')} ms, errors {g['errors']}"
        )
    print(f"server peak RSS {report['server']['peak_rss_mib']} MiB -> {out}")


if __name__ == "__main__":
    main()
