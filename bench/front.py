"""nginx in front of several app processes, as docs/deploy.md deploys it, on loopback for a benchmark.

The sticky upstream is deploy/nginx-replicas.conf itself, with its example ports replaced by the replicas'
ports; the server block below carries the proxy settings docs/deploy.md gives (without TLS). nginx runs in
the foreground of its own prefix folder and is stopped (only it) when the benchmark ends.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
UPSTREAM = ROOT / "deploy" / "nginx-replicas.conf"

SITE = """
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    {upstream}
    server {{
        listen {host}:{port};
        client_max_body_size 64k;
        location / {{
            proxy_pass http://zhili;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_buffering off;
            proxy_read_timeout 120s;
            add_header Set-Cookie $zq_node_cookie always;
        }}
    }}
}}
"""


def config(prefix: Path, host: str, port: int, backends: list[str]) -> str:
    """The loopback site: deploy/nginx-replicas.conf's upstream pointed at ``backends`` (host:port each)."""
    upstream = UPSTREAM.read_text(encoding="utf-8")
    servers = "".join(f"    server {backend};\n" for backend in backends)
    upstream = re.sub(r"(?:    server \S+;\n)+", lambda _: servers, upstream, count=1)
    return SITE.format(prefix=prefix, upstream=upstream, host=host, port=port)


def cpu_seconds(process: subprocess.Popen) -> float:
    """nginx's CPU seconds so far: the master and its workers (children that are still running)."""
    pids = [process.pid]
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    if children.exists():
        pids += [int(pid) for pid in children.read_text().split()]
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


@contextmanager
def nginx_front(prefix: Path, host: str, port: int, backends: list[str]):
    """nginx on ``host:port`` in front of ``backends``; yields its process (for its CPU time)."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    prefix.mkdir(parents=True, exist_ok=True)
    for folder in ("body", "proxy"):
        (prefix / folder).mkdir(exist_ok=True)
        (prefix / folder).chmod(0o777)  # workers run as nobody when the master is root
    conf = prefix / "nginx.conf"
    conf.write_text(config(prefix, host, port, backends), encoding="utf-8")
    process = subprocess.Popen([binary, "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"])
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                httpx.get(f"http://{host}:{port}/healthz", timeout=2)
                break
            except httpx.HTTPError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"nginx did not start; see {prefix / 'error.log'}") from None
                time.sleep(0.1)
        yield process
    finally:
        process.send_signal(signal.SIGQUIT)  # graceful stop of this nginx only
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
