"""Start ``python app.py`` on a free loopback port for a benchmark, and stop it (only it) afterwards."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
WORK = Path(os.environ.get("ZHILI_BENCH_DIR", "/tmp/zhili-bench"))
HOST = "127.0.0.1"  # loopback only: load is never sent anywhere else


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def bench_index() -> Path:
    """A private index folder for benchmarks, seeded from the repository's index when that one exists, so
    a benchmark never rebuilds (or races with) the index the developers' app serves."""
    target = WORK / "index"
    source = ROOT / "index"
    if not (target / "CURRENT").exists() and (source / "CURRENT").exists():
        generation = source / (source / "CURRENT").read_text().strip()
        if generation.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            shutil.copytree(generation, target / generation.name, dirs_exist_ok=True)
            (target / "CURRENT").write_text(generation.name)
    return target


def server_env(port: int, data_dir: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "ZHILI_HOST": HOST,
            "ZHILI_PORT": str(port),
            "ZHILI_INDEX_DIR": str(bench_index()),
            "ZHILI_DATA_DIR": str(data_dir),
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "GRADIO_ANALYTICS_ENABLED": "False",
            **extra,
        }
    )
    return env


class Server:
    def __init__(self, process: subprocess.Popen, base_url: str, started: float, log: Path) -> None:
        self.process = process
        self.base_url = base_url
        self.started = started
        self.log = log
        self.rusage = None

    def stop(self) -> None:
        """SIGINT (uvicorn's graceful stop), SIGKILL if it lingers past 20 s; keeps the child's own rusage."""
        if self.rusage is not None or self.process.returncode is not None:
            return
        self.process.send_signal(signal.SIGINT)
        deadline, killed = time.monotonic() + 20, False
        while True:
            pid, status, usage = os.wait4(self.process.pid, os.WNOHANG)
            if pid:
                self.rusage, self.process.returncode = usage, os.waitstatus_to_exitcode(status)
                return
            if time.monotonic() > deadline and not killed:
                self.process.kill()
                killed = True
            time.sleep(0.1)

    @property
    def peak_rss_mib(self) -> float | None:
        return round(self.rusage.ru_maxrss / 1024, 1) if self.rusage else None


def start(data_dir: Path, *, ready_timeout: float = 600.0, **extra_env: str) -> Server:
    """Start app.py and wait (bounded) until /healthz answers."""
    port = free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    log = data_dir / "server.log"
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py")],
        cwd=ROOT,
        env=server_env(port, data_dir, **extra_env),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    server = Server(process, f"http://{HOST}:{port}", started, log)
    deadline = time.perf_counter() + ready_timeout
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}; see {log}")
        try:
            if httpx.get(server.base_url + "/healthz", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"server not ready in {ready_timeout} s; see {log}")


@contextmanager
def running(data_dir: Path, **extra_env: str):
    server = start(data_dir, **extra_env)
    try:
        yield server
    finally:
        server.stop()
