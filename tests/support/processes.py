"""Server processes for the tests that never hang: each runs in a process group of its own with its
output in a file, so a fixture waiting for it can always give up at its deadline, kill the group
(uvicorn's workers too) and fail with what the process printed."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import httpx

SHOWN = 4000
"""How much of the end of a process's output a failure message shows."""


class ServerDidNotStart(RuntimeError):
    """The process exited, or was not healthy by its deadline; the message ends with its output."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(command: Sequence[str], *, log: Path,
          env: Mapping[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Start ``command`` in a new process group, its stdout and stderr appended to ``log``."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:  # the child keeps its own descriptor; no pipe for anyone to fill
        return subprocess.Popen(list(command), env=None if env is None else dict(env),
                                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)


def stop(proc: subprocess.Popen[bytes], *, grace: float = 10.0) -> None:
    """SIGTERM to the whole group, SIGKILL to it after ``grace`` seconds; returns once reaped."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 30.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)  # the group outlives its leader: signal it even when reaped
        try:
            proc.wait(timeout=wait)
            if sig == signal.SIGTERM:  # whatever the leader left behind in its group goes too
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
            return
        except subprocess.TimeoutExpired:
            continue


def output_of(log: Path) -> str:
    """The end of what the process printed (read from its file, never from a live pipe)."""
    try:
        text = log.read_text(errors="replace")
    except FileNotFoundError:
        return "(no output)"
    return text[-SHOWN:] if text else "(no output)"


def wait_healthy(proc: subprocess.Popen[bytes], url: str, *, log: Path, deadline: float = 60.0,
                 every: float = 0.2) -> None:
    """Return once ``url`` answers 200. When the process exits first or ``deadline`` seconds pass,
    stop its group, then raise ServerDidNotStart with its output."""
    end = time.monotonic() + deadline
    while True:
        left = end - time.monotonic()
        try:
            if httpx.get(url, timeout=max(0.1, min(1.0, left))).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        code = proc.poll()
        if code is not None or time.monotonic() >= end:
            stop(proc)
            why = f"exited with {code}" if code is not None else f"was not healthy within {deadline:g} s"
            raise ServerDidNotStart(f"{' '.join(map(str, proc.args))} {why} ({url}); it printed:\n"
                                    f"{output_of(log)}")
        time.sleep(max(0.0, min(every, end - time.monotonic())))


@contextlib.contextmanager
def serving(command: Sequence[str], *, url: str, log: Path, env: Mapping[str, str] | None = None,
            deadline: float = 60.0) -> Iterator[subprocess.Popen[bytes]]:
    """The process of ``command``, healthy at ``url``; its group is stopped on leaving."""
    proc = start(command, log=log, env=env)
    try:
        wait_healthy(proc, url, log=log, deadline=deadline)
        yield proc
    finally:
        stop(proc)
