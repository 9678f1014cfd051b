"""HTTP load on loopback: 50 concurrent clients for 60 s on POST /api/ask, then the Gradio chat's questions.

    .venv/bin/python bench/http_load.py [--clients 50] [--seconds 60] [--gradio-clients 8] [--gradio-seconds 30]
    .venv/bin/python bench/http_load.py --replicas 2 --postgres [--clients 16 --seconds 30 --think 0 --gradio-clients 0]

The second form starts a throw-away PostgreSQL server (initdb in a temporary folder, as the tests do) and two
app processes on it sharing one ZHILI_SECRET_KEY; user n asks replica n mod 2 and rates its answers on the
other replica. It reports feedback acknowledged against rows stored, questions answered against rows logged
(0 lost expected), and whether both replicas show the same gap report.

Starts ``python app.py`` on a free 127.0.0.1 port with its own data folder and a per-minute rate limit high
enough that the run measures capacity (ZHILI_RATE_LIMIT_PER_MINUTE); 429 answers would be counted apart
from errors all the same. The questions are the dev set's, mixed: facts, leads, lists, follow-ups with
their history, refusals; half of the single questions are reworded (请问…？, 麻烦问下…呢) into questions the
server has not seen, since it caches query vectors and a repeated question costs far less (latency is also
reported for new and repeated questions apart); every tenth request of a client is a thumbs up/down on an answer it got, and
after the run the SQLite file must hold every feedback row the API said it stored and every question it
answered. The load is bounded in time and in count, and the load generator stops by itself.

The Gradio phase drives the chat's own question event (what the page's "提问" does) as the page sends it (one
POST to /gradio_api/run/predict without an LLM, Gradio's queue protocol with one), one session per simulated
page, with chat_load.py's asyncio generator (bench/chat_load.py also runs the lite page's path). Writes bench/results/http_load.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import random
import secrets
import sqlite3
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from chat_load import phase as chat_phase  # noqa: E402
from common import latency_summary, load_average, machine, write_result  # noqa: E402
from server import WORK, running  # noqa: E402

sys.path.insert(0, str(ROOT / "tests"))
from pg import ThrowAwayPostgres  # noqa: E402  (the tests' throw-away PostgreSQL server)

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
GAP_SETTLE_SECONDS = 3.0  # replicas write queued question rows within a batch's time; then their reports agree


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


async def http_phase(
    base_urls: list[str], clients: int, seconds: float, think: float = 0.0, new_share: float = 0.5
) -> dict:
    """``clients`` users in a closed loop; each waits ``think`` seconds (0.5x to 1.5x, seeded) between requests;
    ``new_share`` of the single questions are reworded (an opener and a closer around a dev question).

    With several servers (replicas) user n asks server n and sends its feedback to the next one, so every
    feedback names an answer another process gave."""
    bodies = workload()
    async with httpx.AsyncClient(base_url=base_urls[0], timeout=60) as client:
        await fill_histories(client, bodies)
        seen = {(b["question"], len(b["history"])) for b in bodies}
        seen |= {(t["content"], 0) for b in bodies for t in b["history"] if t["role"] == "user"}
        records: list[tuple[str, int, float]] = []  # (kind, status or -1 for a transport error, ms)
        transport_errors: list[str] = []
        feedback_stored = feedback_refused = 0
        counter = itertools.count()

        async def user(number: int, client: httpx.AsyncClient) -> None:
            nonlocal feedback_stored, feedback_refused
            ask_at = base_urls[number % len(base_urls)]
            rate_at = base_urls[(number + 1) % len(base_urls)]
            last: dict | None = None
            pause = random.Random(number)
            variants = random.Random(1000 + number)
            for step in itertools.count():
                if think and step:
                    await asyncio.sleep(think * pause.uniform(0.5, 1.5))
                if time.perf_counter() >= deadline or next(counter) >= MAX_REQUESTS:
                    return
                if step % FEEDBACK_EVERY == FEEDBACK_EVERY - 1 and last is not None:
                    kind, path = "feedback", rate_at + "/api/feedback"
                    body = {
                        "answer_id": last["answer"]["answer_id"],  # the id the server minted for that answer
                        "rating": "up" if number % 2 else "down",
                        "comment": f"load test client {number}",
                    }
                else:
                    path = ask_at + "/api/ask"
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
                    httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=1))
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
    """The chat's question event as the page sends it, from chat_load.py's asyncio generator (gradio_client's
    threads took enough of the 2 cores to be the bottleneck themselves)."""
    return asyncio.run(chat_phase(base_url, "gradio", clients, seconds, None))


def stored_rows(data_dir: Path, database_url: str = "") -> dict:
    tables = ("questions", "feedback")
    if database_url:
        import psycopg

        with psycopg.connect(database_url) as db:
            return {table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in tables}
    with sqlite3.connect(data_dir / "zhili.sqlite3") as db:
        return {table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in tables}


def main() -> None:
    args = arguments()
    data_dir = WORK / f"load-{int(time.time())}"
    database = ThrowAwayPostgres().start() if args.postgres else None
    try:
        url = database.new_database("load") if database else ""
        report = {
            "machine": machine(),
            "command": " ".join(["python", "bench/http_load.py", *sys.argv[1:]]),
            "server": {
                "rate_limit_per_minute": args.rate_limit,
                "engine_concurrency": 2,
                "workers": 1,
                "replicas": args.replicas,
                "storage": "postgresql" if url else "sqlite",
            },
        }
        env = {
            **{f"ZHILI_{kind}RATE_LIMIT_PER_MINUTE": str(args.rate_limit) for kind in ("", "SEARCH_", "FEEDBACK_")},
            "ZHILI_SECRET_KEY": secrets.token_urlsafe(32),  # replicas share it: an answer id from one is good on all
            "ZHILI_DATABASE_URL": url,
        }
        with contextlib.ExitStack() as stack:
            servers = [stack.enter_context(running(data_dir / f"replica-{n}", **env)) for n in range(args.replicas)]
            report["server"]["ready_seconds"] = round(time.perf_counter() - servers[0].started, 1)
            run_phases(report, [s.base_url for s in servers], args)
            if len(servers) > 1:
                report["gap_reports"] = compare_gap_reports([s.base_url for s in servers])
        # after the servers stopped: each writes its queued question rows as it stops
        rows = stored_rows(data_dir / "replica-0", url)
    finally:
        if database:
            database.stop()
    report["server"]["peak_rss_mib"] = max(s.peak_rss_mib or 0 for s in servers)
    report["server"]["cpu_seconds"] = round(sum(s.rusage.ru_utime + s.rusage.ru_stime for s in servers if s.rusage), 1)
    account_for_rows(report, rows)
    print_summary(report, write_result("http_load", report, args.out))


def arguments() -> argparse.Namespace:
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
    parser.add_argument("--replicas", type=int, default=1, help="app processes sharing one database (needs --postgres)")
    parser.add_argument("--postgres", action="store_true", help="a throw-away PostgreSQL server as the database")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.replicas > 1 and not args.postgres:
        parser.error("several replicas share one database: add --postgres")
    return args


def run_phases(report: dict, bases: list[str], args: argparse.Namespace) -> None:
    report["load_average_before"] = load_average()
    report["http"] = asyncio.run(http_phase(bases, args.clients, args.seconds, 0.0, args.new_share))
    report["load_average_after_http"] = load_average()
    if args.think:
        report["http_with_think_time"] = asyncio.run(
            http_phase(bases, args.clients, args.seconds, args.think, args.new_share)
        )
        report["load_average_after_think"] = load_average()
    if args.gradio_clients:
        report["gradio"] = gradio_phase(bases[0], args.gradio_clients, args.gradio_seconds)
        report["load_average_after_gradio"] = load_average()


def compare_gap_reports(bases: list[str]) -> dict:
    """Every replica must show the same gap report: one log, not one per process."""
    time.sleep(GAP_SETTLE_SECONDS)  # each replica writes its queued question rows within moments
    reports = [httpx.get(base + "/api/gaps", timeout=60).json() for base in bases]
    return {
        "identical": all(r == reports[0] for r in reports),
        "counts": [r["counts"] for r in reports],
        "gaps": [len(r["gaps"]) for r in reports],
    }


def account_for_rows(report: dict, rows: dict) -> None:
    """Acknowledged against stored: every answered question is logged, every feedback said stored is there."""
    phases = [report["http"], report.get("http_with_think_time", {})]
    sent = {
        key: sum(p.get(key, 0) for p in phases)
        for key in ("feedback_stored", "feedback_not_stored", "asks_ok", "warm_up_asks")
    }
    report["storage"] = {
        **rows,
        "feedback_acknowledged": sent["feedback_stored"],
        "feedback_rows_lost": sent["feedback_stored"] - rows["feedback"] + sent["feedback_not_stored"],
        "question_rows_expected_at_least": sent["asks_ok"]
        + sent["warm_up_asks"]
        + report.get("gradio", {}).get("answers_ok", 0),
    }
    report["storage"]["question_rows_lost"] = max(
        0, report["storage"]["question_rows_expected_at_least"] - rows["questions"]
    )


def print_summary(report: dict, out: Path) -> None:
    http, storage = report["http"], report["storage"]
    for phase in (http, report.get("http_with_think_time")):
        if phase:
            latency = phase["ask_latency"]
            print(
                f"HTTP /api/ask, {phase['clients']} clients pausing ~{phase['think_seconds']} s, {phase['seconds']} s: "
                f"{phase['throughput_asks_per_s']} answers/s, p50 {latency['p50_ms']} ms, p95 {latency['p95_ms']} ms, "
                f"p99 {latency['p99_ms']} ms, errors {phase['errors']}, 429s {phase['rate_limited_429']}"
            )
    print(
        f"storage ({report['server']['storage']}, {report['server']['replicas']} process(es)): feedback acknowledged "
        f"{storage['feedback_acknowledged']}, rows {storage['feedback']}, lost {storage['feedback_rows_lost']}; "
        f"questions answered >= {storage['question_rows_expected_at_least']}, logged {storage['questions']}, "
        f"lost {storage['question_rows_lost']}"
    )
    if "gap_reports" in report:
        gaps = report["gap_reports"]
        print(f"gap report the same on every replica: {gaps['identical']} (counts {gaps['counts'][0]})")
    if "gradio" in report:
        g = report["gradio"]
        print(
            f"Gradio chat, {g['clients']} clients, {g['seconds']} s: {g['throughput_per_s']} answers/s, "
            f"p50 {g['latency'].get('p50_ms')} ms, p95 {g['latency'].get('p95_ms')} ms, errors {g['errors']}"
        )
    print(f"server peak RSS {report['server']['peak_rss_mib']} MiB -> {out}")


if __name__ == "__main__":
    main()
