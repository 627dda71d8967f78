"""An independent witness in a process of its own (decision 0035), for the tests: its directory made
by ``liandong witness init``, served by ``liandong witness serve`` on a free port. Its start is
bounded (``processes.serving``): past the deadline the fixture fails with what the process printed."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.support.processes import free_port, serving

SRC = str(Path(__file__).resolve().parents[2] / "src")


@dataclass(frozen=True)
class WitnessProcess:
    url: str
    vkey: str
    directory: Path
    log: Path


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = SRC + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def liandong(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "liandong", *args], capture_output=True, text=True,
                          env=_env(), timeout=60, check=False)


@contextlib.contextmanager
def witness_process(where: Path, origin: str, log_vkey: str, *, name: str = "witness-x",
                    deadline: float = 60.0) -> Iterator[WitnessProcess]:
    directory = where / name
    made = liandong("witness", "init", "--dir", str(directory), "--name", name, "--origin", origin,
                    "--log-key", log_vkey)
    assert made.returncode == 0, made.stdout + made.stderr
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = where / f"{name}.log"
    command = [sys.executable, "-m", "liandong", "witness", "serve", "--dir", str(directory),
               "--port", str(port)]
    with serving(command, url=f"{url}/healthz", log=log, env=_env(), deadline=deadline):
        yield WitnessProcess(url, made.stdout.strip(), directory, log)
