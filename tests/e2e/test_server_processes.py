"""The helper that starts the e2e servers (tests.support.processes) never hangs: a process that never
becomes healthy, or dies, fails the fixture within its deadline with what the process printed, and
nothing of its process group is left running."""

from __future__ import annotations

import os
import sys
import textwrap
import time
from pathlib import Path

import httpx
import pytest

from tests.support.processes import ServerDidNotStart, free_port, serving, start, stop, wait_healthy

# prints, starts a child that holds the same output open, then never answers (nor exits)
NEVER_HEALTHY = textwrap.dedent("""
    import subprocess, sys, time
    print("booting the platform", flush=True)
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    print(f"child {child.pid}", flush=True)
    print("waiting for a database that never comes", file=sys.stderr, flush=True)
    time.sleep(600)
""")

HEALTHY = textwrap.dedent("""
    import sys
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class Health(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200 if self.path == "/healthz" else 404)
            self.end_headers()

    print("serving", flush=True)
    HTTPServer(("127.0.0.1", int(sys.argv[1])), Health).serve_forever()
""")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (exited, not yet reaped by its parent, itself gone) counts as dead
    stat = Path(f"/proc/{pid}/stat")
    return not stat.exists() or stat.read_text().split(") ", 1)[1][0] != "Z"


def test_a_process_never_healthy_fails_within_the_deadline_with_its_output(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    proc = start([sys.executable, "-c", NEVER_HEALTHY], log=log)
    began = time.monotonic()
    with pytest.raises(ServerDidNotStart) as failure:
        wait_healthy(proc, f"http://127.0.0.1:{free_port()}/healthz", log=log, deadline=2)
    took = time.monotonic() - began
    assert 2 <= took < 2 + 10 + 3  # the deadline, then at most the grace of SIGTERM
    message = str(failure.value)
    assert "was not healthy within 2 s" in message
    assert "booting the platform" in message and "waiting for a database that never comes" in message
    assert proc.returncode is not None  # killed and reaped
    child = int(next(line for line in log.read_text().splitlines() if line.startswith("child ")).split()[1])
    deadline = time.monotonic() + 5
    while alive(child) and time.monotonic() < deadline:  # the child went with its group
        time.sleep(0.05)
    assert not alive(child)


def test_a_process_that_exits_fails_at_once_with_its_exit_code_and_output(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    proc = start([sys.executable, "-c", "import sys; print('port already in use'); sys.exit(3)"], log=log)
    began = time.monotonic()
    with pytest.raises(ServerDidNotStart, match=r"exited with 3 .*\n.*port already in use"):
        wait_healthy(proc, f"http://127.0.0.1:{free_port()}/healthz", log=log, deadline=60)
    assert time.monotonic() - began < 30


def test_a_healthy_process_is_served_and_stopped_on_leaving(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/healthz"
    with serving([sys.executable, "-c", HEALTHY, str(port)], url=url, log=tmp_path / "server.log",
                 deadline=30) as proc:
        assert httpx.get(url).status_code == 200
    assert proc.returncode is not None
    with pytest.raises(httpx.ConnectError):
        httpx.get(url, timeout=1)


def test_stopping_a_process_that_ignores_sigterm_kills_it(tmp_path: Path) -> None:
    stubborn = ("import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
                "print('ready', flush=True); time.sleep(600)")
    log = tmp_path / "server.log"
    proc = start([sys.executable, "-c", stubborn], log=log)
    deadline = time.monotonic() + 10
    while "ready" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    began = time.monotonic()
    stop(proc, grace=0.5)
    assert proc.returncode == -9 and time.monotonic() - began < 10
